"""Ingestion speed on a national batch, against the raw read limit measured in the same run.

Prints `BENCH <name> <value> <unit>` lines, and for each shape `BENCH <name> <ratio> x`:
our landing time over the raw read of the same files (DuckDB's read_csv for CSV,
python-calamine for XLSX), as the ratio of the bests and as the median of the ratios of
each round (`_paired_median`, the figure the targets are judged by: docs/ingestion.md, "How
the targets are judged").

The batch is a month of the 3,321 communes of the 2025 map from the synthetic generator:
as one long CSV per commune (headers in Vietnamese or English, any column order, UTF-8 with
or without BOM, units and indicators by code or by name, Vietnamese numbers); as one CSV per
province gathering its communes (34 files); and as one long workbook per province (34
files). Landing includes everything it does in production:
archiving and hashing each file, checking its text for damage, parsing Vietnamese numbers
and periods, resolving unit and indicator names, the row rules and the insert.

    python bench/bench_ingestion.py [--communes N] [--repeat R] [--xlsx-repeat R]
                                    [--shapes csv,csv_gathered,xlsx]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingestion.landing import land_inbox, land_reference  # noqa: E402
from ingestion.limits import LandingLimits  # noqa: E402
from ingestion.resolve import (  # noqa: E402
    clear_resolution_caches,
    disaggregation_resolver,
    indicator_resolver,
    unit_resolver,
)
from ingestion.synthetic import generate_national_batch  # noqa: E402

PERIOD = "2025-09"


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def alternating(repeat: int, runs: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Each run's times over `repeat` rounds; in each round every run is taken once, in the
    order given, so that the runs of a round are made under much the same load."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(run())
    return times


def print_ratios(name: str, ours: list[float], baseline: list[float]) -> None:
    """Two ratios of `ours` to `baseline`, taken in the same rounds: the ratio of the bests
    (`name`), and the median over the rounds of each of ours over the baseline of its round
    (`name_paired_median`).

    The machine is a shared VM whose speed swings from one second to the next, each core on
    its own: the best of a one-core run catches one fast core, the best of a two-core run
    needs both fast at once, so the ratio of the bests counts the machine against a run that
    uses both cores. The paired ratios compare runs made under much the same load."""
    paired = statistics.median(o / b for o, b in zip(ours, baseline, strict=True))
    print(f"BENCH {name} {min(ours) / min(baseline):.2f} x")
    print(f"BENCH {name}_paired_median {paired:.2f} x")


def land_copy(source: Path, root: Path) -> float:
    """Land a fresh copy of the batch into a fresh database; returns the landing time only."""
    shutil.rmtree(root, ignore_errors=True)
    inbox = root / "inbox"
    shutil.copytree(source, inbox)
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        # The reference tables are landed by their own step: written to the database file
        # here, so that the landing's commit does not checkpoint them too.
        land_reference(con)
        con.execute("checkpoint")
        # Each run resolves its names afresh, as a process's first batch does: a repeat must
        # not be timed with the previous run's resolutions cached.
        clear_resolution_caches()
        start = time.perf_counter()
        # The files were copied in whole a moment ago: no settle time to wait (the nightly
        # run lands files that arrived long before it).
        limits = LandingLimits(settle_seconds=0)
        result = land_inbox(inbox, root / "archive", con, limits=limits)
        elapsed = time.perf_counter() - start
        rejected = con.execute("select count(*) from raw.rejections").fetchone()[0]
    assert result.rejected == 0 and rejected == 0, "the clean bench batch must land whole"
    return elapsed


def bench_csv(work: Path, communes: int | None, repeat: int, gathered: bool) -> None:
    """CSV as the communes send it (one file each) or as provinces gather it (one each)."""
    name = "ingest_csv_gathered" if gathered else "ingest_csv"
    source = work / name
    batch = generate_national_batch(
        source,
        seed=1,
        period=PERIOD,
        max_units=communes,
        encodings=("utf-8", "utf-8-sig"),
        gather_communes=("long_csv",) if gathered else (),
    )
    files = [str(p) for p in sorted(source.iterdir())]
    print(f"BENCH {name}_files {len(files)} files")
    print(f"BENCH {name}_rows {batch.rows_written} rows")

    def raw_read() -> None:
        with duckdb.connect() as con:
            con.execute(
                "select count(*) from read_csv(?, all_varchar = true, header = true, "
                "union_by_name = true)",
                [files],
            ).fetchone()

    times = alternating(
        repeat,
        {
            "read_csv": lambda: timed(raw_read),
            "landing": lambda: land_copy(source, work / f"land_{name}"),
        },
    )
    print(f"BENCH {name}_raw_read_csv {min(times['read_csv']):.3f} s")
    print(f"BENCH {name}_landing {min(times['landing']):.3f} s")
    print(f"BENCH {name}_rows_per_second {batch.rows_written / min(times['landing']):.0f} rows/s")
    print_ratios(f"{name}_vs_read_csv", times["landing"], times["read_csv"])


def bench_xlsx(work: Path, communes: int | None, repeat: int) -> None:
    source = work / "xlsx"
    batch = generate_national_batch(
        source, seed=1, period=PERIOD, max_units=communes, shapes=("long_xlsx",)
    )
    files = sorted(source.iterdir())
    print(f"BENCH ingest_xlsx_files {len(files)} files")
    print(f"BENCH ingest_xlsx_rows {batch.rows_written} rows")

    def read_workbook(path: Path) -> None:
        # Every sheet to Python values, as a reader of the file must.
        workbook = CalamineWorkbook.from_path(str(path))
        for index in range(len(workbook.sheet_names)):
            workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)

    def raw_read() -> None:
        for path in files:
            read_workbook(path)

    def raw_read_threads() -> None:
        # calamine releases the GIL while it parses: as landing does, with two threads.
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(read_workbook, files))

    times = alternating(
        repeat,
        {
            "calamine": lambda: timed(raw_read),
            "landing": lambda: land_copy(source, work / "land_xlsx"),
            "calamine_two_threads": lambda: timed(raw_read_threads),
        },
    )
    ours = min(times["landing"])
    threaded = min(times["calamine_two_threads"])
    print(f"BENCH ingest_xlsx_raw_calamine {min(times['calamine']):.3f} s")
    print(f"BENCH ingest_xlsx_raw_calamine_two_threads {threaded:.3f} s")
    print(f"BENCH ingest_xlsx_landing {ours:.3f} s")
    print(f"BENCH ingest_xlsx_rows_per_second {batch.rows_written / ours:.0f} rows/s")
    print_ratios("ingest_xlsx_vs_calamine", times["landing"], times["calamine"])
    # Not a target: against a read that uses both cores too, as landing does.
    print(f"BENCH ingest_xlsx_vs_calamine_two_threads {ours / threaded:.2f} x")
    # A control for the statistics: calamine's own read on two threads against itself on
    # one. Its ratio of the bests over its paired median is what the machine's per-core
    # swings alone do to the ratio of a job that uses both cores.
    print_ratios(
        "ingest_xlsx_control_two_threads_vs_calamine",
        times["calamine_two_threads"],
        times["calamine"],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=None, help="default: all 3,321")
    parser.add_argument("--repeat", type=int, default=5)
    # The workbooks land in half a second, and this machine's speed swings by more than that
    # from one second to the next (calamine's median read is 1.7 times its best): a best of
    # 5 seldom finds both readings at the machine's quiet floor. A round (calamine on one
    # thread, the landing, calamine on two threads) costs about 1.5 s, so the workbooks are
    # repeated more: 30 rounds, about 45 s.
    parser.add_argument("--xlsx-repeat", type=int, default=30)
    parser.add_argument(
        "--shapes",
        default="csv,csv_gathered,xlsx",
        help="comma-separated subset of csv (one per commune), csv_gathered, xlsx",
    )
    args = parser.parse_args()
    # Built once per process, as in the nightly run; not part of any file's landing time.
    start = time.perf_counter()
    unit_resolver(), indicator_resolver(), disaggregation_resolver()
    print(f"BENCH ingest_resolver_build {time.perf_counter() - start:.3f} s")
    work = Path(tempfile.mkdtemp(prefix="vwu-bench-"))
    try:
        shapes = set(args.shapes.split(","))
        if "csv" in shapes:
            bench_csv(work, args.communes, args.repeat, gathered=False)
        if "csv_gathered" in shapes:
            bench_csv(work, args.communes, args.repeat, gathered=True)
        if "xlsx" in shapes:
            bench_xlsx(work, args.communes, args.xlsx_repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
