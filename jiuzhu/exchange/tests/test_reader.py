"""Reading workbooks: cells to schema values, and schema paths back to cells."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from jiuzhu.exchange import xlsx
from jiuzhu.exchange.layout import HOUSEHOLDS, MEMBERS
from jiuzhu.exchange.reader import UnreadableWorkbook, convert, workbook_read
from jiuzhu.exchange.tests.workbooks import column_of, edited, rich_household, workbook_bytes
from jiuzhu.testing import household_dict

MEDICAL = HOUSEHOLDS.by_key["expenditures.medical"]


@pytest.fixture(autouse=True, params=["calamine", "lxml"])
def engine(request, monkeypatch):
    """Every reading test with both readers of the workbook (calamine, and lxml's, which
    reads what calamine cannot open): the same households and errors."""
    monkeypatch.setattr(xlsx, "ENGINE", request.param)
    return request.param


@pytest.mark.parametrize(("raw", "expected"), [
    (1234.5, Decimal("1234.50")),
    (1200, Decimal("1200.00")),
    (0.1 + 0.2, Decimal("0.30")),          # a sum computed in the sheet, not 0.30000000000000004
    (19.99, Decimal("19.99")),
    ("1,234.5元", Decimal("1234.50")),
    (" 88 ", Decimal("88.00")),
])
def test_money_is_the_decimal_the_cell_shows(raw, expected):
    value, problem = convert(MEDICAL, raw)
    assert problem == ""
    assert value == expected and str(value) == str(expected)


def test_money_with_three_decimals_is_left_for_validation_to_refuse():
    value, problem = convert(MEDICAL, 12.345)
    assert (value, problem) == (Decimal("12.345"), "")


def test_text_in_a_money_cell_is_an_error():
    _, problem = convert(MEDICAL, "一千")
    assert "应为数字" in problem


@pytest.mark.parametrize("raw", [datetime(2026, 3, 1), date(2026, 3, 1), "2026-03-01",
                                 "2026/3/1", "2026年3月1日"])
def test_dates_from_date_cells_and_text(raw):
    column = HOUSEHOLDS.by_key["assessment_date"]
    assert convert(column, raw) == ("2026-03-01", "")


def test_a_date_that_does_not_exist_is_an_error():
    _, problem = convert(HOUSEHOLDS.by_key["assessment_date"], "2026-02-30")
    assert "不是有效的日期" in problem


@pytest.mark.parametrize("raw", ["慢性病", "chronic_illness", "CHRONIC_ILLNESS"])
def test_enums_accept_the_chinese_label_and_the_english_code(raw):
    assert convert(MEMBERS.by_key["health"], raw) == ("chronic_illness", "")


def test_an_unknown_enum_value_lists_the_choices():
    _, problem = convert(MEMBERS.by_key["health"], "还行")
    assert "还行" in problem and "慢性病" in problem


@pytest.mark.parametrize(("raw", "expected"), [("是", True), ("否", False), (True, True),
                                               ("TRUE", True), (0, False)])
def test_booleans(raw, expected):
    assert convert(MEMBERS.by_key["in_school"], raw) == (expected, "")


def test_an_id_number_stored_as_a_number_is_refused_clearly():
    _, problem = convert(MEMBERS.by_key["id_number"], 1.10101199001011e17)
    assert "文本格式" in problem


def test_lowercase_x_in_an_id_number_is_read_as_upper_case():
    assert convert(MEMBERS.by_key["id_number"], "11010119900101123x")[0].endswith("X")


def test_numeric_region_code_and_phone_become_text():
    assert convert(HOUSEHOLDS.by_key["region_code"], 990102001001) == ("990102001001", "")
    assert convert(HOUSEHOLDS.by_key["phone"], 13800138000.0) == ("13800138000", "")


def test_supports_split_on_chinese_and_latin_commas():
    from jiuzhu.exchange.layout import SUPPORTERS

    assert convert(SUPPORTERS.by_key["supports"], "M1，M2、M3") == (["M1", "M2", "M3"], "")


def test_a_written_household_reads_back_to_the_same_dict(db):
    data = rich_household("H1")
    parsed = workbook_read(io.BytesIO(workbook_bytes([data])))
    assert parsed.errors == []
    [household] = parsed.households
    read = household.data
    assert read["members"][0]["income"] == {"pension": Decimal("1234.50"),
                                            "transfer": Decimal("0.10")}
    assert read["supporters"] == [{**data["supporters"][0]}]
    assert read["assets"]["vehicles"] == data["assets"]["vehicles"]
    assert read["flags"] == data["flags"]
    assert household.member_rows == [3, 4, 5]
    assert household.supporter_rows == [3]
    assert household.vehicle_rows == [3, 4]


def test_schema_paths_map_back_to_cells(db):
    first, second = household_dict(household_id="H1"), rich_household("H2")
    parsed = workbook_read(io.BytesIO(workbook_bytes([first, second])))
    h2 = parsed.households[1]
    located = h2.locate("members[1].id_number", "身份证号校验位错误")
    assert (located.sheet, located.row, located.column) == ("成员", 6, "身份证号")
    assert located.household_id == "H2"
    assert h2.locate("members[0].income.pension", "x").column == "养老金"
    assert (h2.locate("supporters[0].supports[1]", "x").sheet,
            h2.locate("supporters[0].supports[1]", "x").column) == ("赡养义务人", "赡养的成员")
    assert h2.locate("assets.vehicles[1].value", "x").row == 4
    assert h2.locate("region_code", "x").column == "区划代码"
    assert (h2.locate("expenditures.medical", "x").sheet, h2.locate("", "x").row) == ("家庭", 4)
    assert h2.locate("members", "至少需要 1 项").message == "成员：至少需要 1 项"


def test_header_without_the_key_row_still_reads(db):
    content = edited(workbook_bytes([household_dict(household_id="H1")]),
                     lambda wb: [wb[name].delete_rows(2) for name in ("家庭", "成员")])
    parsed = workbook_read(io.BytesIO(content))
    assert parsed.errors == []
    assert parsed.households[0].row == 2
    assert parsed.households[0].member_rows == [2, 3]


def test_unknown_and_missing_columns_are_reported(db):
    def change(wb):
        wb["家庭"].cell(row=1, column=30, value="备注")
        wb["成员"].delete_cols(column_of(wb, "成员", "身份证号"))

    parsed = workbook_read(io.BytesIO(edited(workbook_bytes([household_dict()]), change)))
    messages = {(e.sheet, e.row, e.message) for e in parsed.errors}
    assert ("家庭", 1, "无法识别的列：备注") in messages
    assert ("成员", 1, "缺少必填列：身份证号") in messages


def test_rows_of_an_unknown_household_and_a_missing_sheet(db):
    def change(wb):
        wb["成员"].cell(row=5, column=1, value="NOPE")
        wb["成员"].cell(row=5, column=2, value="M9")
        wb.remove(wb["赡养义务人"])

    content = edited(workbook_bytes([household_dict(household_id="H1")]), change)
    parsed = workbook_read(io.BytesIO(content))
    assert [(e.sheet, e.row, e.column) for e in parsed.errors] == [("成员", 5, "家庭编号")]
    assert "NOPE" in parsed.errors[0].message

    no_members = edited(content, lambda wb: wb.remove(wb["成员"]))
    assert [e.message for e in workbook_read(io.BytesIO(no_members)).errors] == [
        "缺少工作表“成员”"]


def test_a_file_that_is_not_a_workbook_is_unreadable():
    with pytest.raises(UnreadableWorkbook):
        workbook_read(io.BytesIO(b"PK\x03\x04 not really"))


def test_headers_written_as_label_and_key_in_one_cell_or_starred(db):
    def change(wb):
        for name in ("家庭", "成员"):
            sheet = wb[name]
            sheet.delete_rows(2)
            sheet.cell(row=1, column=1, value="*家庭编号")
        wb["家庭"].cell(row=1, column=column_of(wb, "家庭", "住址"), value="住址 address")

    parsed = workbook_read(io.BytesIO(edited(workbook_bytes([household_dict(
        household_id="H1", address="东街 1 号")]), change)))
    assert parsed.errors == []
    assert parsed.households[0].data["address"] == "东街 1 号"
