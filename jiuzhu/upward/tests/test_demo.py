"""The demo part on the small county (code 990102 like the demo's): last month produced by
supervisor1, a missing decision document issued first; a second load changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jiuzhu.documents.models import Document
from jiuzhu.testing import UserFactory
from jiuzhu.upward import demo
from jiuzhu.upward.models import Submission

from .conftest import MONTH


@pytest.fixture
def today_is_december(monkeypatch):
    import datetime as dt

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 5))


def test_demo_produces_last_month(county, today_is_december):
    UserFactory(username="supervisor1", role="supervisor", region=county["county"])
    case = county["cases"]["urban"]
    Document.objects.filter(object_id=str(case.pk))._raw_delete(Document.objects.db)
    demo.load()
    submission = Submission.objects.get()
    assert (submission.month, submission.state) == (MONTH, "produced")
    assert submission.produced_by.username == "supervisor1"
    assert Document.objects.filter(object_id=str(case.pk), code="D13").exists()
    demo.load()
    assert Submission.objects.count() == 1
