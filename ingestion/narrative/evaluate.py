"""Score the narrative extractor with the shared scorer, and hold it to the floor.

    python -m ingestion.narrative.evaluate                    the development set (make eval)
    python -m ingestion.narrative.evaluate --key tests/narrative/answer-key.json \\
        --reports ../shared/domain/reports                    the three real reports, our key

The scorer (../shared/tools/score_narrative.py, beside the repository as CI lays it out) runs
this project's extractor on every report of the key and prints its figures; this wrapper
prints them too and exits 1 when precision or recall is under the floor the issue sets for
the development set (0.9 and 0.85). The reports are read where they are, never copied into
the project: for a key kept in the project, a temporary folder links the report files to it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.85
_RESULT = re.compile(r"narrative: precision (?P<precision>[\d.]+) recall (?P<recall>[\d.]+)")
_QUALIFIER = re.compile(
    r"qualifier right (\d+)/(\d+); whole right (\d+)/(\d+); mapped to an "
    r"indicator (\d+)/(\d+)"
)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    qualifier_right: float
    mapped: float
    output: str


def shared_dir() -> Path:
    """The shared folder beside the repository (../shared)."""
    return REPO_ROOT.parent / "shared"


def score(reports: Path, key: Path | None = None, verbose: bool = False) -> Score:
    """Run the shared scorer on a folder of reports, with its own answer-key.json or `key`."""
    scorer = shared_dir() / "tools" / "score_narrative.py"
    if not scorer.is_file():
        raise FileNotFoundError(f"the scorer is not at {scorer} (../shared beside the repo)")
    with tempfile.TemporaryDirectory(prefix="narrative-eval-") as tmp:
        folder = reports
        if key is not None:
            folder = Path(tmp)
            (folder / "answer-key.json").symlink_to(key.resolve())
            for report in sorted(reports.glob("*.txt")):
                (folder / report.name).symlink_to(report.resolve())
        command = [
            sys.executable,
            str(scorer),
            str(folder),
            "--cmd",
            f"{sys.executable} -m ingestion.narrative extract --json",
            *(["-v"] if verbose else []),
        ]
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    output = done.stdout + done.stderr
    result = _RESULT.search(output)
    if done.returncode != 0 or result is None:
        raise RuntimeError(f"the scorer failed ({done.returncode}):\n{output[-3000:]}")
    counts = _QUALIFIER.search(output)
    qualifier_right = mapped = 0.0
    if counts:
        q_ok, found, _, _, mapped_n, _ = (int(g) for g in counts.groups())
        qualifier_right = q_ok / found if found else 0.0
        mapped = mapped_n / found if found else 0.0
    return Score(
        precision=float(result["precision"]),
        recall=float(result["recall"]),
        qualifier_right=qualifier_right,
        mapped=mapped,
        output=output,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.narrative.evaluate")
    parser.add_argument("--reports", type=Path, default=None, help="folder of report texts")
    parser.add_argument("--key", type=Path, default=None, help="answer key for those reports")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)
    reports = args.reports or shared_dir() / "domain" / "reports-dev"
    result = score(reports, args.key, args.verbose)
    print(result.output, end="")
    if result.precision < PRECISION_FLOOR or result.recall < RECALL_FLOOR:
        print(
            f"FAIL: precision {result.precision:.3f} (floor {PRECISION_FLOOR}), "
            f"recall {result.recall:.3f} (floor {RECALL_FLOOR})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
