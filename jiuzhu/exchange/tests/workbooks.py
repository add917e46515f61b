"""Helpers of the exchange tests: workbooks in memory, uploads, imports run to the end."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.services import import_job_create
from jiuzhu.exchange.writer import workbook_write
from jiuzhu.testing import household_dict, member_dict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(households: list[dict[str, Any]]) -> bytes:
    out = io.BytesIO()
    workbook_write(out, households)
    return out.getvalue()


def upload(content: bytes, name: str = "家庭.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def run_import(actor, content: bytes, capture) -> ImportJob:
    """Upload ``content`` as ``actor`` and let the queued task run (tasks run at once in tests)."""
    with capture(execute=True):
        job = import_job_create(actor=actor, upload=upload(content))
    job.refresh_from_db()
    return job


def rich_household(household_id: str, region_code: str = "990102001001") -> dict[str, Any]:
    """A household using every part of the layout: supporters, vehicles, odd amounts."""
    head = member_dict(member_id="M1", name="王大山", birth=date(1956, 2, 29),
                       health="serious_illness", occupation="none", care_level="full",
                       income={"pension": Decimal("1234.50"), "transfer": Decimal("0.10")})
    spouse = member_dict(member_id="M2", name="赵小花", relation="spouse",
                         birth=date(1959, 12, 31), occupation="farming",
                         income={"business": Decimal("3000.07")}, public_servant=False)
    child = member_dict(member_id="M3", name="王小明", relation="child", birth=date(2009, 7, 1),
                        occupation="student", in_school=True, school_level="senior",
                        refused_job_offers=0, orphan_or_unsupported=False)
    data = household_dict(household_id=household_id, region_code=region_code,
                          members=[head, spouse, child])
    data.update({
        "phone": "0539-1234567",
        "supporters": [{"name": "王大海", "relation": "child", "annual_income": Decimal("45678.90"),
                        "supports": ["M1", "M2"], "exempt": "in_prison", "large_assets": True}],
        "expenditures": {"medical": Decimal("10234.56"), "education": Decimal("800.00")},
        "assets": {"vehicles": [{"kind": "farm", "value": Decimal("8800.00")},
                                {"kind": "disability", "value": Decimal("1500.50")}],
                   "homes_owned": 1, "housing_area_m2": Decimal("75.5"),
                   "dilapidated_housing": True, "contracted_land_mu": Decimal("3.25")},
        "flags": {"single_parent": False, "recent_hardship_event": True},
    })
    return data


def sheet_rows(content: bytes, sheet: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def edited(content: bytes, change) -> bytes:
    """The workbook after ``change(workbook)``, as a person editing it in Excel would leave it."""
    workbook = load_workbook(io.BytesIO(content))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column_of(workbook, sheet: str, label: str) -> int:
    return [c.value for c in workbook[sheet][1]].index(label) + 1
