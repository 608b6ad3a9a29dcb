"""The indicator catalogue file (ingestion/reference/indicators.yml) is consistent and covers
the way the real reports write their indicators."""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import pytest
import yaml

from ingestion.normalise.text import fold

SUBJECT_PREFIX = {
    "members": "members_",
    "programmes": "prog_",
    "finances": "fin_",
    "targets": "target_",
}
# Codes that predate the prefix rule; other code depends on them, so they keep their name.
LEGACY_CODES = {"women_18_plus"}
REQUIRED_FIELDS = (
    "code",
    "name_vi",
    "aliases",
    "name_en",
    "subject",
    "unit",
    "kind",
    "time_aggregation",
    "hierarchy_aggregation",
)
OPTIONAL_FIELDS = (
    "programme",
    "numerator",
    "denominator",
    "disaggregations",
    "plausible_per_beneficiary_vnd",
    "beneficiary",
    "may_be_negative",
    "may_exceed_100",
    "compare_per",
    "phrases",
)
KINDS = {"stock", "flow", "ratio", "part_of_whole"}
TIME_AGGREGATION = {"stock": {"last"}, "flow": {"sum"}, "ratio": {"recompute"}}
TIME_AGGREGATION["part_of_whole"] = {"recompute"}
HIERARCHY_AGGREGATION = {
    "stock": {"sum", "none"},
    "flow": {"sum", "none"},
    "ratio": {"recompute", "none"},
    "part_of_whole": {"recompute", "none"},
}
UNITS = {
    "person",
    "household",
    "house",
    "vnd",
    "count",
    "session",
    "club",
    "group",
    "commune",
    "unit",
    "percent",
    "target",
}
DISAGGREGATIONS = {
    "ethnic_minority",
    "female_head_of_household",
    "poor",
    "near_poor",
    "residential",
    "religion",
    "worker",
    "programme",
    "topic",
    "recipient",
    "award_kind",
    "level",
    "target",
}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# Phrases copied verbatim from the real reports in shared/domain/reports/ (Lạng Sơn 2018,
# Lào Cai 2023, Bình Phước 2023), each with the indicator it must resolve to. The reports mix
# composed and decomposed letters; the phrases are copied in NFC.
REPORT_PHRASES = [
    ("tổng số hội viên", "members_total"),
    ("kết nạp mới", "members_admitted"),
    ("phát triển mới", "members_net_growth"),
    ("hội viên theo địa bàn dân cư", "members_residential"),
    ("tỷ lệ tập hợp hội viên", "members_rate"),
    ("cơ sở Hội tăng tỷ lệ tập hợp hội viên dưới 50%", "members_units_rate_under_50_helped"),
    ("cơ sở Hội hoàn thành tốt nhiệm vụ trở lên", "members_units_good"),
    (
        "lớp tập huấn, bồi dưỡng nâng cao trình độ chuyên môn, nghiệp vụ cho cán bộ cơ sở",
        "members_cadres_training_sessions",
    ),
    ("Mẹ đỡ đầu", "prog_godmother_children"),
    ("nhận đỡ đầu", "prog_godmother_children_new"),
    ("hỗ trợ thường xuyên với số tiền", "prog_godmother_money"),
    ("trẻ mồ côi do Covid-19", "prog_godmother_covid_orphans"),
    ("mái ấm tình thương", "prog_houses_built"),
    ("mái ấm tình thương trị giá", "fin_houses_value"),
    ("nhà vệ sinh", "prog_toilets_built"),
    ("thẻ bảo hiểm y tế, bảo hiểm xã hội", "prog_insurance_cards_given"),
    ("sổ tiết kiệm", "prog_savings_books_given"),
    ("sổ tiết kiệm tổng trị giá", "fin_savings_books_value"),
    ("phần quà", "prog_gifts"),
    ("phần quà trị giá", "fin_gifts_value"),
    ("tổng quà và tiền mặt trị giá", "fin_gifts_value"),
    ("tặng quà, tiền mặt, nhu yếu phẩm", "fin_gifts_value"),
    ("địa chỉ nhân đạo", "prog_humanitarian_addresses"),
    ("Đồng hành cùng phụ nữ biên cương", "prog_border_communes_supported"),
    ("xã biên giới", "prog_border_communes_supported"),
    (
        "huyện, thành phố và cụm thi đua lực lượng vũ trang đã ký",
        "prog_border_units_signed",
    ),
    (
        "mô hình sinh kế phù hợp cho hội viên, phụ nữ khó khăn tại các xã biên giới",
        "fin_border_support_value",
    ),
    ("hộ đạt các tiêu chí 5 không, 3 sạch", "prog_5k3s_households"),
    ("Chi hội phụ nữ 5 không, 3 sạch", "prog_5k3s_branch_models"),
    ("tổ truyền thông cộng đồng", "prog_d8_comm_groups"),
    ("câu lạc bộ “Thủ lĩnh của sự thay đổi”", "prog_d8_change_leader_clubs"),
    ("hội nghị đối thoại chính sách", "prog_d8_policy_dialogues"),
    ("hoạt động đối thoại chính sách", "prog_d8_policy_dialogues"),
    ("điểm truyền thông mẫu", "prog_d8_model_comm_points"),
    ("Địa chỉ tin cậy cộng đồng", "prog_d8_trusted_addresses_founded"),
    ("tập huấn lồng ghép giới cho cán bộ huyện, xã", "prog_d8_gender_training_district_commune"),
    ("tập huấn lồng ghép giới cho cán bộ thôn, ấp", "prog_d8_gender_training_village"),
    (
        "tập huấn hướng dẫn về giám sát và đánh giá về bình đẳng giới cho cán bộ xã, thôn",
        "prog_d8_monitoring_training",
    ),
    ("chỉ tiêu giai đoạn", "prog_d8_phase_target_pct"),
    ("chỉ tiêu giao trong giai đoạn", "prog_d8_phase_target_pct"),
    ("phụ nữ khởi nghiệp/khởi sự kinh doanh", "prog_939_women_supported"),
    ("hỗ trợ nâng cao năng lực", "prog_939_capacity_built"),
    (
        "Tập huấn nâng cao kiến thức, kỹ năng quản lý, điều hành doanh nghiệp",
        "prog_939_business_owners_trained",
    ),
    ("dự án/ý tưởng tham gia dự thi", "prog_939_contest_entries"),
    ("trao giải thưởng Cuộc thi phụ nữ khởi nghiệp", "prog_939_contest_prizes"),
    ("tổ hợp tác và tổ liên kết phát triển sản xuất", "prog_939_cooperative_groups_founded"),
    ("buổi tuyên truyền", "prog_propaganda_sessions"),
    ("cuộc tuyên truyền", "prog_propaganda_sessions"),
    ("hội viên, phụ nữ, học sinh và Nhân dân tham dự", "prog_propaganda_participants"),
    ("lượt người", "prog_propaganda_participants"),
    ("hoạt động", "prog_activities"),
    ("lượt hội viên, phụ nữ tham dự", "prog_activity_participants"),
    ("hoạt động với tổng kinh phí", "fin_activity_spending"),
    ("công trình, phần việc", "prog_works_projects"),
    ("mô hình/câu lạc bộ", "prog_clubs_founded"),
    ("mô hình câu lạc bộ", "prog_clubs_founded"),
    ("hoạt động đối ngoại", "prog_foreign_activities"),
    ("Hội nghị đối thoại", "prog_leadership_dialogues"),
    ("tham gia hòa giải", "prog_mediation_cases"),
    ("hòa giải thành", "prog_mediation_succeeded"),
    ("chuyển cơ quan chức năng", "prog_mediation_transferred"),
    ("tư vấn pháp luật", "prog_legal_advice"),
    ("tham gia xét xử", "prog_court_cases_assessors"),
    ("trường hợp xâm hại trẻ em", "prog_child_victims_supported"),
    ("trường hợp trẻ em bị đuối nước", "prog_child_victims_supported"),
    ("hộ nghèo", "prog_poor_households"),
    ("hộ cận nghèo", "prog_near_poor_households"),
    ("hộ phụ nữ thoát nghèo", "prog_households_out_of_poverty"),
    ("hộ phụ nữ thoát cận nghèo", "prog_households_out_of_near_poverty"),
    ("tập thể được nhận Bằng khen", "prog_awards_collective"),
    ("khen thưởng toàn diện", "prog_awards_collective"),
    ("cá nhân được trao Huy hiệu", "prog_awards_individual"),
    ("cá nhân đạt danh hiệu “Phụ nữ tiêu biểu”", "prog_model_women"),
    ("gương phụ nữ tiêu biểu, điển hình", "prog_model_women"),
    ("tập thể có mô hình, cách làm hay", "prog_model_collectives"),
    ("điển hình tiên tiến", "prog_exemplary_recognised"),
    ("cán bộ Hội giỏi", "prog_awards_good_cadres"),
    ("mô hình, câu lạc bộ, tổ nhóm tiêu biểu", "prog_awards_models"),
    ("tổng dư nợ các nguồn vốn", "fin_managed_loan_balance"),
    ("hộ đang vay đầu tư sản xuất, kinh doanh", "fin_managed_borrowing_households"),
    ("vay vốn khởi nghiệp", "fin_startup_loans"),
    ("so với chỉ tiêu đăng ký", "target_achievement_pct"),
    ("Chỉ tiêu Nghị quyết Đại hội", "target_set"),
]


def _load_entries() -> list[dict]:
    text = resources.files("ingestion.reference").joinpath("indicators.yml").read_text("utf-8")
    return yaml.safe_load(text)["indicators"]


ENTRIES = _load_entries()
BY_CODE = {entry["code"]: entry for entry in ENTRIES}


def _entry_id(entry: dict) -> str:
    return str(entry.get("code"))


def _names(entry: dict) -> list[str]:
    return [entry["name_vi"], *entry.get("aliases", [])]


def _resolve(phrase: str) -> set[str]:
    key = fold(phrase)
    return {entry["code"] for entry in ENTRIES if key in {fold(n) for n in _names(entry)}}


def test_catalogue_has_entries_in_every_subject():
    subjects = {entry.get("subject") for entry in ENTRIES}
    assert subjects == set(SUBJECT_PREFIX)
    assert len(ENTRIES) >= 40


def test_codes_are_unique():
    codes = [entry.get("code") for entry in ENTRIES]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    assert not duplicated


def test_existing_codes_are_kept():
    kept = {
        "members_total",
        "members_admitted",
        "members_lost",
        "women_18_plus",
        "prog_godmother_children",
        "prog_houses_built",
        "fin_trust_loan_balance",
        "fin_borrowing_households",
        "fin_money_mobilised",
    }
    assert kept <= set(BY_CODE)


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_code_is_snake_case_with_subject_prefix(entry):
    code = entry["code"]
    assert SNAKE_CASE.match(code), code
    if code not in LEGACY_CODES:
        assert code.startswith(SUBJECT_PREFIX[entry["subject"]]), code


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_fields_present_with_allowed_values(entry):
    missing = [field for field in REQUIRED_FIELDS if field not in entry]
    assert not missing
    unknown = set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    assert not unknown
    assert entry["subject"] in SUBJECT_PREFIX
    assert entry["kind"] in KINDS
    assert entry["unit"] in UNITS
    assert isinstance(entry["aliases"], list)
    for text in (entry["name_vi"], entry["name_en"], *entry["aliases"]):
        assert isinstance(text, str) and text.strip() == text and text
        assert "|" not in text  # catalogue.py joins the aliases with "|"
    for text in _names(entry):
        assert unicodedata.normalize("NFC", text) == text, text
    if "programme" in entry:
        assert SNAKE_CASE.match(entry["programme"])
    for value in entry.get("disaggregations", []):
        assert value in DISAGGREGATIONS


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_aggregations_follow_the_kind(entry):
    kind = entry["kind"]
    assert entry["time_aggregation"] in TIME_AGGREGATION[kind]
    assert entry["hierarchy_aggregation"] in HIERARCHY_AGGREGATION[kind]
    if kind in ("ratio", "part_of_whole"):
        assert entry["hierarchy_aggregation"] != "sum"


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_numerator_and_denominator_name_existing_codes(entry):
    if entry["kind"] == "ratio":
        assert "numerator" in entry and "denominator" in entry
    elif entry["kind"] != "part_of_whole":
        assert "numerator" not in entry and "denominator" not in entry
    for field in ("numerator", "denominator", "beneficiary"):
        if field in entry:
            assert entry[field] in BY_CODE, f"{entry['code']}.{field} = {entry[field]!r}"
            assert entry[field] != entry["code"]


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_plausible_per_beneficiary_is_a_range_of_money(entry):
    if "plausible_per_beneficiary_vnd" not in entry:
        assert "beneficiary" not in entry
        return
    low, high = entry["plausible_per_beneficiary_vnd"]
    assert entry["unit"] == "vnd"
    assert isinstance(low, int) and isinstance(high, int) and 0 < low < high
    assert BY_CODE[entry["beneficiary"]]["unit"] in {"person", "household", "house"}


def test_godmother_range_is_the_domain_figure():
    assert BY_CODE["prog_godmother_money"]["plausible_per_beneficiary_vnd"] == [200_000, 1_000_000]


def test_no_folded_name_or_alias_belongs_to_two_indicators():
    # ingestion.resolve matches the English name too, so it takes part.
    owner: dict[str, str] = {}
    clashes = []
    for entry in ENTRIES:
        for key in {fold(name) for name in (*_names(entry), entry["name_en"])}:
            assert key, entry["code"]
            if key in owner and owner[key] != entry["code"]:
                clashes.append((key, owner[key], entry["code"]))
            owner.setdefault(key, entry["code"])
    assert not clashes


def test_enough_report_phrases():
    assert len(REPORT_PHRASES) >= 25


@pytest.mark.parametrize(("phrase", "code"), REPORT_PHRASES, ids=[p for p, _ in REPORT_PHRASES])
def test_report_phrase_resolves_to_its_indicator(phrase, code):
    assert _resolve(phrase) == {code}


@pytest.mark.parametrize(
    ("phrase", "code"), REPORT_PHRASES[:10], ids=[p for p, _ in REPORT_PHRASES[:10]]
)
def test_report_phrase_resolves_when_decomposed_or_shouted(phrase, code):
    assert _resolve(unicodedata.normalize("NFD", phrase)) == {code}
    assert _resolve(phrase.upper()) == {code}


def test_every_disaggregation_the_catalogue_allows_has_codes_in_the_reviewed_file():
    from ingestion.reference.catalogue import load_catalogue
    from ingestion.reference.disaggregations import load_disaggregations

    reference = load_disaggregations()
    allowed = {
        d for listed in load_catalogue().disaggregations if listed for d in listed.split("|")
    }
    assert allowed <= reference.dimensions, allowed - reference.dimensions
    # Every subset named in the architecture contract is a code of its own.
    contract = {"ethnic_minority", "female_head_of_household", "poor", "near_poor"}
    assert contract | {"residential", "religion", "worker"} <= reference.codes
    assert "level:province" in reference.codes and "programme:du_an_8" in reference.codes
