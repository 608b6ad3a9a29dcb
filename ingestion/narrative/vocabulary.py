"""The words that tell a reported figure from the other numbers of a report.

All entries are folded (fold(): lower case, no diacritics), the form the extractor compares.
Each set names one class of non-figure from docs/narrative.md; a report that writes a class
another way needs a word added here, not a new rule in code. Phrases that map a figure to an
indicator are not here: they are data of the catalogue (indicators.yml, `phrases:`).
"""

from __future__ import annotations

# Qualifier as parse_vn_number reports it (numbers.QUALIFIERS) → the qualifier of a figure.
QUALIFIER_CODES: dict[str, str] = {
    "trên": "more_than",
    "hơn": "more_than",
    ">": "more_than",
    "gần": "nearly",
    "khoảng gần": "nearly",
    "khoảng": "about",
    "trên dưới": "about",
    "chừng": "about",
    "khoảng hơn": "about",
    "ước": "about",
    "ước tính": "about",
    "xấp xỉ": "about",
    "~": "about",
    "≈": "about",
    "dưới": "less_than",
    "<": "less_than",
}

# An estimate stated by its verb, the number after it approximate: 'dư nợ ước đạt 1.912 tỉ
# đồng', 'ước tính đạt', 'ước thực hiện'.
ESTIMATE_BEFORE: frozenset[str] = frozenset(
    ["ước đạt", "ước tính đạt", "ước thực hiện", "ước khoảng", "ước tính khoảng"]
)

# A number right after one of these is a date, a period, an ordinal, a name or a document
# number: 'ngày 3', 'tháng 10', 'lần thứ 2', 'Dự án 8', 'chương trình 2', 'thôn 3', 'số 23',
# a unit's or an institution's number: 'Sư đoàn 324', 'Đồn Biên phòng 123', 'Bệnh viện 103'.
BEFORE_NOT_FIGURE: frozenset[str] = frozenset(
    """
    ngày tháng quý năm sáng chiều tối trưa đêm hôm thứ lần khóa khoá đợt kỳ loại hạng
    top phiên tập chương điều khoản mục thôn xóm ấp bản khu khối đường phố km phòng lớp tổ
    cụm đội số lúc giờ covid quận phường đoàn đồn viện
    """.split()
) | frozenset(
    [
        "dự án",
        "đề án",
        "chương trình",
        "nghị quyết",
        "quyết định",
        "chỉ thị",
        "kết luận",
        "nghị định",
        "thông tư",
        "kế hoạch",
        "công văn",
        "giai đoạn",
        "khu phố",
        "tổ dân phố",
        "quốc lộ",
        "tỉnh lộ",
        "quân khu",
        "hải đội",
        # a depth or a height of nature, not of the union's work: 'lũ ngập sâu 3 mét'
        "ngập",
        "ngập sâu",
        "độ sâu",
        "độ cao",
    ]
)
# 'số' is an ordinal or a document number ('Đề án số 01') except after these ('tổng số 500').
COUNT_BEFORE_SO: frozenset[str] = frozenset({"tổng", "với", "có", "đạt", "là", "các", "một"})
# Date words: a/b after them is a day and month ('sáng 9/1', 'ngày 25/6').
DATE_WORDS: frozenset[str] = frozenset(
    "ngày sáng chiều tối trưa đêm hôm từ đến và nhân dịp lúc thứ sau nhật".split()
)

# A number followed by one of these is a duration, an age, a date or a temperature:
# '3 năm', 'trong 2 ngày', '18 tuổi', '6 tháng đầu năm', '28 độ C'.
AFTER_NOT_FIGURE: frozenset[str] = frozenset(
    "năm tháng ngày tuần giờ phút giây tuổi độ °c ° h thập thế".split()
)
# Counts of the people at a meeting, not results of the union's work: '113 đại biểu'.
AFTER_MEETING: frozenset[str] = frozenset(["đại biểu", "đồng chí", "khách mời", "ủy viên"])
# Definitions and programme names written without quotes: '5 không, 3 sạch', '4 phẩm chất',
# '8 tiêu chí', '3 an toàn', '3 khâu đột phá', '5 điều Bác Hồ dạy'.
AFTER_DEFINITION: frozenset[str] = frozenset(
    "không có sạch tốt giảm nhất điều chữ xanh".split()
) | frozenset(["an toàn", "phẩm chất", "tiêu chí", "khâu", "khâu đột phá"])

# Natural events counted or measured: '2 đợt mưa lũ', '3 cơn bão' are what struck the area.
AFTER_NATURAL_EVENT: frozenset[str] = frozenset(
    [
        f"{count} {event}"
        for count in ("đợt", "trận", "cơn")
        for event in ("mưa", "lũ", "mưa lũ", "bão", "lũ quét", "rét", "nắng nóng", "hạn")
    ]
)
# A share of the population ('chiếm 60% dân số'): a demographic statistic, not a result.
AFTER_POPULATION: frozenset[str] = frozenset(["dân số", "dân cư", "tổng dân số"])
# Administrative units counted where a sentence tells of their merger ('12 xã, phường được
# sắp xếp thành 6 đơn vị', 'trên cơ sở sắp xếp 3 phường'): the state's reorganisation, not
# the union's work.
ADMINISTRATIVE_UNITS: frozenset[str] = frozenset(
    ["xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "tỉnh", "đơn vị", "đơn vị hành chính"]
)
MERGER_WORDS: tuple[str, ...] = ("sắp xếp", "sáp nhập", "hợp nhất")

# Lines that are page furniture when short: counters, ratings, bylines, navigation.
FURNITURE_WORDS: tuple[str, ...] = (
    "truy cập",
    "lượt xem",
    "lượt đọc",
    "lượt view",
    "thời gian chờ",
    "nhiệt độ",
    "độ ẩm",
    "viếng thăm",
    "máy chủ tìm kiếm",
    "tháng hiện tại",
    "bấm vào đây",
    "click",
    "đăng nhập",
    "tin liên quan",
    "tin bài khác",
    "bản in",
    "cỡ chữ",
    "online",
    "views",
    "°c",
)
# A line of at most this many words that holds a furniture word is furniture.
FURNITURE_MAX_WORDS = 25
# Words that are furniture only on a short line that names nothing of the union's work
# ('0 trong 0 đánh giá', 'Hôm nay 4.912'): a report also writes 'Đánh giá, xếp loại: …'.
WEAK_FURNITURE_WORDS: tuple[str, ...] = ("đánh giá", "bình luận", "hôm nay", "chia sẻ", "thống kê")
WEAK_FURNITURE_MAX_WORDS = 12

# Organisations other than the women's union, as the subject of a sentence: then the
# sentence reports their figures, not the union's.
OTHER_ORGANISATIONS: tuple[str, ...] = (
    "ubnd",
    "ủy ban nhân dân",
    "uỷ ban nhân dân",
    "hđnd",
    "hội đồng nhân dân",
    "đảng ủy",
    "đảng uỷ",
    "đảng bộ",
    "chi bộ",
    "chính quyền",
    "phòng giao dịch",
    "ủy ban mặt trận",
    "huyện ủy",
    "tỉnh ủy",
    "thành ủy",
    "thị ủy",
    "mttq",
    "mặt trận tổ quốc",
    "ủy ban mttq",
    "đoàn thanh niên",
    "huyện đoàn",
    "tỉnh đoàn",
    "thành đoàn",
    "hội nông dân",
    "hội cựu chiến binh",
    "hội người cao tuổi",
    "hội chữ thập đỏ",
    "hội khuyến học",
    "hội người mù",
    "công đoàn",
    "liên đoàn lao động",
    "ngân hàng",
    "nhcsxh",
    "bộ đội",
    "bộ chỉ huy",
    "đồn biên phòng",
    "công an",
    "sở ",
    "phòng giáo dục",
    "trường học",
    "trường tiểu học",
    "trường thcs",
    "trường thpt",
    "trường mầm non",
    "nhà trường",
    "bệnh viện",
    "trung tâm y tế",
    "chính phủ",
    "thủ tướng",
    "quốc hội",
    "nhà nước",
    "các doanh nghiệp",
    "công ty",
    "ngành y tế",
    "ngành giáo dục",
    "ngành lao động",
    "ngành chức năng",
    "ngành thống kê",
    "cục thống kê",
    "chi cục thống kê",
)

# A sentence with one of these states a target or a plan, not a result.
TARGET_WORDS: tuple[str, ...] = (
    "phấn đấu",
    "mục tiêu nhiệm kỳ",
    "mục tiêu năm",
    "mục tiêu đến",
    "mục tiêu là",
    "mục tiêu:",
    "phương hướng",
    "nhiệm kỳ tới",
    "thời gian tới",
    "năm tới",
    "giai đoạn tới",
    "những tháng cuối năm",
    "đề ra các mục tiêu",
    "đề ra các chỉ tiêu",
    "đề ra các nhóm chỉ tiêu",
    "đề ra mục tiêu",
    "đề ra chỉ tiêu",
    "thống nhất các chỉ tiêu",
    "thông qua các chỉ tiêu",
    "xác định các chỉ tiêu",
    " sẽ ",
)
# A sentence that opens with one of these states a target ('Chỉ tiêu Nghị quyết Đại hội: 90%
# cơ sở Hội …'); inside a sentence they are results ('đạt 12/14 chỉ tiêu Nghị quyết').
TARGET_OPENINGS: tuple[str, ...] = ("chỉ tiêu", "mục tiêu", "kế hoạch năm", "phương hướng")

# Counted units: the noun a figure counts ('hội viên', 'hộ'); the longest that matches wins.
COUNTED: tuple[str, ...] = (
    "hội viên",
    "hộ",
    "hộ gia đình",
    "trẻ em",
    "trẻ",
    "cháu",
    "em",
    "lượt",
    "người",
    "phụ nữ",
    "chị",
    "cán bộ",
    "chi hội",
    "tổ",
    "nhóm",
    "câu lạc bộ",
    "clb",
    "mô hình",
    "hợp tác xã",
    "htx",
    "tổ hợp tác",
    "doanh nghiệp",
    "căn nhà",
    "ngôi nhà",
    "căn",
    "nhà",
    "mái ấm",
    "suất quà",
    "phần quà",
    "suất",
    "buổi",
    "cuộc",
    "hội nghị",
    "lớp",
    "đợt",
    "hoạt động",
    "công trình",
    "vụ",
    "vụ việc",
    "trường hợp",
    "tập thể",
    "cá nhân",
    "gương",
    "xã",
    "phường",
    "huyện",
    "thôn",
    "địa chỉ",
    "điểm",
    "thẻ",
    "sổ",
    "kg",
    "tấn",
    "ha",
    "con",
    "dự án",
    "thành viên",
    "chỉ tiêu",
    "cơ sở",
    "đơn vị",
    "học sinh",
    "lao động",
    "gia đình",
    "nạn nhân",
    "cây",
    "xe",
    "bộ",
    "chiếc",
    "km",
    "m",
    "sản phẩm",
    "tin",
    "bài",
    "ý tưởng",
    "giải",
    "ngày công",
    "giờ công",
    "tài liệu",
    "tờ rơi",
    "khẩu hiệu",
    "công",
)

# Words that cannot start what a number counts: a number followed by one of them (or by
# punctuation) has no counted noun.
FUNCTION_WORDS: frozenset[str] = frozenset(
    "và với của cho là trong tại theo từ đến trên dưới hơn gần khoảng như những các mỗi "
    "đã đang sẽ được bị thì mà nên vì do này kia".split()
)
