"""Disaggregations (phân tổ), read from the one reviewed file disaggregations.yml.

Codes follow the contract in docs/architecture.md: a subset is the dimension's name
(`ethnic_minority`), a category is `dimension:member` (`level:province`); the total is null.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ingestion.normalise.text import fold
from ingestion.reference.catalogue import CatalogueError

__all__ = ["Disaggregations", "dimension_of", "load_disaggregations"]

# Dimensions whose members are codes of another reference, not listed in the file.
OPEN_DIMENSIONS = ("target",)


def dimension_of(code: str) -> str:
    """'level:province' → 'level'; 'ethnic_minority' → 'ethnic_minority'."""
    return code.split(":", 1)[0]


@dataclass(frozen=True)
class Disaggregations:
    """Folded text → the codes it can mean; the folded texts that mean the total."""

    codes_by_text: dict[str, frozenset[str]]
    totals: frozenset[str]
    codes: frozenset[str]
    dimensions: frozenset[str]


def _add(index: dict[str, set[str]], texts: list, code: str) -> None:
    for text in [*texts, code]:
        key = fold(str(text))
        if key:
            index.setdefault(key, set()).add(code)


@cache
def load_disaggregations() -> Disaggregations:
    text = resources.files("ingestion.reference").joinpath("disaggregations.yml")
    document = yaml.safe_load(text.read_text("utf-8"))
    index: dict[str, set[str]] = {}
    codes: set[str] = set()
    for code, texts in (document.get("subsets") or {}).items():
        if ":" in code:
            raise CatalogueError(f"disaggregations.yml: subset code {code!r} must not hold ':'")
        _add(index, texts or [], code)
        codes.add(code)
    dimensions = set(document.get("subsets") or {}) | set(OPEN_DIMENSIONS)
    for dimension, members in (document.get("categories") or {}).items():
        dimensions.add(dimension)
        for member, texts in (members or {}).items():
            code = f"{dimension}:{member}"
            # The code itself is matched as written, not folded ('level:province').
            _add(index, texts or [], code)
            index.setdefault(code, set()).add(code)
            codes.add(code)
    totals = frozenset(fold(str(t)) for t in document.get("totals") or [])
    clash = totals & index.keys()
    if clash:
        raise CatalogueError(f"disaggregations.yml: texts both a total and a code: {clash}")
    return Disaggregations(
        codes_by_text={k: frozenset(v) for k, v in index.items()},
        totals=totals,
        codes=frozenset(codes),
        dimensions=frozenset(dimensions),
    )
