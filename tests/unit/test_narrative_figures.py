"""The figures a careful reader takes from a report, and the numbers they leave out.

Every input is written as a report writes it: a title naming the union and the period, then
sentences. The text goes through read_document as a .txt, as a clerk's file would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.narrative import Figure, NarrativeReport, extract_report, read_document

TITLE = "Hội LHPN huyện Thủ Thừa tổng kết công tác Hội và phong trào phụ nữ năm 2023\n\n"


def report(body: str, title: str = TITLE) -> NarrativeReport:
    text = title + body
    return extract_report(read_document(Path("bao-cao.txt"), text.encode("utf-8")))


def results(body: str, title: str = TITLE) -> list[Figure]:
    return [f for f in report(body, title).figures if not f.is_target]


def one(body: str) -> Figure:
    found = results(body)
    assert len(found) == 1, [(f.text, f.evidence) for f in found]
    return found[0]


# --- Figure forms ---------------------------------------------------------------------


def test_plain_count_with_its_counted_unit_indicator_unit_and_period():
    figure = one("Trong năm, các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo bền vững.")
    assert figure.value == 57
    assert figure.qualifier == "exact"
    assert figure.counted == "hộ"
    assert figure.indicator == "prog_households_out_of_poverty"
    assert figure.unit == "D804"  # huyện Thủ Thừa, tỉnh Long An
    assert figure.period == "2023"
    assert figure.evidence.startswith("Trong năm, các cấp Hội đã giúp 57 hộ")


def test_offsets_point_at_the_number_in_the_document_text():
    body = "Hội đã kết nạp mới 1.250 hội viên, nâng tổng số hội viên lên 18.430 người."
    document = read_document(Path("r.txt"), (TITLE + body).encode("utf-8"))
    figures = extract_report(document).figures
    assert [document.text[f.start : f.end] for f in figures] == ["1.250", "18.430"]
    assert [f.value for f in figures] == [1250, 18430]
    assert [f.indicator for f in figures] == ["members_admitted", "members_total"]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("141 tỷ 700 triệu đồng", 141_700_000_000),
        ("1,2 tỷ đồng", 1_200_000_000),
        ("448.335 triệu đồng", 448_335_000_000),
        ("536 triệu đồng", 536_000_000),
        ("50.000.000 đồng", 50_000_000),
    ],
)
def test_money_words(written, value):
    figure = one(f"Hội quản lý nguồn vốn ủy thác với tổng dư nợ {written}.")
    assert figure.value == pytest.approx(value)
    assert figure.counted == "đồng"
    assert figure.indicator == "fin_trust_loan_balance"


def test_thousands_written_as_a_word():
    figures = results("Các cấp Hội tổ chức 437 hoạt động với hơn 32 ngàn lượt hội viên tham dự.")
    assert [(f.value, f.qualifier, f.counted) for f in figures] == [
        (437, "exact", "hoạt động"),
        (32_000, "more_than", "lượt"),
    ]


@pytest.mark.parametrize(
    ("word", "qualifier"),
    [
        ("trên", "more_than"),
        ("hơn", "more_than"),
        ("gần", "nearly"),
        ("khoảng", "about"),
        ("dưới", "less_than"),
        ("trên dưới", "about"),
        ("", "exact"),
    ],
)
def test_qualifiers(word, qualifier):
    figure = one(
        f"Hội đã vận động {word} 500 hộ dân tham gia hiến đất làm đường.".replace("  ", " ")
    )
    assert figure.value == 500
    assert figure.qualifier == qualifier


def test_qualifier_on_money():
    figure = one("Hội đang quản lý vốn trên 332 tỷ đồng cho hội viên vay.")
    assert (figure.value, figure.qualifier) == (332e9, "more_than")


@pytest.mark.parametrize(
    ("sentence", "part", "whole", "counted"),
    [
        (
            "Đến nay có 231/235 cơ sở Hội xếp loại hoàn thành tốt nhiệm vụ trở lên.",
            231,
            235,
            "cơ sở",
        ),
        ("Kết quả: có 12/12 huyện, thành phố đã ký kết hỗ trợ xã biên giới.", 12, 12, "huyện"),
        ("Đến nay đã có 112/117 hộ đạt các tiêu chí gia đình văn hóa.", 112, 117, "hộ"),
    ],
)
def test_part_of_a_whole(sentence, part, whole, counted):
    figure = one(sentence)
    assert (figure.value, figure.whole, figure.counted) == (part, whole, counted)


def test_parts_after_trong_do_take_the_figure_before_as_their_whole():
    figures = results(
        "Đã có 222 trẻ em mồ côi được nhận đỡ đầu (trong đó 2 em mồ côi do dịch Covid-19, "
        "220 em mồ côi do nguyên nhân khác)."
    )
    assert [(f.value, f.whole) for f in figures] == [(222, None), (2, 222), (220, 222)]


def test_leading_zeros():
    figure = one("Hội LHPN tỉnh đã hỗ trợ trực tiếp 04 xã biên giới.")
    assert (figure.value, figure.counted) == (4, "xã")


@pytest.mark.parametrize(
    ("sentence", "counted"),
    [
        ("Hội hiện có 9.117 hội viên.", "hội viên"),
        ("Hội đã giúp 24 hộ vay vốn phát triển kinh tế.", "hộ"),
        ("Hội đã nhận đỡ đầu 41 trẻ em mồ côi.", "trẻ em"),
        ("Hội tư vấn pháp luật cho 08 lượt hội viên.", "lượt"),
        ("Quỹ Hội đạt 5,1 tỷ đồng.", "đồng"),
        ("Tỷ lệ tập hợp hội viên đạt 79,2%.", "%"),
    ],
)
def test_counted_units(sentence, counted):
    assert one(sentence).counted == counted


def test_percent_value():
    figure = one("Tỷ lệ tập hợp hội viên đạt 79,2%.")
    assert (figure.value, figure.indicator) == (79.2, "members_rate")


def test_number_before_a_quoted_name_counts_what_the_name_says():
    figure = one("Thành lập và duy trì hoạt động của 46 “Tổ truyền thông cộng đồng”.")
    assert (figure.value, figure.indicator) == (46, "prog_d8_comm_groups")


def test_a_label_before_a_colon_names_the_figure():
    figures = results("Kết nạp mới 4.677 hội viên, giảm: 583 hội viên.")
    assert [(f.value, f.indicator) for f in figures] == [
        (4677, "members_admitted"),
        (583, "members_lost"),
    ]


def test_figure_of_a_named_commune_union_belongs_to_that_commune():
    figures = results(
        "Hội LHPN xã Mỹ Lạc đã ra mắt 3 câu lạc bộ phòng, chống bạo lực gia đình. "
        "Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo."
    )
    assert [(f.value, f.unit) for f in figures] == [(3, "C28048"), (57, "D804")]


def test_as_of_date_in_the_sentence_is_the_figure_period():
    figure = one("Tính đến ngày 30/10/2023, toàn huyện có 18.430 hội viên.")
    assert (figure.value, figure.period) == (18430, "2023-10-30")


# --- Non-figures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # dates
        "Ngày 25/6/2024, Hội tổ chức hội nghị sơ kết chương trình.",
        "Sáng 9/1, Hội tổ chức hội nghị tại trung tâm hội nghị tỉnh.",
        "Chiều 31-10, Hội tổ chức thành công Đại hội.",
        "Tính đến hết tháng 10/2016, các cấp Hội tiếp tục triển khai chương trình.",
        "Nhân dịp Ngày Gia đình Việt Nam 28/6, Hội tổ chức gặp mặt.",
        "Trong 2 ngày (9 và 10/1), Hội tổ chức chuyến thăm các xã biên giới.",
        # years and terms
        "Năm 2023, Hội tiếp tục đổi mới phương thức hoạt động.",
        "Đại hội đại biểu phụ nữ huyện nhiệm kỳ 2021-2026 đã thành công tốt đẹp.",
        "Chương trình được triển khai trong giai đoạn 2022 – 2024.",
        # ages
        "Hội tập trung thu hút phụ nữ từ 18 tuổi trở lên tham gia tổ chức Hội.",
        # ordinals
        "Hội nghị Ban Chấp hành lần thứ 5 đã thống nhất chương trình công tác.",
        "Đợt 1, hội đã phát động phong trào tiết kiệm trong toàn huyện.",
        "Chủ tịch Hội đứng thứ 7 từ bên trái qua trong ảnh.",
        # durations
        "Sau 10 ngày triển khai, mô hình được nhân dân đồng tình hưởng ứng.",
        "Sau gần 3 năm triển khai, chương trình đã lan tỏa rộng khắp.",
        "Kết quả hơn 02 năm triển khai cho thấy mô hình phù hợp.",
        # delegates at a meeting
        "Dự Đại hội có 113 đại biểu đại diện cho hội viên phụ nữ toàn xã.",
        # programme names and definitions
        "Cuộc vận động “Xây dựng gia đình 5 không, 3 sạch” được triển khai sâu rộng.",
        "Hội chỉ đạo xây dựng gia đình 5 không 3 sạch, 3 an toàn ở các thôn.",
        'Hội thành lập “CLB tiết kiệm 5-10 triệu đồng" tại các chi hội.',
        "Hội viên rèn luyện 4 phẩm chất đạo đức tự tin, tự trọng, trung hậu, đảm đang.",
        "Các hoạt động thuộc Dự án 8 được triển khai hiệu quả.",
        "Hội triển khai Đề án 939 hỗ trợ phụ nữ khởi nghiệp.",
        # document numbers, codes, telephone numbers, addresses
        "Thực hiện Quyết định 1893/QĐ-TTg ngày 31-12-2018 của Thủ tướng Chính phủ.",
        "Thực hiện Chỉ thị số 23-CT/TW của Ban Bí thư về an toàn giao thông.",
        "Mọi thông tin xin liên hệ đường dây nóng: 1800 1567.",
        "Bài viết đăng tại https://hoilhpn.org.vn/tin-tuc/bai-viet-52614-7.html hôm qua.",
        # another organisation's figures
        "UBND huyện đã hỗ trợ 500 triệu đồng để sửa chữa nhà văn hóa các thôn.",
        "Huyện đoàn tổ chức 12 lớp tập huấn kỹ năng cho đoàn viên thanh niên.",
        "Ngân hàng Chính sách xã hội huyện đã cho 500 hộ vay vốn sản xuất.",
        # a unit's or an institution's number
        "Các đồng chí Sư đoàn 324 tặng quà cho phụ nữ nghèo của xã.",
        "Hội phối hợp với Bệnh viện 103 khám bệnh cho phụ nữ trong huyện.",
        # a member's own figures (a good example), not the union's
        "Chị Lò Thị Mai đã mạnh dạn vay vốn nuôi 20 con bò sinh sản.",
        # a threshold that is part of an indicator's name
        "Hội giúp đỡ cơ sở Hội tăng tỷ lệ tập hợp hội viên dưới 50% trong năm.",
    ],
)
def test_not_a_figure(sentence):
    assert results(sentence) == [], sentence


def test_page_furniture_is_not_a_figure():
    body = (
        "Thứ tư - 20/03/2024 11:23 71 0\n"
        "Hà Nội 28°C\n"
        "Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo.\n"
        "Lượt xem: 1.234\n"
        "Thống kê truy cập\n"
        "  • Đang truy cập20\n"
        "  • Hôm nay4,912\n"
        "  • Tổng lượt truy cập1,257,142\n"
        "Tổng số điểm của bài viết là: 0 trong 0 đánh giá\n"
    )
    assert [f.value for f in results(body)] == [57]


def test_targets_for_the_coming_term_are_kept_as_targets_never_as_results():
    found = report(
        "Năm 2023, Hội đã kết nạp mới 1.250 hội viên. "
        "Năm 2024, Hội phấn đấu kết nạp mới 1.500 hội viên, 95% cơ sở Hội hoàn thành tốt "
        "nhiệm vụ."
    ).figures
    assert [(f.value, f.is_target) for f in found] == [
        (1250, False),
        (1500, True),
        (95, True),
    ]


def test_goal_year_of_a_congress_is_not_a_figure_and_not_the_period():
    found = report(
        "Ngày 3/10, Hội LHPN phường Đông Quang tổ chức Đại hội đại biểu phụ nữ lần thứ I, "
        "nhiệm kỳ 2025-2030. Hiện nay, hội đang quản lý vốn trên 332 tỷ đồng.",
        title=" date 2025-10-03 Hội LHPN phường Đông Quang: xây dựng phường đạt tiêu chí đô thị "
        "loại I vào năm 2030\n\n",
    )
    assert found.period_code == "T2020-2025"  # the term the congress closes
    assert [(f.value, f.qualifier) for f in found.figures] == [(332e9, "more_than")]


# --- Damaged passages -----------------------------------------------------------------


def test_a_passage_with_mojibake_gives_no_figure_and_is_flagged():
    sound = "Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo."
    damaged = "Há»™i Ä‘Ã£ giÃºp 30 há»™ vay vá»‘n phÃ¡t triá»ƒn kinh táº¿."
    found = report(f"{sound}\n\n{damaged}\n")
    assert [f.value for f in found.figures] == [57]
    assert len(found.damaged) == 1
    start, end = found.damaged[0]
    assert "30" in (TITLE + f"{sound}\n\n{damaged}\n")[start:end]


def test_a_passage_without_diacritics_gives_no_figure_and_is_flagged():
    bare = "Hoi LHPN xa da giup 30 ho phu nu thoat ngheo va tham gia cac hoat dong cua Hoi."
    found = report(f"Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo.\n{bare}\n")
    assert [f.value for f in found.figures] == [57]
    assert len(found.damaged) == 1


# --- The report's unit and period -----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("Hội LHPN huyện Thủ Thừa tổng kết năm 2023\n\n", "2023"),
        ("Hội LHPN huyện Thủ Thừa: kết quả 6 tháng đầu năm 2017\n\n", "2017-H1"),
        ("Hội LHPN huyện Thủ Thừa sơ kết quý III/2024\n\n", "2024-Q3"),
    ],
)
def test_unit_and_period_from_the_title(title, period):
    found = report("Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo.", title)
    assert (found.unit_code, found.period_code) == ("D804", period)
    assert found.figures[0].period == period


def test_union_working_with_another_organisation_keeps_its_figure():
    figure = one("Hội phối hợp với Ngân hàng Chính sách xã hội cho 500 hộ vay vốn sản xuất.")
    assert (figure.value, figure.indicator) == (500, "fin_borrowing_households")


def test_a_sentence_wrapped_over_two_lines_is_one_sentence():
    figures = results("Các cấp Hội đã xây dựng 12 mái ấm tình thương trị giá\n720 triệu đồng.")
    assert [(f.value, f.indicator) for f in figures] == [
        (12, "prog_houses_built"),
        (720_000_000, "fin_houses_value"),
    ]


def test_figures_under_a_heading_of_next_year_tasks_are_targets():
    body = (
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2023\n"
        "- Kết nạp mới 1.215 hội viên.\n"
        "II. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2024\n"
        "- 90% chi hội xếp loại vững mạnh.\n"
    )
    assert [(f.value, f.is_target) for f in report(body).figures] == [(1215, False), (90, True)]


def test_a_title_over_two_lines_naming_next_year_directions_is_no_plan_heading():
    title = "KẾT QUẢ CÔNG TÁC HỘI NĂM 2023\n\nVÀ ĐỊNH HƯỚNG HOẠT ĐỘNG NĂM 2024\n\n"
    found = report("Hội LHPN huyện Thủ Thừa đã giúp 57 hộ phụ nữ thoát nghèo.", title)
    assert [(f.value, f.is_target) for f in found.figures] == [(57, False)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Đại hội đã bầu 15 đồng chí vào Ban Chấp hành khóa mới.",
        "Chị Nguyễn Thị Hoa, hội viên chi hội thôn 3, có thu nhập hơn 500 triệu đồng mỗi năm.",
    ],
)
def test_more_non_figures(sentence):
    assert results(sentence) == []


def test_workdays_are_counted_not_a_duration():
    figures = results("Hội viên đã đóng góp trên 1,2 tỷ đồng và 3.500 ngày công làm đường.")
    assert [(f.value, f.counted) for f in figures] == [(1.2e9, "đồng"), (3500, "ngày công")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Hội trao 50 suất học bổng, mỗi suất trị giá 1 triệu đồng.",
        "Mức hỗ trợ cho mỗi hộ là 2 triệu đồng/hộ.",
        "Thu nhập bình quân của hội viên đạt 45 triệu đồng.",
        "Mọi ý kiến xin gửi về tổng đài: 19001234.",
    ],
)
def test_amounts_each_rates_averages_and_codes_are_not_figures(sentence):
    values = [f.value for f in results(sentence)]
    assert 1e6 not in values and 2e6 not in values and 45e6 not in values
    assert 19001234 not in values


def test_dong_written_as_a_letter_after_the_number():
    figure = one("Hội đã trao tặng quà trị giá 500.000đ cho hội viên nghèo.")
    assert (figure.value, figure.counted) == (500_000, "đồng")


def test_related_headlines_after_the_article_are_not_its_figures():
    body = (
        "Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo.\n"
        "Theo Báo Long An\n"
        "Tin liên quan\n"
        "Hội LHPN huyện Đức Hòa trao 200 suất quà cho phụ nữ nghèo\n"
        "Phụ nữ Bến Lức: 30 mô hình sinh kế hiệu quả\n"
    )
    assert [f.value for f in results(body)] == [57]


def test_a_caption_that_mentions_a_plan_opens_no_plan_section():
    body = (
        "Hội LHPN huyện Thủ Thừa đã giúp 57 hộ phụ nữ thoát nghèo.\n"
        "Đại biểu thảo luận kế hoạch năm tới\n"
        "Các cấp Hội đã kết nạp mới 1.250 hội viên.\n"
    )
    assert [(f.value, f.is_target) for f in report(body).figures] == [(57, False), (1250, False)]


def test_a_short_result_line_with_a_common_page_word_is_no_furniture():
    body = "- Đánh giá, xếp loại: 15/15 cơ sở Hội hoàn thành tốt nhiệm vụ trở lên.\n"
    assert [(f.value, f.whole) for f in results(body)] == [(15, 15)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Hội LHPN huyện đã đạt 12/14 chỉ tiêu Nghị quyết Đại hội đề ra.",
        "Theo định hướng của Trung ương Hội, các cấp Hội đã tổ chức 200 buổi tuyên truyền.",
        "Tiến tới kỷ niệm 93 năm ngày thành lập Hội, các cấp Hội đã trao 500 suất quà.",
        "Hội đã hoàn thành 100% chỉ tiêu đặt ra trong năm.",
    ],
)
def test_results_that_mention_targets_are_results(sentence):
    found = results(sentence)
    assert found and not any(f.is_target for f in found)


def test_a_sentence_that_states_a_target_keeps_it_as_a_target():
    found = report("Chỉ tiêu Nghị quyết Đại hội: 90% cơ sở Hội hoàn thành tốt nhiệm vụ.").figures
    assert [(f.value, f.is_target) for f in found] == [(90, True)]
