"""Warehouse speed at national scale: ten years of history (~18 million values) built by
dbt from scratch and then a nightly run with 1% new submissions, against two baselines run
in the same run on copies of the same history:

- plain: dbt's own compiled SQL of every model as one DuckDB script (generated at the start
  of every run, full-refresh mode, tests left out; not committed). It shows dbt's overhead.
- handwritten: bench/handwritten_warehouse.sql, the published tables written by hand as
  directly as we can (committed). It shows whether the models' SQL is good.

Every published table of dbt's build is checked equal to the hand-written script's
(bench/compare.py); the bench fails loudly, with the first differing rows, when one is not.

Prints `BENCH <name> <value> <unit>` lines and `BENCH <name> <ratio> x` (ours over the
baseline), the per-model execution times of dbt's run_results.json (largest first), and
the load average it ran under. Peak memory is the largest resident set of the process doing
the work, all under the memory_limit of dbt_project/profiles.yml.

    python bench/bench_warehouse.py [--years N] [--keep DIR] [--write-plain]

--years N (1-10, default 10) generates only the last N years of history: a quick run to
compare ratios while working (2 years: a few minutes); the recorded figures are those of
the full ten years. --write-plain writes the compiled-SQL script into the work folder (see
it with --keep DIR) and exits.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compare import compare_published, published_relations  # noqa: E402
from bench.history import add_nightly, add_rule_cases, generate_history  # noqa: E402
from orchestration.project import DBT_EXECUTABLE, DBT_PROJECT_DIR  # noqa: E402
from orchestration.warehouse.assets import DbtConfig, dbt_build_args  # noqa: E402

# What the nightly job runs: the first build of an empty warehouse and every night after.
NIGHTLY_BUILD = dbt_build_args(DbtConfig(), reference_changed=False)

MEMORY_LIMIT = "3GB"
# Runs a command and prints the peak resident set (KiB) of its process tree's largest
# member; ru_maxrss of RUSAGE_CHILDREN is the largest child's peak.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('PEAK_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)
HANDWRITTEN = ROOT / "bench" / "handwritten_warehouse.sql"
# The day fct_submissions counts expected reports up to: fixed for the run, so that a run
# across midnight compares like with like.
AS_OF = datetime.date.today().isoformat()
PLAIN_RUNNER = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    f"con.execute(\"set memory_limit = '{MEMORY_LIMIT}'\")\n"
    f"con.execute(\"set variable reporting_as_of = date '{AS_OF}'\")\n"
    "con.execute(open(sys.argv[2], encoding='utf-8').read())\n"
)
TOP_MODELS = 15
# One submission in RULE_CASE_EVERY gets a revision, a rejection, a hold... (history.py).
RULE_CASE_EVERY = 200


def measured(command: list[str], env_db: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of running `command` to completion; raises when it fails."""
    env = None
    if env_db is not None:
        env = dict(os.environ, VWU_WAREHOUSE_DB=str(env_db))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=DBT_PROJECT_DIR,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed:\n{done.stdout[-4000:]}{done.stderr}")
    peak = int(re.findall(r"PEAK_KIB (\d+)", done.stdout)[-1]) / 1024
    return elapsed, peak


def dbt(args: list[str], target: Path) -> list[str]:
    return [
        DBT_EXECUTABLE,
        *args,
        "--vars",
        json.dumps({"reporting_as_of": AS_OF}),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
    ]


def plain(db: Path, script: Path) -> list[str]:
    return [sys.executable, "-c", PLAIN_RUNNER, str(db), str(script)]


def write_plain_script(work: Path) -> Path:
    """Compile every model in full-refresh mode and write them as one script."""
    import duckdb

    db = work / "compile.duckdb"
    with duckdb.connect(str(db)) as con:
        from bench.history import RAW_TABLES
        from ingestion.landing import ensure_raw_schema, land_reference

        con.execute(RAW_TABLES)
        ensure_raw_schema(con)
        land_reference(con)
    target = work / "compile_target"
    subprocess.run(
        dbt(["compile", "--quiet"], target),
        check=True,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "VWU_WAREHOUSE_DB": str(db)},
    )
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in ("model", "seed")}
    order: list[str] = []

    def visit(key: str) -> None:
        if key in order or key not in nodes:
            return
        for parent in nodes[key]["depends_on"].get("nodes", []):
            visit(parent)
        order.append(key)

    for key in sorted(nodes):
        visit(key)
    parts = [
        "-- Generated by bench/bench_warehouse.py from dbt's compiled SQL",
        "-- of every model (full-refresh mode): the same transforms as one plain DuckDB script,",
        "-- without dbt (no parse, no tests, no hooks, no incremental bookkeeping).",
        "create schema if not exists staging;",
        "create schema if not exists intermediate;",
        "create schema if not exists core;",
        "create schema if not exists analytics;",
    ]
    for key in order:
        node = nodes[key]
        name = f"{node['schema']}.{node['alias']}"
        if node["resource_type"] == "seed":
            csv = node["original_file_path"]  # relative: the script runs in dbt_project/
            parts.append(
                f"create or replace table {name} as select * from read_csv('{csv}', "
                "header = true, all_varchar = true);"
            )
            continue
        sql = node["compiled_code"]
        sql = re.sub(r'"compile"\."(\w+)"\."(\w+)"', r"\1.\2", sql)
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        parts.append(f"create or replace {kind} {name} as\n{sql.strip()}\n;")
    script = work / "plain_warehouse.sql"
    script.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return script


def model_timings(target: Path, label: str) -> None:
    """Print the TOP_MODELS slowest models of the last dbt run (run_results.json)."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    models.sort(key=lambda r: r["execution_time"], reverse=True)
    total = sum(r["execution_time"] for r in models)
    print(f"BENCH {label}_models_total {total:.1f} s")
    for kind in ("test", "unit_test", "seed"):
        spent = sum(r["execution_time"] for r in results if r["unique_id"].startswith(kind + "."))
        print(f"BENCH {label}_{kind}s_total {spent:.1f} s")
    for result in models[:TOP_MODELS]:
        name = result["unique_id"].split(".")[-1]
        print(f"BENCH {label}_model {name} {result['execution_time']:.1f} s")


def check_equal(ours: Path, handwritten: Path, target: Path) -> None:
    """Fail loudly unless every published table of dbt's build equals the hand-written one."""
    start = time.perf_counter()
    relations = published_relations(target / "manifest.json")
    differences = compare_published(ours, handwritten, relations, MEMORY_LIMIT)
    print(f"BENCH equality_check_tables {len(relations)} tables")
    print(f"BENCH equality_check_seconds {time.perf_counter() - start:.1f} s")
    if differences:
        for difference in differences:
            print(difference, file=sys.stderr)
        raise SystemExit(
            f"{len(differences)} published table(s) differ between dbt and "
            f"{HANDWRITTEN.name}: {', '.join(d.table for d in differences)}"
        )
    print("BENCH equality_check_differences 0 tables")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench(work: Path, years: int = 10) -> None:
    print(f"BENCH load_average_at_start {load()} 1/5/15-min")
    base = work / "history.duckdb"
    start = time.perf_counter()
    if base.exists():  # kept from an earlier run with --keep
        import duckdb

        with duckdb.connect(str(base), read_only=True) as con:
            values = con.execute("select count(*) from raw.submission_values").fetchone()[0]
    else:
        values = generate_history(base, MEMORY_LIMIT, years)
        # Revisions, withdrawals, steward decisions, holds, sent quarters and ratios, a
        # narrative release: so that the equality check meets every rule at scale.
        cases = add_rule_cases(base, RULE_CASE_EVERY)
        print(f"BENCH history_generate {time.perf_counter() - start:.1f} s")
        print(f"BENCH history_rule_case_submissions {cases} submissions")
    print(f"BENCH history_years {years} years")
    print(f"BENCH history_values {values} values")

    script = write_plain_script(work)  # before any timing: dbt compile is not measured
    ours, baseline, handwritten = work / "dbt.duckdb", work / "plain.duckdb", work / "hand.duckdb"
    for copy in (ours, baseline, handwritten):
        shutil.copy(base, copy)
    target = work / "target"
    # dbt's fixed start-up: parse the project, connect, load the two small seeds.
    startup, _ = measured(dbt(["seed"], target), ours)
    full, full_peak = measured(dbt(NIGHTLY_BUILD, target), ours)
    model_timings(target, "full")
    shutil.copy(target / "run_results.json", work / "run_results_full.json")
    plain_full, plain_peak = measured(plain(baseline, script))
    hand_full, hand_peak = measured(plain(handwritten, HANDWRITTEN))
    print(f"BENCH dbt_startup {startup:.1f} s")
    print(f"BENCH warehouse_full_build {full:.1f} s")
    print(f"BENCH plain_sql_full {plain_full:.1f} s")
    print(f"BENCH handwritten_sql_full {hand_full:.1f} s")
    print(f"BENCH warehouse_full_build_vs_plain {full / plain_full:.2f} x")
    print(f"BENCH warehouse_full_build_vs_handwritten {full / hand_full:.2f} x (target <= 1.5)")
    print(f"BENCH warehouse_full_peak_memory {full_peak:.0f} MiB (target < 4096)")
    print(f"BENCH plain_sql_peak_memory {plain_peak:.0f} MiB")
    print(f"BENCH handwritten_sql_peak_memory {hand_peak:.0f} MiB")
    print(f"BENCH load_average_after_full_builds {load()} 1/5/15-min")
    check_equal(ours, handwritten, target)

    # The nightly run is compared with the full build above (1% fewer submissions): rebuilding
    # everything again would double the bench's length.
    added = add_nightly(ours)
    print(f"BENCH nightly_new_submissions {added} submissions")
    nightly, nightly_peak = measured(dbt(NIGHTLY_BUILD, target), ours)
    model_timings(target, "nightly")
    print(f"BENCH warehouse_nightly_incremental {nightly:.1f} s")
    print(f"BENCH warehouse_nightly_vs_full_build {nightly / full:.2f} x")
    budget = 0.1 * full + startup
    print(f"BENCH nightly_budget_10pct_plus_startup {budget:.1f} s")
    print(
        f"BENCH warehouse_nightly_vs_budget_10pct_plus_startup {nightly / budget:.2f} x "
        "(target <= 1.0)"
    )
    print(f"BENCH warehouse_nightly_peak_memory {nightly_peak:.0f} MiB (target < 4096)")
    print(f"BENCH load_average_at_end {load()} 1/5/15-min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--write-plain", action="store_true")
    parser.add_argument("--years", type=int, default=10, help="years of history, 1-10 (default 10)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="bench_warehouse_"))
    try:
        if args.write_plain:
            print(write_plain_script(work))
        else:
            bench(work, args.years)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
