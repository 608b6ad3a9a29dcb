"""Ingestion speed on a national batch, against the raw read limit measured in the same run.

Prints `BENCH <name> <value> <unit>` lines, and for each shape `BENCH <name> <ratio> x`:
our landing time over the raw read (DuckDB's read_csv for CSV, python-calamine for XLSX).

    python bench/bench_ingestion.py [--communes N] [--repeat R]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import openpyxl
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingestion.landing import land_inbox, land_reference  # noqa: E402
from ingestion.synthetic import HEADER, generate_national_batch  # noqa: E402


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def land_copy(source: Path, root: Path) -> float:
    """Land a fresh copy of the batch into a fresh database; returns the landing time only."""
    shutil.rmtree(root, ignore_errors=True)
    inbox = root / "inbox"
    shutil.copytree(source, inbox)
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        land_reference(con)
        start = time.perf_counter()
        result = land_inbox(inbox, root / "archive", con)
        elapsed = time.perf_counter() - start
    assert result.rejected == 0, [f for f in result.files if f.status == "rejected"][:3]
    return elapsed


def xlsx_batch(csv_dir: Path, out: Path, files: int) -> list[Path]:
    """The same rows as long-table workbooks, `files` of them (one per province, say)."""
    out.mkdir(parents=True)
    rows = []
    for path in sorted(csv_dir.glob("*.csv")):
        rows.extend(line.split(",") for line in path.read_text().splitlines()[1:])
    size = -(-len(rows) // files)
    paths = []
    for i in range(files):
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER)
        for unit, period, indicator, value in rows[i * size : (i + 1) * size]:
            sheet.append([unit, period, indicator, int(value)])
        paths.append(out / f"batch_{i:02d}.xlsx")
        book.save(paths[-1])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=None, help="default: all 3,321")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vwu-bench-"))
    try:
        csv_dir = work / "csv"
        batch = generate_national_batch(csv_dir, seed=1, max_units=args.communes)
        csv_files = sorted(csv_dir.glob("*.csv"))
        print(f"BENCH ingest_csv_files {len(csv_files)} files")
        print(f"BENCH ingest_csv_rows {batch.rows_written} rows")

        def raw_csv() -> None:
            with duckdb.connect() as con:
                con.execute(
                    "select count(*) from read_csv(?, all_varchar = true, header = true)",
                    [[str(p) for p in csv_files]],
                ).fetchone()

        baseline = best_of(args.repeat, raw_csv)
        ours = min(land_copy(csv_dir, work / "land_csv") for _ in range(args.repeat))
        print(f"BENCH ingest_csv_raw_read_csv {baseline:.3f} s")
        print(f"BENCH ingest_csv_landing {ours:.3f} s")
        print(f"BENCH ingest_csv_rows_per_second {batch.rows_written / ours:.0f} rows/s")
        print(f"BENCH ingest_csv_vs_read_csv {ours / baseline:.2f} x")

        xlsx_dir = work / "xlsx"
        xlsx_files = xlsx_batch(csv_dir, xlsx_dir, files=34)

        def raw_xlsx() -> None:
            for path in xlsx_files:
                CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        baseline = best_of(args.repeat, raw_xlsx)
        ours = min(land_copy(xlsx_dir, work / "land_xlsx") for _ in range(args.repeat))
        print(f"BENCH ingest_xlsx_files {len(xlsx_files)} files")
        print(f"BENCH ingest_xlsx_raw_calamine {baseline:.3f} s")
        print(f"BENCH ingest_xlsx_landing {ours:.3f} s")
        print(f"BENCH ingest_xlsx_vs_calamine {ours / baseline:.2f} x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
