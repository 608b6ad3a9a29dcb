"""docs/quality.md states every rule of the gate with its own English and Vietnamese text,
word for word as expectations/suites.py has it, so that the page a steward reads cannot drift
from the rules that run."""

from pathlib import Path

import pytest

from expectations.gate import CHECK_SPECS, aggregate_rules, submission_rules
from expectations.suites import Rule
from ingestion.reference.catalogue import load_catalogue

QUALITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "quality.md"


def every_rule() -> list[Rule]:
    catalogue = load_catalogue()
    exceed = sorted(catalogue.loc[catalogue.rate_may_exceed_100, "indicator_code"])
    return submission_rules(catalogue.indicator_code.tolist(), exceed) + aggregate_rules()


@pytest.mark.parametrize("rule", every_rule(), ids=lambda rule: rule.name)
def test_the_page_states_the_rule_in_both_languages(rule: Rule) -> None:
    page = QUALITY_DOC.read_text(encoding="utf-8")
    assert f"`{rule.name}`" in page
    assert rule.expected_en in page, rule.expected_en
    assert rule.expected_vi in page, rule.expected_vi


def test_each_table_row_gives_the_rules_severity_and_waiver() -> None:
    rows = {
        line.split("|")[1].strip(" `"): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in QUALITY_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for rule in every_rule():
        if rule.name.startswith("rolled_up_"):
            continue  # the over-time rules again, in prose, with their table above
        cells = rows[rule.name]
        if rule.suite == "contract":
            continue  # the contract table: every rule an error no accept waives (its title)
        assert cells[:2] == [rule.severity, "yes" if rule.waivable else "no"], rule.name
    contract = [r for r in every_rule() if r.suite == "contract"]
    assert all(r.severity == "error" and not r.waivable for r in contract)


def test_the_checks_table_lists_every_check_with_its_blocking_flag() -> None:
    rows = {
        line.split("|")[1].strip(" `"): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in QUALITY_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for spec in CHECK_SPECS:
        assert rows[spec.name][1] == ("yes" if spec.blocking else "no"), spec.name
