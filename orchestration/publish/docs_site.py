"""`make docs`: dbt's documentation site for the published models, in the published folder,
served on 127.0.0.1.

dbt writes the site and the manifest (descriptions, lineage, tests) without touching the build
database: it runs against an empty scratch database with an empty catalog. The catalog (column
types and comments) is then written from the published database itself, read-only, so the
site shows exactly what analysts can query.

python -m orchestration.publish.docs_site [--port 8580] [--no-serve]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import tempfile
from pathlib import Path

import duckdb

from orchestration.publish.assets import PUBLISHED_DBT_SELECT
from orchestration.settings import Settings
from orchestration.warehouse.dbt_runner import run_dbt

DOCS_FOLDER = "docs"
HOST = "127.0.0.1"
DEFAULT_PORT = 8580


def published_nodes(manifest: dict) -> dict[str, dict]:
    """Table name → manifest node of every published model."""
    tag = PUBLISHED_DBT_SELECT.removeprefix("tag:")
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and tag in node.get("tags", [])
    }


def catalog_from_published(published_db: Path, manifest: dict) -> dict:
    """dbt's catalog.json, read from the published database (types, comments, row counts)."""
    nodes = {}
    with duckdb.connect(str(published_db), read_only=True) as con:
        for name, node in published_nodes(manifest).items():
            columns = con.execute(
                "select column_name, data_type, column_index, comment from duckdb_columns() "
                "where database_name = current_database() and table_name = ? "
                "order by column_index",
                [name],
            ).fetchall()
            if not columns:
                continue
            (comment,) = con.execute(
                "select comment from duckdb_tables() where database_name = current_database() "
                "and table_name = ?",
                [name],
            ).fetchone()
            (rows,) = con.execute(f'select count(*) from main."{name}"').fetchone()
            nodes[node["unique_id"]] = {
                "unique_id": node["unique_id"],
                "metadata": {
                    "type": "BASE TABLE",
                    "database": published_db.stem,
                    "schema": node["schema"],
                    "name": name,
                    "comment": comment,
                    "owner": None,
                },
                "columns": {
                    column: {"type": data_type, "index": index, "name": column, "comment": text}
                    for column, data_type, index, text in columns
                },
                "stats": {
                    "row_count": {
                        "id": "row_count",
                        "label": "Rows in the published database",
                        "value": rows,
                        "include": True,
                        "description": "Rows (số dòng) at the last publication.",
                    }
                },
            }
    return {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
            "generated_at": manifest["metadata"].get("generated_at"),
        },
        "nodes": nodes,
        "sources": {},
        "errors": None,
    }


def build_docs_site(published_db: Path) -> Path:
    """Write the site into <published folder>/docs and return that folder."""
    if not published_db.exists():
        raise FileNotFoundError(
            f"{published_db} does not exist yet: run `make run` first, so that there is a "
            "published database to document."
        )
    site = published_db.parent / DOCS_FOLDER
    with tempfile.TemporaryDirectory(prefix="vwu-docs-") as scratch:
        run_dbt(
            ["docs", "generate", "--empty-catalog", "--select", PUBLISHED_DBT_SELECT],
            Path(scratch) / "empty.duckdb",
            target_path=site,
        )
    manifest = json.loads((site / "manifest.json").read_text())
    catalog = catalog_from_published(published_db, manifest)
    (site / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False))
    return site


def serve(site: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer((HOST, port), handler) as server:
        print(f"dbt docs of the published models: http://{HOST}:{port}/  (Ctrl+C to stop)")
        server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--no-serve", action="store_true", help="write the site only")
    args = parser.parse_args(argv)
    site = build_docs_site(Settings.from_env().published_db)
    print(f"dbt docs written to {site}")
    if not args.no_serve:
        serve(site, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
