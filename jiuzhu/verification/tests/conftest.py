"""Fixtures of the verification tests: officers, a registered household, export files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name: str = "授权书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def write_csv(folder: Path, source: str, rows: list[list[Any]], *,
              encoding: str = "utf-8") -> Path:
    path = folder / f"{source}.csv"
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT; export files to an empty temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    exports = tmp_path / "exports"
    exports.mkdir()
    settings.VERIFICATION_EXPORT_DIR = exports


@pytest.fixture
def exports(settings) -> Path:
    """The export folder, with the demo source switched off: a missing file is a source
    that is down."""
    settings.VERIFICATION_DEMO = False
    return Path(settings.VERIFICATION_EXPORT_DIR)


@pytest.fixture
def officer(tree):
    return UserFactory(username="verifier1", role="verification_officer", region=tree["town1"])


@pytest.fixture
def other_officer(tree):
    return UserFactory(username="verifier2", role="verification_officer", region=tree["town2"])


@pytest.fixture
def household(window_worker):
    """Two members who declare no wages, no car, one home of 80 ㎡, no deposits."""
    data = household_dict(household_id="H1")
    data["members"][0]["income"] = {"wages": 0, "pension": 0}
    data["members"][1]["income"] = {"wages": 0}
    return household_register(actor=window_worker, data=data)


def id_of(household, member_id: str) -> str:
    return household.members.get(member_id=member_id).id_number
