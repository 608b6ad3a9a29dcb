"""Markdown for Dagster's metadata, built from values the units sent (file names, units, text).

The UI renders metadata as GitHub-flavoured Markdown: a `|` in a file name would start a new
table column and shift every cell after it, and `*`, `_`, `[` or `<` would turn a name into
emphasis, a link or markup. Every value shown in a Markdown table or list goes through
`md_text`; tables are built by `md_table`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that
# start markup inline, an entity or a raw HTML tag, or split a table cell. An underscore
# inside a word is never emphasis, so rule names such as members_lost stay as they are.
_MARKUP = re.compile(r"([\\`*\[\]<>&|~])|(?<!\w)_|_(?!\w)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_text(value: object) -> str:
    """`value` as literal text inside a Markdown table cell or list item, on one line."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return _MARKUP.sub(lambda m: "\\" + m.group(0), text)


def md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; cells are escaped here, callers pass raw values."""
    lines = [
        "| " + " | ".join(md_text(h) for h in header) + " |",
        "|" + "---|" * len(header),
    ]
    lines.extend("| " + " | ".join(md_text(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)
