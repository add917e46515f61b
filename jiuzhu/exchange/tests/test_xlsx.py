"""The streaming .xlsx reader against what Excel, WPS and openpyxl write."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from jiuzhu.exchange.xlsx import XlsxError, XlsxWorkbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _package(sheet_xml: str, *, shared: list[str] | None = None, date1904: bool = False,
             styles: str | None = None) -> io.BytesIO:
    """A minimal workbook as Excel lays it out: one sheet 家庭, shared strings, styles."""
    out = io.BytesIO()
    properties = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{R}">{properties}'
            '<sheets><sheet name="家庭" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{R}/sharedStrings" Target="/xl/sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{R}/styles" Target="styles.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/sharedStrings.xml", (
            f'<sst xmlns="{MAIN}">' + "".join(shared or []) + "</sst>"))
        archive.writestr("xl/styles.xml", styles or (
            f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
            '<numFmt numFmtId="164" formatCode="yyyy/mm/dd;@"/></numFmts>'
            '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
            '<xf numFmtId="31"/></cellXfs></styleSheet>'))
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>')
    out.seek(0)
    return out


def _rows(source) -> list:
    workbook = XlsxWorkbook(source)
    try:
        return list(workbook.rows("家庭"))
    finally:
        workbook.close()


def test_values_of_every_cell_type():
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><t>内联</t></is></c>'
        '<c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#N/A</v></c>'
        '<c r="F1" t="str"><f>A1&amp;B1</f><v>王 李</v></c>'
        '<c r="G1"><f>SUM(1,2)</f><v>3</v></c><c r="H1"><v>1234.5</v></c>'
        '<c r="I1"><v>1.1010119900101E+17</v></c></row>'
    )
    shared = ["<si><t>王</t></si>",
              "<si><r><t>李</t></r><r><t>四</t></r><rPh><t>リ</t></rPh></si>"]
    [(number, values)] = _rows(_package(sheet, shared=shared))
    assert number == 1
    assert values == ("王", "李四", "内联", True, "#N/A", "王 李", 3, 1234.5, 1.1010119900101e17)


def test_dates_by_style_including_chinese_formats_and_1904():
    sheet = ('<row r="3"><c r="A3" s="1"><v>46082</v></c><c r="B3" s="2"><v>46082</v></c>'
             '<c r="C3" s="3"><v>46082</v></c><c r="D3" s="0"><v>46082</v></c>'
             '<c r="E3" t="d"><v>2026-03-01T00:00:00</v></c></row>')
    [(number, values)] = _rows(_package(sheet))
    march_first = datetime(2026, 3, 1)
    assert number == 3
    assert values == (march_first, march_first, march_first, 46082, march_first)
    [(_, (in_1904,))] = _rows(_package('<row r="1"><c r="A1" s="1"><v>44620</v></c></row>',
                                       date1904=True))
    assert in_1904.date() == date(2026, 3, 1)


def test_rows_and_cells_without_references_and_gaps():
    sheet = ('<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
             '<row><c r="C2"><v>2</v></c></row>'
             '<row r="7"><c r="AB7"><v>3</v></c></row>')
    rows = _rows(_package(sheet))
    assert rows[0] == (1, ("a", 1))
    assert rows[1] == (2, (None, None, 2))
    assert rows[2][0] == 7 and rows[2][1][27] == 3 and len(rows[2][1]) == 28


def test_reads_what_openpyxl_writes_in_both_modes():
    for write_only in (False, True):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("家庭")
        sheet.append(["家庭编号", "信息采集日期", "医疗支出", "危房"])
        sheet.append(["H1", date(2026, 3, 1), 1234.5, True])
        out = io.BytesIO()
        workbook.save(out)
        out.seek(0)
        assert _rows(out) == [(1, ("家庭编号", "信息采集日期", "医疗支出", "危房")),
                              (2, ("H1", datetime(2026, 3, 1), 1234.5, True))]


def test_entities_are_not_resolved():
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    source, out = _package(""), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for item in original.namelist():
            data = original.read(item)
            if item.endswith("sheet1.xml"):
                data = (doctype + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
                        '<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
                        '</row></sheetData></worksheet>').encode()
            archive.writestr(item, data)
    out.seek(0)
    [(_, values)] = _rows(out)
    assert "root:" not in values[0]


def test_not_a_workbook():
    with pytest.raises(XlsxError):
        XlsxWorkbook(io.BytesIO(b"PK\x03\x04 broken"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    out.seek(0)
    with pytest.raises(XlsxError):
        XlsxWorkbook(out)
