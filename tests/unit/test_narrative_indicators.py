"""The catalogue's phrases for narrative reports (indicators.yml `phrases:`) and the
indicator a figure's words name."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import pytest

from ingestion.narrative.indicators import indicator_phrases, match_indicator
from ingestion.reference.catalogue import load_catalogue


def test_every_phrase_is_nfc_and_names_one_indicator():
    owners: dict[str, set[str]] = defaultdict(set)
    for phrase in indicator_phrases():
        assert unicodedata.normalize("NFC", phrase.phrase) == phrase.phrase
        owners[phrase.phrase].add(phrase.code)
    shared = {p: codes for p, codes in owners.items() if len(codes) > 1}
    assert not shared


def test_every_phrase_belongs_to_a_catalogue_indicator():
    codes = set(load_catalogue().indicator_code)
    assert {p.code for p in indicator_phrases()} <= codes


@pytest.mark.parametrize(
    ("before", "after", "kind", "code"),
    [
        (
            "Các cấp Hội đã giúp ",
            " hộ phụ nữ thoát nghèo",
            "count",
            "prog_households_out_of_poverty",
        ),
        ("Hội quản lý vốn ủy thác với tổng dư nợ ", "", "money", "fin_trust_loan_balance"),
        ("Tỷ lệ tập hợp hội viên đạt ", "", "percent", "members_rate"),
        ("với sự tham gia của ", " hội viên, phụ nữ", "count", "prog_propaganda_participants"),
        ("Kết nạp mới ", " hội viên", "count", "members_admitted"),
    ],
)
def test_words_around_a_figure_name_its_indicator(before, after, kind, code):
    assert match_indicator(before, after, kind) == code


def test_the_unit_of_the_figure_must_fit_the_indicator():
    # 'tổng dư nợ' is money: a count next to it is not the loan balance.
    assert match_indicator("với tổng dư nợ ", " hộ", "count") != "fin_trust_loan_balance"
    assert match_indicator("Hội đã tổ chức ", " khóa học", "count") is None
