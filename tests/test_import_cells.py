"""Cell normalisation: what a hand-filled spreadsheet may contain and what it becomes."""

import datetime
from decimal import Decimal

import pytest

from schools.importing import cells
from schools.importing.cells import CellError
from schools.importing.schools_file import SCHOOL_KINDS


def test_text_folds_full_width_letters_and_spaces_but_keeps_chinese_punctuation():
    assert cells.text("\u3000第１中学（高中部） ") == "第1中学（高中部）"
    assert cells.text("王\u3000芳") == "王芳"  # padding inside a two-character name
    assert cells.text("Class  A\t1") == "Class A 1"
    assert cells.text("\ufeff鲁沙尔镇\u200b") == "鲁沙尔镇"
    assert cells.text(None) == ""
    assert cells.text(320.0) == "320"


@pytest.mark.parametrize(
    "value", ["２１６３０１９９０１", " 2163 019901 ", 2163019901, 2163019901.0]
)
def test_school_code_accepts_full_width_digits_spaces_and_numbers(value):
    assert cells.school_code(value) == "2163019901"


@pytest.mark.parametrize("value", ["216301990", "21630199011", "216301990X", ""])
def test_school_code_rejects_anything_but_ten_digits(value):
    with pytest.raises(CellError):
        cells.school_code(value)


@pytest.mark.parametrize(
    "value",
    ["13800002001", "１３８００００２００１", "138-0000-2001", "+86 138 0000 2001", 13800002001],
)
def test_mobile_key_is_the_eleven_digits(value):
    assert cells.mobile_key(value) == "13800002001"


@pytest.mark.parametrize("value", ["1380000200", "23800002001", "138000020011", "电话"])
def test_mobile_key_rejects_non_mobiles(value):
    with pytest.raises(CellError):
        cells.mobile_key(value)


def test_phone_accepts_landlines_and_rejects_words():
    assert cells.phone("０９７１－２２２０００１") == "0971-2220001"
    assert cells.phone("") == ""
    with pytest.raises(CellError):
        cells.phone("无")
    with pytest.raises(CellError):
        cells.phone("123")


@pytest.mark.parametrize(
    "value",
    [
        "2024-09-01",
        "2024/9/1",
        "2024.9.1",
        "2024年9月1日",
        "２０２４－０９－０１",
        "20240901",
        datetime.datetime(2024, 9, 1),
        datetime.date(2024, 9, 1),
        45536,  # the Excel serial number of 2024-09-01
    ],
)
def test_date_forms(value):
    assert cells.date(value) == datetime.date(2024, 9, 1)


@pytest.mark.parametrize("value", ["2024-02-30", "next week", "0202-09-01", "9/1/2024", 5])
def test_bad_dates(value):
    with pytest.raises(CellError):
        cells.date(value)


def test_count():
    assert cells.count("１,２００") == 1200
    assert cells.count(24.0) == 24
    assert cells.count("") == 0
    for bad in ("-3", "2.5", "many", True):
        with pytest.raises(CellError):
            cells.count(bad)


def test_coordinate():
    assert cells.coordinate(90)("36.50123456") == Decimal("36.501235")
    assert cells.coordinate(90)("") is None
    for bad in ("91", "north", "NaN"):
        with pytest.raises(CellError):
            cells.coordinate(90)(bad)


def test_yes_no_and_choices():
    assert cells.yes_no("是") is True
    assert cells.yes_no(" 否 ") is False
    assert cells.yes_no(None) is False
    assert cells.yes_no(True) is True
    with pytest.raises(CellError):
        cells.yes_no("也许")
    kind = cells.choice(SCHOOL_KINDS)
    assert kind(" 初级中学 ") == "junior"
    with pytest.raises(CellError, match="幼儿园、小学"):
        kind("大学")


def test_split_list_takes_chinese_and_latin_separators():
    assert cells.split_list("6、7，8; 校园及周边安全") == ["6", "7", "8", "校园及周边安全"]
    assert cells.split_list("") == []


def test_limited_text():
    assert cells.limited_text(" 王校长 ", max_length=3) == "王校长"
    with pytest.raises(CellError):
        cells.limited_text("王校长好", max_length=3)
