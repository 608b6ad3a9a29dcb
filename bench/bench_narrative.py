"""Narrative extraction speed: reports per second on generated reports.

Prints `BENCH narrative_reports_per_second <value> reports/s` for read_document +
extract_report over generated district reports (ingestion/synthetic/narrative.py, about
2 KB and 17 figures each), after one warm-up report builds the resolvers and the
catalogue's phrase patterns. No target is asserted.

    python bench/bench_narrative.py [--reports N] [--repeat R]
"""

import argparse
import time
from pathlib import Path

from ingestion.narrative import extract_report, read_document
from ingestion.synthetic.narrative import generate_narrative_reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reports = [
        (Path(r.name), r.text.encode("utf-8"))
        for r in generate_narrative_reports(args.reports, seed=11)
    ]
    extract_report(read_document(*reports[0]))  # warm-up: resolvers, phrase patterns
    best = float("inf")
    figures = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        figures = sum(len(extract_report(read_document(*r)).figures) for r in reports)
        best = min(best, time.perf_counter() - started)
    print(f"BENCH narrative_reports {len(reports)} reports ({figures} figures)")
    print(f"BENCH narrative_reports_per_second {len(reports) / best:.1f} reports/s")


if __name__ == "__main__":
    main()
