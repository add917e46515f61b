"""The pages: the list, the form pre-filled with the values in force, errors on the parameter's
input, the diff, approval by a second person (403 naming the rule for the first), export and
import, and who sees the menu entry."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from jiuzhu.policy import forms
from jiuzhu.policy.models import ParameterSetDraft
from jiuzhu.portal.menu import entries_for
from jiuzhu.rules import parameters
from jiuzhu.testing import PASSWORD, UserFactory

from .conftest import NEW_YEAR

COUNTY = "990102"


def form_data(**changes: str) -> dict[str, str]:
    data = {"county": COUNTY, "effective_on": NEW_YEAR.isoformat(),
            "reference": "示民发〔2026〕12号"}
    for name in parameters.county_parameters(COUNTY):
        for leaf in forms.leaves_of(name, parameters.template_of(COUNTY, name, NEW_YEAR)):
            data[leaf.input_name] = leaf.text
    data.update({forms.PREFIX + k: v for k, v in changes.items()})
    return data


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def window(tree):
    return UserFactory(role="window_worker", region=tree["town1"])


def test_who_opens_the_pages(client, admin, approver, window):
    assert login(client, window).get(reverse("policy:index")).status_code == 403
    assert not any(e.url_name == "policy:index" for e in entries_for(window))
    for user in (admin, approver):
        page = login(client, user).get(reverse("policy:index"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "城市低保标准" in text and "示范县民政局 演示参数 (demo)" in text
        assert any(e.url_name == "policy:index" for e in entries_for(user))
    assert login(client, approver).get(reverse("policy:create")).status_code == 403


def test_enter_approve_and_reassess_through_the_pages(client, admin, approver, tree,
                                                      django_capture_on_commit_callbacks):
    page = login(client, admin).get(reverse("policy:create"))
    assert page.status_code == 200
    assert 'name="p.dibao_standard_urban" value="900"' in page.content.decode()
    refused = client.post(reverse("policy:create"), form_data(
        dibao_standard_urban="九百五", **{"addon_rates.minor": "0.123456"}))
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "城市低保标准（dibao_standard_urban）：请填写数字" in text
    assert "分类施保加发比例（addon_rates.minor）" in text
    assert not ParameterSetDraft.objects.exists()
    saved = client.post(reverse("policy:create"), form_data(dibao_standard_urban="950",
                                                            dibao_standard_rural="760"))
    assert saved.status_code == 302
    draft = ParameterSetDraft.objects.get()
    detail = client.get(saved.url).content.decode()
    assert 'data-testid="old">900<' in detail and 'data-testid="new">950<' in detail
    client.post(reverse("policy:act", args=[draft.pk, "submit"]))
    waiting = client.get(reverse("policy:index")).content.decode()  # no approver yet: "—"
    assert f'data-draft="{draft.pk}" data-state="submitted"' in waiting
    # the one who entered it may not approve (no button, 403 by the URL)
    assert 'data-action="approve"' not in client.get(saved.url).content.decode()
    assert client.post(reverse("policy:act", args=[draft.pk, "approve"])).status_code == 403
    login(client, approver)
    assert 'data-action="approve"' in client.get(saved.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("policy:act", args=[draft.pk, "approve"]))
    draft.refresh_from_db()
    assert draft.state == "approved" and draft.decided_by == approver
    assert parameters.parameters_for(COUNTY, NEW_YEAR)["dibao_standard_urban"] == 950
    listing = client.get(reverse("policy:index") + "?on=2027-02-01").content.decode()
    assert "示民发〔2026〕12号" in listing
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("policy:reassess", args=[draft.pk]))
    draft.refresh_from_db()
    assert started.status_code == 302 and started.url == reverse(
        "assessments:batch", args=[draft.reassessment_id])


def test_export_and_import_pages(client, admin):
    login(client, admin)
    exported = client.get(reverse("policy:export"))
    assert exported["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files[f"{COUNTY}/min_wage_monthly.yaml"] = files[f"{COUNTY}/min_wage_monthly.yaml"].replace(
        b"2026-01-01: 2000", b"2026-01-01: 2000\n  2027-01-01: 2100.555")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "parameters.zip"
    refused = client.post(reverse("policy:import"), {"file": upload})
    assert refused.status_code == 422
    assert "990102/min_wage_monthly.yaml values.2027-01-01" in refused.content.decode()
    assert not ParameterSetDraft.objects.exists()
