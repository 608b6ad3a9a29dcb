"""The warehouse's models run as dbt compiled them, straight in DuckDB.

dbt's start-up costs seconds a run; a property test needs thousands of builds. So dbt
compiles the project once, in both variants (incremental, and --full-refresh), and renders
the delete predicate of each model the `replace_changed` strategy rebuilds
(macros/changed_since.sql). Each model's compiled SQL then runs in dependency order with
what its materialization does around it: a view or table is replaced, an incremental model
appends, or deletes its changed scope and inserts the new rows. Seeds and data tests are not
run: they do not change the data. `tests/property/test_incremental_equals_full.py` checks
this runner against dbt itself.

The property test builds thousands of nights, so it keeps its databases in memory: each is an
attached catalog of one DuckDB instance, and `in_catalog` points the compiled SQL (which names
the database dbt built, `"warehouse".…`) at one of them.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from orchestration.warehouse.dbt_runner import run_dbt

MARKER = "@@predicate@@"


@dataclass(frozen=True)
class CompiledModel:
    name: str
    database: str
    relation: str
    materialized: str
    strategy: str | None
    full_refresh: bool
    incremental_sql: str
    full_sql: str
    delete_where: str | None
    is_published: bool


def _manifest(target: Path) -> dict:
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}


def _in_dependency_order(models: dict[str, dict]) -> list[str]:
    order: list[str] = []

    def visit(key: str) -> None:
        if key in order or key not in models:
            return
        for parent in models[key]["depends_on"].get("nodes", []):
            visit(parent)
        order.append(key)

    for key in sorted(models):
        visit(key)
    return order


def _predicates(db: Path, work: Path, scopes: dict[str, str], dbt_vars: str) -> dict[str, str]:
    """The delete predicate of each replace_changed model, rendered by dbt itself."""
    if not scopes:
        return {}
    inline = MARKER.join(
        f"{{{{ changed_scope_predicate('{scope}', ref('{name}')) }}}}"
        for name, scope in scopes.items()
    )
    out = run_dbt(
        ["compile", "--quiet", "--vars", dbt_vars, "--inline", inline],
        db,
        target_path=work / "inline",
    )
    rendered = out.strip().split(MARKER)
    return dict(zip(scopes, (r.strip() for r in rendered), strict=True))


def _copy_of(db: Path, folder: Path) -> Path:
    """A copy under the same file name: compiled SQL names the database by its stem."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(db, folder / db.name))


def compile_warehouse(db: Path, work: Path, dbt_vars: str = "{}") -> list[CompiledModel]:
    """Compile every model of the project against `db`, where every model already exists
    (after a first dbt build), in both variants, with the dbt vars the builds use; returned
    in dependency order. The dbt invocations run side by side, each on its own copy of `db`
    (one writer a file)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        incremental_run = pool.submit(
            run_dbt,
            ["compile", "--quiet", "--vars", dbt_vars],
            _copy_of(db, work / "db_incremental"),
            target_path=work / "incremental",
        )
        full_run = pool.submit(
            run_dbt,
            ["compile", "--quiet", "--full-refresh", "--vars", dbt_vars],
            _copy_of(db, work / "db_full"),
            target_path=work / "full",
        )
        incremental_run.result()
        full_run.result()
    incremental = _models(_manifest(work / "incremental"))
    full = _models(_manifest(work / "full"))
    scopes = {
        node["name"]: node["config"]["changed_scope"]
        for node in incremental.values()
        if node["config"].get("incremental_strategy") == "replace_changed"
    }
    predicates = _predicates(db, work, scopes, dbt_vars)
    compiled = []
    for key in _in_dependency_order(incremental):
        node = incremental[key]
        config = node["config"]
        compiled.append(
            CompiledModel(
                name=node["name"],
                database=node["database"],
                relation=node["relation_name"],
                materialized=config["materialized"],
                strategy=config.get("incremental_strategy"),
                full_refresh=config.get("full_refresh") is not False,
                incremental_sql=node["compiled_code"],
                full_sql=full[key]["compiled_code"],
                delete_where=predicates.get(node["name"]),
                is_published=node["original_file_path"].startswith("models/marts/"),
            )
        )
    return compiled


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    names = [row[0] for row in con.execute(f"describe {relation}").fetchall()]
    return ", ".join(f'"{name}"' for name in names)


def _strip_trailing_semicolon(sql: str) -> str:
    return re.sub(r";\s*$", "", sql.strip())


def run_model(con: duckdb.DuckDBPyConnection, model: CompiledModel, full_refresh: bool) -> None:
    """What the model's materialization does, with dbt's compiled SQL."""
    incremental = model.materialized == "incremental" and (
        not full_refresh or not model.full_refresh
    )
    sql = _strip_trailing_semicolon(model.incremental_sql if incremental else model.full_sql)
    if model.materialized == "view":
        con.execute(f"create or replace view {model.relation} as {sql}")
    elif not incremental:
        con.execute(f"create or replace table {model.relation} as {sql}")
    elif model.strategy == "append":
        columns = _columns(con, model.relation)
        con.execute(f"insert into {model.relation} ({columns}) select {columns} from ({sql})")
    elif model.strategy == "replace_changed":
        columns = _columns(con, model.relation)
        con.execute(f"create or replace temp table dbt_model_rows as {sql}")
        con.execute(f"delete from {model.relation} where {model.delete_where}")
        con.execute(
            f"insert into {model.relation} ({columns}) select {columns} from dbt_model_rows"
        )
        con.execute("drop table dbt_model_rows")
    else:
        raise ValueError(f"{model.name}: no runner for incremental strategy {model.strategy}")


def in_catalog(models: list[CompiledModel], catalog: str) -> list[CompiledModel]:
    """The models with every relation of the database dbt built moved to `catalog`."""

    def moved(model: CompiledModel, sql: str | None) -> str | None:
        return None if sql is None else sql.replace(f'"{model.database}".', f'"{catalog}".')

    return [
        replace(
            m,
            database=catalog,
            relation=moved(m, m.relation),
            incremental_sql=moved(m, m.incremental_sql),
            full_sql=moved(m, m.full_sql),
            delete_where=moved(m, m.delete_where),
        )
        for m in models
    ]


def build(con: duckdb.DuckDBPyConnection, models: list[CompiledModel], full_refresh: bool) -> None:
    """Every model in dependency order, one transaction each as dbt runs them."""
    for model in models:
        con.execute("begin")
        run_model(con, model, full_refresh)
        con.execute("commit")


def run_warehouse(db: Path, models: list[CompiledModel], full_refresh: bool) -> None:
    """`build` on the database file dbt built (its stem is the catalog the SQL names)."""
    with duckdb.connect(str(db)) as con:
        build(con, models, full_refresh)
