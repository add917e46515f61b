"""Building a package from a small case, its manifest's digests (checked with a plain SM3
and hashlib, not the code under test), the package unchangeable, one changed byte refused,
retention by record class, versions per closing event, the command."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command

from jiuzhu.archive.choices import RecordClass
from jiuzhu.archive.models import ArchiveCheck, ArchivePackage
from jiuzhu.archive.selectors import packages_visible_to
from jiuzhu.archive.services import package_build, package_download, retention_until
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ErrorCode, ServiceError

from .conftest import DAY, SCAN, closed_case
from .sm3_reference import sm3

pytestmark = pytest.mark.django_db


def _zip(package: ArchivePackage) -> zipfile.ZipFile:
    with open(package.file.path, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_reference_sm3_gives_the_standard_vectors():
    assert sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")


def test_a_package_holds_every_document_version_the_scan_steps_and_snapshot(case, staff):
    package = package_build(kind="application", case_id=case.pk, closing="approved")

    archive = _zip(package)
    names = set(archive.namelist())
    assert {"manifest.json", "case.json", "steps.json", "assessment.json",
            "documents/D13-v1.pdf", "documents/D13-v1.docx", "documents/D13-v2.pdf",
            "documents/D13-v2.docx"} <= names
    scans = [n for n in names if n.startswith("attachments/")]
    assert len(scans) == 1 and archive.read(scans[0]) == SCAN
    assert b"v2" in archive.read("documents/D13-v2.pdf")
    steps = json.loads(archive.read("steps.json"))
    assert [s["action"] for s in steps] == ["accept", "approve"]
    assert steps[1]["actor"] == "冯军（p1）"
    case_record = json.loads(archive.read("case.json"))
    assert case_record["number"] == "SQ-AR-1" and case_record["state"] == "approved"

    # the manifest: in the zip and in the database alike, every file but itself listed,
    # each digest recomputed here independently (plain SM3, hashlib)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest == package.manifest
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for path, entry in listed.items():
        data = archive.read(path)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert entry["sm3"] == sm3(data), path
        assert entry["size"] == len(data)
    version1 = listed["documents/D13-v1.pdf"]
    assert version1["number"] == "示范县民低〔2026〕第0011号" and version1["created_by"] == "冯军（p1）"
    assert listed[scans[0]]["created_by"] == "王建国（w1）"
    assert manifest["closed_by"] == "冯军（p1）" and manifest["closing"] == "approved"

    raw = Path(package.file.path).read_bytes()
    assert package.sha256 == hashlib.sha256(raw).hexdigest() and package.sm3 == sm3(raw)
    assert package.size == len(raw) and package.version == 1
    assert (package.record_class, package.household, package.region_path) == (
        RecordClass.DIBAO, case.household, case.region_path)
    assert package.closed_on == DAY  # the day of the approving step
    assert package.retain_until == date(2056, 3, 2)  # 低保 case files: 30 years
    assert AuditEvent.objects.filter(action="create", object_type="archive.archivepackage",
                                     object_id=str(package.pk)).count() == 1


def test_a_package_cannot_be_changed_deleted_or_built_twice(case):
    package = package_build(kind="application", case_id=case.pk, closing="approved")
    package.sha256 = "0" * 64
    with pytest.raises(PermissionError):
        package.save()
    with pytest.raises(PermissionError):
        ArchivePackage.objects.filter(pk=package.pk).update(sm3="0" * 64)
    with pytest.raises(PermissionError):
        ArchivePackage.objects.filter(pk=package.pk).delete()
    with pytest.raises(PermissionError):
        package.delete()
    with pytest.raises(ServiceError) as refused:
        package_build(kind="application", case_id=case.pk, closing="approved")
    assert refused.value.code == ErrorCode.STEP_NOT_ALLOWED and "已经归档" in refused.value.message
    assert ArchivePackage.objects.count() == 1
    assert ArchivePackage._meta.get_field("file").unique
    assert ArchivePackage not in admin.site._registry and ArchiveCheck not in admin.site._registry
    stored = ArchivePackage.objects.get()
    assert stored.sha256 != "0" * 64
    assert not os.access(stored.file.path, os.W_OK) or os.geteuid() == 0


def test_an_intact_package_downloads_and_one_changed_byte_is_refused(case, staff):
    package = package_build(kind="application", case_id=case.pk, closing="approved")
    content = package_download(actor=staff["reviewer"], package=package)
    assert content == Path(package.file.path).read_bytes()
    assert ArchiveCheck.objects.get().ok
    assert AuditEvent.objects.filter(action="download", object_id=str(package.pk)).exists()

    path = package.file.path
    os.chmod(path, 0o644)
    raw = bytearray(content)
    raw[len(raw) // 2] ^= 0x01  # one byte, inside a stored file
    with open(path, "wb") as handle:
        handle.write(bytes(raw))

    with pytest.raises(ServiceError) as refused:
        package_download(actor=staff["reviewer"], package=package)
    error = refused.value
    assert error.code == ErrorCode.STEP_NOT_ALLOWED and error.status == 409
    assert "校验未通过，已拒绝下载" in error.message
    assert "档案包的 SM3 摘要与归档时记录的不符" in error.message
    failed = ArchiveCheck.objects.filter(ok=False).get()
    assert failed.checked_by == staff["reviewer"] and failed.problems
    denied = AuditEvent.objects.get(action="denied", object_id=str(package.pk))
    assert denied.detail["reason"] == "archive_check_failed"
    assert packages_visible_to(staff["reviewer"]).get(pk=package.pk).failed_check


def test_a_stopped_case_gets_a_second_version_and_each_class_its_retention(tree, staff, case):
    from jiuzhu.applications.models import Application, ApplicationStep

    first = package_build(kind="application", case_id=case.pk, closing="approved")
    Application.objects.filter(pk=case.pk).update(state="stopped")
    ApplicationStep.objects.create(application=case, action="review", from_state="in_payment",
                                   to_state="stopped", actor_name="system")
    second = package_build(kind="application", case_id=case.pk, closing="stopped")
    assert (first.version, second.version) == (1, 2)
    assert second.record_class == RecordClass.DIBAO and second.manifest["version"] == 2

    refused = closed_case(tree, staff, state="refused", n=2, documents=False)
    package = package_build(kind="application", case_id=refused.pk, closing="refused")
    assert package.record_class == RecordClass.NOT_GRANTED
    assert package.retain_until == date(2036, 3, 2)
    with pytest.raises(ServiceError):  # not closed that way
        package_build(kind="application", case_id=refused.pk, closing="approved")
    assert retention_until(date(2024, 2, 29), RecordClass.DIBAO) == date(2054, 2, 28)


def test_the_command_builds_what_is_missing_once(tree, staff, case, capsys):
    closed_case(tree, staff, state="withdrawn", n=2, documents=False)
    call_command("archive_closed")
    out = capsys.readouterr().out
    assert "新建 2 个档案包" in out and "SQ-AR-1" in out
    call_command("archive_closed")
    assert "新建 0 个档案包" in capsys.readouterr().out
    assert ArchivePackage.objects.count() == 2
