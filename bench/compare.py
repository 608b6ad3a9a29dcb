"""Equality of the published tables of two warehouse databases, order-insensitive, with a
relative tolerance on floating-point columns: how the bench proves the hand-written
baseline (bench/handwritten_warehouse.sql) computes what dbt computes.

Every row, its floats rounded to 9 significant digits, is counted by a 64-bit fingerprint
on each side (one grouping on an integer, which DuckDB runs at ten years' scale); the rows
of the fingerprints whose counts differ are matched exactly (EXCEPT ALL each way), and the
few left over (a sum that rounds across a digit boundary) are paired on their non-float
columns and accepted when every float agrees within `RELATIVE_TOLERANCE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

RELATIVE_TOLERANCE = 1e-7
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
# dbt's description of its own models, not data computed from the raw tables.
NOT_COMPARED = frozenset({"data_dictionary"})


@dataclass
class TableDifference:
    table: str
    problem: str
    only_left: list[tuple] = field(default_factory=list)
    only_right: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.table}: {self.problem}"]
        if self.columns:
            lines.append("  columns: " + ", ".join(self.columns))
        lines += [f"  only in dbt:         {row}" for row in self.only_left]
        lines += [f"  only in handwritten: {row}" for row in self.only_right]
        return "\n".join(lines)


def published_relations(manifest_path: Path) -> list[str]:
    """schema.name of every model tagged `published` in a dbt manifest, but NOT_COMPARED."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and "published" in node["tags"]
        and node["name"] not in NOT_COMPARED
    )


def _rounded(column: str) -> str:
    quoted = f'"{column}"'
    return (
        f"case when {quoted} is null or {quoted} = 0 or not isfinite({quoted}) then {quoted} "
        f"else round({quoted}, 8 - cast(floor(log10(abs({quoted}))) as integer)) end "
        f"as {quoted}"
    )


def _unaliased(column: str) -> str:
    return _rounded(column).rsplit(" as ", 1)[0]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, relation: str) -> dict[str, str]:
    schema, name = relation.split(".")
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [catalog, schema, name],
    ).fetchall()
    return dict(rows)


def compare_table(
    con: duckdb.DuckDBPyConnection, lhs: str, rhs: str, relation: str, show: int = 5
) -> TableDifference | None:
    """Compare `relation` in the attached catalogs `lhs` (dbt) and `rhs` (hand-written)."""
    left, right = _columns(con, lhs, relation), _columns(con, rhs, relation)
    if not left or not right:
        return TableDifference(
            relation, f"missing: dbt has it {bool(left)}, handwritten {bool(right)}"
        )
    if set(left) != set(right):
        return TableDifference(
            relation,
            f"columns differ: only dbt {sorted(set(left) - set(right))}, "
            f"only handwritten {sorted(set(right) - set(left))}",
        )
    names = list(left)
    floats = [
        c for c in names if left[c].startswith(FLOAT_TYPES) or right[c].startswith(FLOAT_TYPES)
    ]
    select = ", ".join(_rounded(c) if c in floats else f'"{c}"' for c in names)
    fingerprint = (
        "hash(" + ", ".join(_unaliased(c) if c in floats else f'"{c}"' for c in names) + ")"
    )
    # Count each side's rows by a fingerprint of the rounded row: one grouping on an integer
    # per side. Only rows whose fingerprint counts differ are compared column by column.
    for side, catalog in (("left", lhs), ("right", rhs)):
        con.execute(
            f"create or replace temp table counts_{side} as "
            f'select {fingerprint} as _h, count(*) as _n from "{catalog}".{relation} group by _h'
        )
    con.execute(
        "create or replace temp table differing as "
        "select coalesce(l._h, r._h) as _h from counts_left as l "
        "full outer join counts_right as r on l._h = r._h where l._n is distinct from r._n"
    )
    if not con.execute("select count(*) from differing").fetchone()[0]:
        return None
    for side, catalog, other in (("left", lhs, rhs), ("right", rhs, lhs)):
        con.execute(
            f"create or replace temp table only_{side} as "
            f'select {select} from "{catalog}".{relation} '
            f"where {fingerprint} in (select _h from differing) "
            f'except all select {select} from "{other}".{relation} '
            f"where {fingerprint} in (select _h from differing)"
        )
    exact = [c for c in names if c not in floats]
    on = " and ".join(f'l."{c}" is not distinct from r."{c}"' for c in exact) or "true"
    close = (
        " and ".join(
            f'(l."{c}" is not distinct from r."{c}" or abs(l."{c}" - r."{c}") '
            f'<= {RELATIVE_TOLERANCE} * greatest(abs(l."{c}"), abs(r."{c}")))'
            for c in floats
        )
        or "true"
    )
    number = ", ".join(f'"{c}"' for c in names)
    # Pair the leftovers one to one on their exact columns; what stays unpaired differs.
    partition = ", ".join(f'"{c}"' for c in exact) or "true"
    paired = f"""
        with
        l as (select *, row_number() over (partition by {partition} order by {number}) as _n
            from only_left),
        r as (select *, row_number() over (partition by {partition} order by {number}) as _n
            from only_right)
        select l._n as ln, r._n as rn, ({close}) as is_close
        from l full outer join r on {on} and l._n = r._n
    """
    bad = con.execute(
        f"select count(*) from ({paired}) where ln is null or rn is null or not is_close"
    ).fetchone()[0]
    if not bad:
        return None
    left_rows = con.execute(f"select * from only_left order by all limit {show}").fetchall()
    right_rows = con.execute(f"select * from only_right order by all limit {show}").fetchall()
    counts = con.execute(
        f'select (select count(*) from "{lhs}".{relation}), '
        f'(select count(*) from "{rhs}".{relation}), '
        "(select count(*) from only_left), (select count(*) from only_right)"
    ).fetchone()
    return TableDifference(
        relation,
        f"{bad} rows differ (rows: dbt {counts[0]}, handwritten {counts[1]}; "
        f"unmatched: dbt {counts[2]}, handwritten {counts[3]})",
        left_rows,
        right_rows,
        names,
    )


def compare_published(
    dbt_db: Path, handwritten_db: Path, relations: list[str], memory_limit: str = "3GB"
) -> list[TableDifference]:
    """Every difference between the two databases' `relations` (empty when all equal)."""
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute("set preserve_insertion_order = false")
        # dbt's views name their tables with the database's catalog, its file's stem.
        lhs = dbt_db.stem
        rhs = "handwritten" if lhs != "handwritten" else "handwritten_rhs"
        con.execute(f"attach '{dbt_db}' as \"{lhs}\" (read_only)")
        con.execute(f"attach '{handwritten_db}' as \"{rhs}\" (read_only)")
        differences = []
        for relation in relations:
            difference = compare_table(con, lhs, rhs, relation)
            if difference is not None:
                differences.append(difference)
        return differences
    finally:
        con.close()
