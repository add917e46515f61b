"""#14 item 7 for workbooks: text that looks like a formula is exported as text, a control
character already stored does not break the export, and a zip-bomb workbook is refused
before anything is unpacked."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from jiuzhu.core.errors import ServiceError
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.reader import UnreadableWorkbook, workbook_read
from jiuzhu.exchange.services import import_job_create
from jiuzhu.exchange.tests.workbooks import upload, workbook_bytes
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.testing import PASSWORD, household_dict

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


def _export(client, user) -> bytes:
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/exchange/export/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_formula_like_text_is_exported_as_text(client, window_worker):
    household = household_register(actor=window_worker, data=household_dict(household_id="F1"))
    for index, text in enumerate(FORMULAS):
        member = household.members.first()
        Household.objects.filter(pk=household.pk).update(address=text)
        type(member).objects.filter(pk=member.pk).update(name=text)
        cells = {c.value: c for c in _cells(_export(client, window_worker))
                 if isinstance(c.value, str) and c.value == text}
        assert cells, text
        for cell in cells.values():
            assert cell.data_type == "s", (index, text)
            assert cell.quotePrefix, text


def test_a_stored_control_character_does_not_break_the_export(client, window_worker):
    from django.db import connection

    household = household_register(actor=window_worker, data=household_dict(household_id="N1"))
    # PostgreSQL cannot store a NUL at all; SQLite could, and the export then failed
    first = "\x01" if connection.vendor == "postgresql" else "\x00"
    Household.objects.filter(pk=household.pk).update(address=f"东河镇{first}一号\x07")
    values = [c.value for c in _cells(_export(client, window_worker))]
    assert "东河镇\ufffd一号\ufffd" in values


def test_every_workbook_writes_formula_text_as_text():
    """Any openpyxl workbook, normal or write-only (the one place: core.excel.install)."""
    for write_only in (False, True):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("s") if write_only else book.active
        sheet.append(["=1+1", "正常", 5, "-5"])
        out = io.BytesIO()
        book.save(out)
        cells = list(_cells(out.getvalue()))
        assert [c.data_type for c in cells] == ["s", "s", "n", "s"]
        assert [bool(c.quotePrefix) for c in cells] == [True, False, False, True]


def _zip_bomb(megabytes: int = 30) -> bytes:
    """A workbook whose sheet is megabytes of zeros: a few tens of kilobytes packed."""
    real = workbook_bytes([household_dict(household_id="Z1")])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/zeros.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_at_upload(window_worker):
    content = _zip_bomb()
    assert len(content) < 200 * 1024
    with pytest.raises(ServiceError) as refused:
        import_job_create(actor=window_worker, upload=upload(content))
    assert "压缩炸弹" in refused.value.message
    assert refused.value.errors[0]["path"] == "file"
    assert ImportJob.objects.count() == 0


def test_a_zip_bomb_is_refused_by_the_reader_too(settings):
    with pytest.raises(UnreadableWorkbook, match="压缩炸弹"):
        workbook_read(io.BytesIO(_zip_bomb()))
    settings.XLSX_MAX_UNPACKED = 10 * 1024 * 1024
    with pytest.raises(UnreadableWorkbook, match="超过上限 10 MB"):
        workbook_read(io.BytesIO(_zip_bomb(12)))


def test_a_real_workbook_passes(window_worker):
    content = workbook_bytes([household_dict(household_id=f"R{i}") for i in range(50)])
    assert len(workbook_read(io.BytesIO(content)).households) == 50


@pytest.mark.parametrize(("path", "value", "message"), [
    ("address", "东" * 201, "最多 200 个字符"),
    ("address", "东" * 10_000_000, "最多 200 个字符"),
    ("address", "东河镇\x00一号", "控制字符"),
    ("members[0].name", "张\x00三", "控制字符"),
])
def test_the_household_service_refuses_what_its_columns_cannot_hold(window_worker, path, value,
                                                                   message):
    data = household_dict(household_id="L1")
    if path == "address":
        data["address"] = value
    else:
        data["members"][0]["name"] = value
    with pytest.raises(ServiceError) as refused:
        household_register(actor=window_worker, data=data)
    assert [e["path"] for e in refused.value.errors] == [path]
    assert message in refused.value.errors[0]["message"]
    assert not Household.objects.exists()
