import unicodedata

import pytest

from melinh_sxsh.lib.text import fold, normalize, slug, sort_key


def test_fold():
    assert fold("Tiền Phong") == "tien phong"
    assert fold("ĐẠI THỊNH") == "dai thinh"
    assert fold(unicodedata.normalize("NFD", "Văn Khê")) == "van khe"


def test_slug():
    assert slug("Thị trấn Quang Minh") == "thi-tran-quang-minh"
    assert slug("  Xã Đại Thịnh (cũ), 2018 ") == "xa-dai-thinh-cu-2018"


def test_normalize():
    assert normalize("  Mã  số\tTHUẾ ") == "mã số thuế"
    assert normalize(unicodedata.normalize("NFD", "Mã số thuế")) == "mã số thuế"


@pytest.mark.parametrize("ordered", [
    ["a", "à", "ả", "ã", "á", "ạ"],  # tones: ngang, huyền, hỏi, ngã, sắc, nặng
    ["a", "ă", "â", "b"],
    ["d", "đ", "e", "ê", "g"],
    ["o", "ô", "ơ", "p"],
    ["u", "ư", "v"],
    ["An", "An Phú", "Anh"],  # word by word
    ["10 Hòa", "Anh"],
    ["Tiên Phong", "Tiền Phong", "Tiến Thắng", "Tiến Thịnh"],
])
def test_vietnamese_order(ordered):
    assert sorted(reversed(ordered), key=sort_key) == ordered


def test_sort_key_uses_only_collation_safe_characters():
    key = sort_key("Công ty TNHH Đông Á – Chi nhánh số 2 (Hà Nội)")
    assert set(key) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(("value", "shown"), [
    ("0.004123", "0,00412"), ("0.0412", "0,0412"), ("0.41249", "0,412"), ("1.23456", "1,23"),
    ("12.3456", "12,35"), ("1234.565", "1.234,57"), ("0", "0,00"), ("0.000000001", "0,00000000"),
    (None, "—"),
])
def test_significant_digits_keep_a_small_figure_readable(value, shown):
    from django.utils import translation

    from melinh_sxsh.lib.text import format_significant

    with translation.override("vi"):
        assert format_significant(value) == shown
