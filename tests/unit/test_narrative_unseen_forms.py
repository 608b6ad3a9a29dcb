"""Forms and non-figures met first in the held-out reports (tests/narrative/holdout/), each
written here as a report would write it: a class of writing, not one report's sentence.

Every input goes through read_document as a .txt, as a clerk's file would.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.narrative import Figure, extract_report, read_document

TITLE = "Hội LHPN huyện Thủ Thừa tổng kết công tác Hội và phong trào phụ nữ năm 2023\n\n"


def figures(body: str) -> list[Figure]:
    text = TITLE + body
    return extract_report(read_document(Path("bao-cao.txt"), text.encode("utf-8"))).figures


def results(body: str) -> list[tuple[float, float | None]]:
    return [(f.value, f.whole) for f in figures(body) if not f.is_target]


# --- Figure forms ---------------------------------------------------------------------


def test_part_of_whole_written_with_thousands_separators():
    assert results("Toàn huyện có 1.150/1.320 hộ hội viên đạt tiêu chí gia đình văn hóa.") == [
        (1150, 1320)
    ]
    assert results("Có 812/1.250 chi hội đạt tiêu chí chi hội vững mạnh.") == [(812, 1250)]


def test_a_year_after_a_slash_is_still_a_period_not_a_whole():
    assert results("Trong quý 1/2023, Hội đã giúp 12 hộ thoát nghèo.") == [(12, None)]


def test_plan_and_result_row_keeps_the_result_and_its_rate():
    found = results(
        "Kết nạp hội viên mới: kế hoạch 3.000, thực hiện 3.412, đạt 113,7%.\n"
        "Mô hình kinh tế tập thể: kế hoạch 20, thực hiện 26 (tổ hợp tác: 21; hợp tác xã: 05)."
    )
    assert found == [(3412, None), (113.7, None), (26, None), (21, None), (5, None)]


def test_an_estimate_stated_by_its_verb_is_approximate():
    found = figures("Dư nợ ủy thác ước đạt 1.912 tỉ đồng, ước tính đạt 5.300 hộ vay.")
    assert [(f.value, f.qualifier) for f in found] == [
        (1_912_000_000_000, "about"),
        (5300, "about"),
    ]
    assert [f.qualifier for f in figures("Dư nợ ủy thác đạt 1.912 tỉ đồng.")] == ["exact"]


def test_an_amount_and_a_count_joined_by_a_slash_are_two_figures():
    found = figures("+ Dư nợ ủy thác qua Hội: khoảng 286 tỉ đồng/5.920 hộ vay.")
    assert [(f.value, f.qualifier) for f in found] == [(286_000_000_000, "about"), (5920, "exact")]
    # A rate stays a rate, and a code's tail stays no figure.
    assert results("Hội hỗ trợ 2 triệu đồng/hộ cho 15 hộ khó khăn.") == [(15, None)]


# --- Non-figures ----------------------------------------------------------------------


def test_a_figure_attributed_to_another_office_is_theirs():
    body = (
        "Theo Sở Lao động - Thương binh và Xã hội, tỷ lệ hộ nghèo toàn tỉnh còn 26,9%. "
        "Theo ngành Y tế, tỷ lệ tảo hôn đã giảm xuống dưới 5%."
    )
    assert results(body) == []


def test_attribution_to_the_union_keeps_the_figure():
    assert results("Theo báo cáo của Hội LHPN huyện, các cấp Hội giúp 57 hộ thoát nghèo.") == [
        (57, None)
    ]
    assert results("Theo báo cáo của các cơ sở Hội, đã giúp 57 hộ thoát nghèo.") == [(57, None)]


def test_a_share_of_the_population_is_a_demographic_statistic():
    assert results("Phụ nữ dân tộc Mông chiếm khoảng 60% dân số huyện.") == []


def test_units_of_an_administrative_merger_are_not_figures():
    body = (
        "Thực hiện chủ trương sắp xếp đơn vị hành chính, 12 xã, phường của huyện được sắp xếp "
        "thành 6 đơn vị mới. Phường được thành lập trên cơ sở sắp xếp 3 phường cũ."
    )
    assert results(body) == []


def test_a_union_officer_speaks_for_the_union_a_member_for_herself():
    assert results(
        "Chị Lê Thị Sen, Chủ tịch Hội, cho biết năm qua Hội giúp 24 hộ thoát nghèo."
    ) == [(24, None)]
    assert results("Chị Lò Thị Phương, hội viên bản Nà Bó, nuôi 20 con bò.") == []


def test_the_union_rearranging_its_own_branches_is_a_figure():
    assert results("Hội đã sắp xếp lại 5 chi hội cho phù hợp địa bàn mới.") == [(5, None)]


def test_natural_events_and_their_measures_are_not_figures():
    body = (
        "Do ảnh hưởng của 2 đợt mưa lũ, nhiều thôn bị ngập sâu 3 mét; "
        "Hội đã hỗ trợ 120 hộ bị thiệt hại."
    )
    assert results(body) == [(120, None)]


def test_targets_a_congress_agrees_on_are_targets():
    found = figures(
        "Đại hội thống nhất các chỉ tiêu nhiệm kỳ 2025 - 2030, trong đó 95% hội viên được "
        "tiếp cận thông tin qua các nền tảng số."
    )
    assert [(f.value, f.is_target) for f in found] == [(95, True)]


# --- Indicators -------------------------------------------------------------------------


def indicators(body: str) -> list[tuple[float, str | None]]:
    return [(f.value, f.indicator) for f in figures(body) if not f.is_target]


def test_a_list_items_label_names_the_figure_its_words_do_not():
    assert indicators(
        "Kết nạp hội viên mới: kế hoạch 3.000, thực hiện 3.412, đạt 113,7%.\n"
        "Hộ phụ nữ thoát nghèo: kế hoạch 800 hộ, thực hiện 756 hộ, đạt 94,5%."
    ) == [
        (3412, "members_admitted"),
        (113.7, None),
        (756, "prog_households_out_of_poverty"),
        (94.5, None),
    ]


def test_a_label_of_another_item_is_not_borrowed():
    # After a ';' the words are another item's: the 12 cases are not the label's members.
    found = indicators("Kết nạp hội viên mới: thực hiện 215; tiếp nhận 12 trường hợp.")
    assert found == [(215, "members_admitted"), (12, None)]


def test_targets_met_of_the_congress_resolution():
    assert indicators(
        "Nhiệm kỳ qua, Hội đã hoàn thành và hoàn thành vượt mức 9/11 chỉ tiêu Nghị quyết "
        "Đại hội đề ra."
    ) == [(9, "target_achieved")]


def test_catalogue_phrases_for_common_report_wordings():
    body = (
        "Các cấp Hội tổ chức gần 400 buổi sinh hoạt chuyên đề. "
        "Hội tổ chức 04 lớp tập huấn cho 320 lượt cán bộ chi hội. "
        "Năm 2023, Hội đã hỗ trợ 45 phụ nữ khởi nghiệp. "
        "Hội vận động xây dựng 168 “Mái ấm tình thương” với tổng trị giá gần 6 tỷ đồng. "
        "Kinh phí Dự án giải ngân đạt 78,4% kế hoạch vốn được giao."
    )
    assert indicators(body) == [
        (400, "prog_activities"),
        (4, "members_cadres_training_sessions"),
        (320, "members_cadres_trained"),
        (45, "prog_939_women_supported"),
        (168, "prog_houses_built"),
        (6_000_000_000, "fin_houses_value"),
        (78.4, "fin_d8_disbursement_rate"),
    ]


def test_a_bare_noun_further_on_is_not_what_the_number_counts():
    found = indicators("Hội tiếp nhận 7 đơn thư của hội viên, phụ nữ.")
    assert found == [(7, None)]
    assert indicators("Hội LHPN xã có 1.265 hội viên sinh hoạt ở 7 chi hội.") == [
        (1265, "members_total"),
        (7, "members_branches"),
    ]
