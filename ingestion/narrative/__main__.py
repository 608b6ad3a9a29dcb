"""`python -m ingestion.narrative extract --json FILE...`: one JSON line per figure.

Targets (`is_target`) are left out unless --targets is given: the lines are the results a
report states, as the scorer (../shared/tools/score_narrative.py) counts them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ingestion.narrative import extract_report, read_document
from ingestion.readers.table import UnreadableFile


def _lines(path: Path, targets: bool) -> list[dict]:
    document = read_document(path, path.read_bytes())
    report = extract_report(document)
    rows = []
    for figure in report.figures:
        if figure.is_target and not targets:
            continue
        row = {"file": str(path), **asdict(figure)}
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.narrative")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print the figures of narrative reports")
    extract.add_argument("files", nargs="+", type=Path)
    extract.add_argument("--json", action="store_true", help="one JSON object per line")
    extract.add_argument("--targets", action="store_true", help="also print targets")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.files:
        try:
            rows = _lines(path, args.targets)
        except (UnreadableFile, OSError) as exc:
            reason = getattr(exc, "reason_vi", None) or str(exc)
            print(f"{path}: {reason}", file=sys.stderr)
            failed += 1
            continue
        for row in rows:
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(
                    f"{path.name}\t{row['value']:g}\t{row['qualifier']}\t{row['indicator']}\t"
                    f"{row['counted']}\t{row['evidence'][:80]}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
