"""Synthetic submissions, deterministic by seed, for the demo, the tests and the benchmarks.

    generate_demo_batch(inbox)        the modest batch `make run` lands on first use
    generate_national_batch(inbox)    every unit of a period's map, four shapes, defects

The figures come from one model (`model.py`) drawn per commune and added up the hierarchy;
`spelling.py` writes them the way units do; `defects.py` damages them the way units do, and
records what landing must make of each defect.
"""

from ingestion.synthetic.batch import (
    SHAPES,
    Expected,
    InjectedDefect,
    NationalBatch,
    Submission,
)
from ingestion.synthetic.defects import DEFECT_OUTCOMES, DEFECT_SHAPES
from ingestion.synthetic.demo import DEMO_COMMUNE_PROVINCES, generate_demo, generate_demo_batch
from ingestion.synthetic.national import generate_national_batch

__all__ = [
    "DEFECT_OUTCOMES",
    "DEFECT_SHAPES",
    "DEMO_COMMUNE_PROVINCES",
    "SHAPES",
    "Expected",
    "InjectedDefect",
    "NationalBatch",
    "Submission",
    "generate_demo",
    "generate_demo_batch",
    "generate_national_batch",
]
