"""A family that applied online is numbered like any other when the window registers it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.intake.models import Request
from jiuzhu.intake.services import request_take

from .conftest import PNG, fill_until_review

pytestmark = pytest.mark.django_db


def test_the_window_registers_an_online_family_with_a_registry_number(
        client, tree, person, window_worker):
    fill_until_review(client, person, tree, files={
        "file-0": SimpleUploadedFile("sfz.png", PNG, content_type="image/png")})
    assert client.post("/self/apply/review/").status_code == 302
    request = Request.objects.get()
    assert "household_id" not in request.household_data  # no provisional number any more
    taken = request_take(actor=window_worker, request=request, household=None)
    village = tree["village1"].code
    assert taken.household.household_id == f"H{village}0001"
    assert taken.household.members.count() == 2
