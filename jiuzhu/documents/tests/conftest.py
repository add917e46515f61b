from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test stores its documents in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(window_worker):
    """A registered household of 第1镇 standing for the case a document belongs to."""
    return household_register(actor=window_worker, data=household_dict(household_id="H0001"))


def pdf_text(data: bytes) -> str:
    """The PDF's text by pdftotext, without whitespace (justified lines are spaced)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                            capture_output=True, check=True)
    return "".join(result.stdout.decode("utf-8").split())


def squeeze(text: str) -> str:
    return "".join(text.split())
