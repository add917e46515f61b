"""Producing the exchange file: the task builds it (progress, manifest with counts, totals
and SM3 digests of each file, zip), it is stored unchangeable, downloaded with an audit."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives import hashes

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.upward import services
from jiuzhu.upward.exchange import CSV_COLUMNS, RECORD_FIELDS
from jiuzhu.upward.models import Submission

from .conftest import MONTH


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


@pytest.fixture
def produced(county, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_request(actor=users["supervisor"],
                                                 region=county["county"], month=MONTH)
    submission.refresh_from_db()
    return submission


def test_the_file_of_the_county(produced, county):
    assert (produced.state, produced.progress) == ("produced", 100)
    assert produced.produced_by.username == "sup1"
    manifest = produced.manifest
    # the county's three recipient cases; the other county's is not in it
    assert (manifest["records"], manifest["households"], manifest["members"]) == (3, 3, 6)
    assert manifest["amount_total"] == "1245.50"
    assert manifest["programmes"] == {
        "low_income": {"records": 1, "households": 1, "members": 2, "amount": "0.00"},
        "rural_dibao": {"records": 1, "households": 1, "members": 2, "amount": "415.50"},
        "urban_dibao": {"records": 1, "households": 1, "members": 2, "amount": "830.00"}}
    assert manifest["produced_by"] == {"username": "sup1", "name": "赵督办"}
    with zipfile.ZipFile(produced.file.open("rb")) as archive:
        assert sorted(archive.namelist()) == ["manifest.json", "recipients.csv",
                                              "recipients.jsonl"]
        files = {name: archive.read(name) for name in archive.namelist()}
    assert json.loads(files["manifest.json"]) == manifest
    for entry in manifest["files"]:
        assert entry["sm3"] == sm3(files[entry["name"]])
        assert entry["bytes"] == len(files[entry["name"]])
    lines = [json.loads(line) for line in files["recipients.jsonl"].decode("utf-8").splitlines()]
    assert [tuple(line) for line in lines] == [RECORD_FIELDS] * 3
    assert [line["household_number"] for line in lines] == ["H-LOW", "H-T2", "H-URBAN"]
    urban = lines[2]
    assert (urban["region_code"], urban["programme"], urban["start_month"], urban["amount"]) == (
        "990102001001", "urban_dibao", "2026-10", "830.00")
    assert [(m["name"], m["relation"], m["labour_capacity"]) for m in urban["members"]] == [
        ("王大", "head", "partial"), ("王二", "child", "none")]
    rows = list(csv.reader(io.StringIO(files["recipients.csv"].decode("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1 + 6
    assert {e["name"]: e["rows"] for e in manifest["files"]} == {
        "recipients.jsonl": 3, "recipients.csv": 6}
    assert AuditEvent.objects.filter(object_type="upward.submission", action="create",
                                     detail__what="upward_file").count() == 1


def test_a_produced_file_is_unchangeable(produced, county, users):
    with pytest.raises(PermissionError):
        produced.save()
    with pytest.raises(PermissionError):
        produced.delete()
    with pytest.raises(PermissionError):
        Submission.objects.all().delete()
    assert Submission.objects.filter(pk=produced.pk).update(progress=5) == 0
    with pytest.raises(ServiceError) as again:
        services.submission_request(actor=users["approver"], region=county["county"],
                                    month=MONTH)
    assert again.value.status == 409


def test_a_problem_found_by_the_worker_fails_the_build(county, users):
    """Data changed between the request and the build: the task fails, listing it."""
    from jiuzhu.payments.models import Payment

    submission = services.submission_request(actor=users["supervisor"], region=county["county"],
                                             month=MONTH)  # on_commit not run: still queued
    Payment.objects.filter(application=county["cases"]["urban"]).update(amount=1)
    built = services.submission_build(submission_id=submission.pk)
    assert built.state == "failed" and built.problems[0]["kind"] == "amount"
    Payment.objects.filter(application=county["cases"]["urban"]).update(amount="830.00")
    again = services.submission_request(actor=users["supervisor"], region=county["county"],
                                         month=MONTH)
    assert services.submission_build(submission_id=again.pk).state == "produced"


def test_who_may_produce(county, users):
    for name in ("reviewer", "verifier", "social", "officer"):
        with pytest.raises(ServiceError) as refused:
            services.submission_request(actor=users[name], region=county["county"], month=MONTH)
        assert refused.value.status in (403, 404), name
    assert not Submission.objects.exists()


def test_a_future_month_names_the_field(county, users):
    from datetime import date

    with pytest.raises(ServiceError) as refused:
        services.submission_request(actor=users["supervisor"], region=county["county"],
                                    month=date(2099, 1, 1))
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "month"


def test_a_build_whose_worker_died_is_failed_and_may_be_asked_again(county, users):
    """#14 item 8: a build silent for JOB_STALE_MINUTES is found by the sweep of dead runs."""
    from datetime import timedelta

    from django.db import models
    from django.utils import timezone

    from jiuzhu.core import jobs

    assert "submissions_fail_stale" in {c.__name__ for c in jobs.stale_runs.callbacks}
    submission = services.submission_request(actor=users["supervisor"], region=county["county"],
                                             month=MONTH)  # on_commit not run: still queued
    assert jobs.sweep() == 0  # queued, no worker took it yet: left alone
    models.QuerySet.update(Submission.objects.filter(pk=submission.pk), state="building",
                           progress=42, heartbeat_at=timezone.now() - timedelta(minutes=2))
    assert jobs.sweep() == 0  # building and alive
    models.QuerySet.update(Submission.objects.filter(pk=submission.pk),
                           heartbeat_at=timezone.now() - timedelta(minutes=30))
    assert jobs.sweep() == 1
    submission.refresh_from_db()
    assert (submission.state, submission.progress, submission.file.name) == ("failed", 0, "")
    assert "工作进程中断（进度 42%）" in submission.message and "未保存任何文件" in submission.message
    again = services.submission_request(actor=users["supervisor"], region=county["county"],
                                        month=MONTH)
    built = services.submission_build(submission_id=again.pk)
    assert built.state == "produced" and built.heartbeat_at is not None
