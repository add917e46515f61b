"""A small closed case for the archive tests: a dibao application of 第1镇 approved, with
two versions of its approval (D13 v1, v2: ready files, nothing rendered) and one scan."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from jiuzhu.applications.models import Application, ApplicationStep, Attachment
from jiuzhu.core.access import SYSTEM
from jiuzhu.documents.models import Document, DocumentStatus
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

DAY = date(2026, 3, 2)
SCAN = b"%PDF-1.4\n% a scanned ID card\n%%EOF\n"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(tree, media):
    town1, town2, county = tree["town1"], tree["town2"], tree["county"]
    return {
        "window": UserFactory(username="w1", role="window_worker", region=town1,
                              full_name="王建国"),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town1,
                                full_name="马红梅"),
        "approver": UserFactory(username="p1", role="county_approver", region=county,
                                full_name="冯军"),
        "supervisor": UserFactory(username="s1", role="supervisor", region=county),
        "other_reviewer": UserFactory(username="r2", role="township_reviewer", region=town2),
        "grid": UserFactory(username="g1", role="grid_worker", region=tree["grid1"]),
        "investigator": UserFactory(username="i1", role="investigator", region=town1),
        "social": UserFactory(username="sw1", role="social_worker", region=county),
    }


def _file(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def document(owner, tree, *, code: str, version: int, serial: int, by=None) -> Document:
    pdf = f"%PDF-1.4\n{code} v{version} 批准通知书\n%%EOF\n".encode()
    docx = f"PK-docx {code} v{version}".encode()
    return Document.objects.create(
        content_type=ContentType.objects.get_for_model(owner), object_id=str(owner.pk),
        region_path=owner.region_path, code=code, title="低保批准通知书", version=version,
        number=f"示范县民低〔2026〕第{serial:04d}号", series="民低", year=2026, serial=serial,
        office=tree["county"], issued_at=at(DAY), issued_by=by,
        issued_by_name=getattr(by, "username", ""), template=f"990102/{code}.yaml",
        status=DocumentStatus.READY, rendered_at=at(DAY),
        pdf=_file(f"documents/2026/{owner.pk}-{code}-{version}.pdf", pdf),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        docx=_file(f"documents/2026/{owner.pk}-{code}-{version}.docx", docx),
        docx_sha256=hashlib.sha256(docx).hexdigest())


def closed_case(tree, staff, *, state: str = "approved", item: str = "MZ01", n: int = 1,
                village: str = "990102001001", documents: bool = True) -> Application:
    household = household_register(actor=SYSTEM, data=household_dict(region_code=village))
    town = tree["town1"] if village.startswith("990102001") else tree["town2"]
    application = Application.objects.create(
        number=f"SQ-AR-{n}", query_code=f"QAR{n}", household=household, item_code=item,
        channel="window", region=town, region_path=town.path, state=state,
        step_started_on=DAY, decided_at=at(DAY), decided_by=staff["approver"])
    ApplicationStep.objects.create(application=application, action="accept",
                                   from_state="submitted", to_state="accepted",
                                   actor=staff["window"], actor_name="w1")
    ApplicationStep.objects.create(application=application, action="approve",
                                   from_state="decision", to_state=state,
                                   actor=staff["approver"], actor_name="p1",
                                   data={"amount": "720.00"})
    ApplicationStep.objects.filter(application=application).update(at=at(DAY))
    if documents:
        document(application, tree, code="D13", version=1, serial=n * 10 + 1,
                 by=staff["approver"])
        document(application, tree, code="D13", version=2, serial=n * 10 + 2,
                 by=staff["approver"])
        Attachment.objects.create(
            application=application, kind="material", material="身份证",
            file=_file("attachments/2026/03/id.pdf", SCAN), content_type="application/pdf",
            size=len(SCAN), sha256=hashlib.sha256(SCAN).hexdigest(),
            original_name="身份证 正反面.pdf", uploaded_by=staff["window"])
    return application


@pytest.fixture
def case(tree, staff):
    return closed_case(tree, staff)
