"""Values the units sent, shown in Dagster's Markdown metadata, render as the literal text."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from markdown_it import MarkdownIt

from orchestration.markdown import md_table, md_text

# A GitHub-flavoured Markdown renderer (CommonMark with tables), as the UI's is.
RENDERER = MarkdownIt("commonmark").enable("table")

HOSTILE_NAMES = [
    "p01|2025|v1.csv",
    "báo cáo | Hà Nội.xlsx",
    "_draft_ *final* ~~old~~.csv",
    "<img src=x onerror=alert(1)>.csv",
    "[link](http://example.com).csv",
    "a\\|b.csv",
    "a&lt;b.csv",
    "`code`.csv",
    "two\nlines.csv",
]


def cells(html: str) -> list[str]:
    return [html_lib.unescape(c) for c in re.findall(r"<td>(.*?)</td>", html, re.S)]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_keeps_its_column_and_its_text(name: str) -> None:
    html = RENDERER.render(md_table(["file", "status", "rows"], [(name, "accepted", 3)]))
    assert cells(html) == [name.replace("\n", " "), "accepted", "3"]


def test_rule_names_with_inner_underscores_are_left_readable() -> None:
    assert md_text("members_lost") == "members_lost"
    assert md_text("amount_not_negative") == "amount_not_negative"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_list_item_shows_the_name_as_text(name: str) -> None:
    html = RENDERER.render(f"- {md_text(name)} (0123456789ab)")
    (item,) = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert html_lib.unescape(item) == f"{name.replace(chr(10), ' ')} (0123456789ab)"
