"""A big workbook's largest sheet (lxml) or second largest (calamine, whose unpacking is
cheap) is read in a forked process beside the others (#15): the same households and the same errors as reading everything here, also for cells that could
not be read, and a failed process falls back to reading the sheet here."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jiuzhu.exchange import reader, xlsx
from jiuzhu.exchange.tests.workbooks import workbook_bytes
from jiuzhu.testing import household_dict


def _workbook_with_bad_cells() -> bytes:
    households = [household_dict(household_id=f"P{i:02d}") for i in range(12)]
    book = load_workbook(io.BytesIO(workbook_bytes(households)))
    members = book["成员"]
    members["F4"] = "不是日期"        # a birth date that cannot be read
    members.append(["无此户", "M1"])  # a member of no household in the file
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(content: bytes, monkeypatch, aside: bool) -> reader.ParsedWorkbook:
    monkeypatch.setattr(reader, "PARALLEL_SHEET_BYTES", 0 if aside else 10 ** 12)
    return reader.workbook_read(io.BytesIO(content))


def _shape(parsed: reader.ParsedWorkbook):
    return ([(h.row, h.data, h.member_rows) for h in parsed.households], parsed.errors,
            parsed.members)


@pytest.mark.parametrize(("engine", "sheet"), [("calamine", "家庭"), ("lxml", "成员")])
@pytest.mark.parametrize("as_file", [False, True])
def test_the_sheet_read_aside_gives_what_reading_here_gives(monkeypatch, tmp_path, as_file,
                                                            engine, sheet):
    monkeypatch.setattr(xlsx, "ENGINE", engine)
    content = _workbook_with_bad_cells()
    here = _read(content, monkeypatch, aside=False)
    assert here.errors and len(here.households) == 12
    started = []
    start = reader._SheetAside.__init__

    def counted(self, workbook, sheet):
        started.append(sheet.name)
        start(self, workbook, sheet)

    monkeypatch.setattr(reader._SheetAside, "__init__", counted)
    monkeypatch.setattr(reader, "PARALLEL_SHEET_BYTES", 0)
    if as_file:  # a file on disk: the forked process opens it again
        path = tmp_path / "big.xlsx"
        path.write_bytes(content)
        aside = reader.workbook_read(str(path))
    else:
        aside = reader.workbook_read(io.BytesIO(content))
    assert started == [sheet]
    assert _shape(aside) == _shape(here)


def test_a_failed_process_leaves_the_sheet_to_be_read_here(monkeypatch):
    content = _workbook_with_bad_cells()
    here = _read(content, monkeypatch, aside=False)

    def failing(workbook, sheet, sender):
        sender.send(None)
        sender.close()

    monkeypatch.setattr(reader, "_read_aside", failing)
    assert _shape(_read(content, monkeypatch, aside=True)) == _shape(here)
