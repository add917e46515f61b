"""Demo verifications (家庭经济状况核对) for the demo county: requests with the family's signed
authorisation, run at once against the demo source (演示数据源), their findings, some of
them decided. Idempotent: a household that has a complete request is not asked again, a
decided finding is not decided again.

Called by the applications demo (a case needs a completed verification before its
opinion) and by :func:`jiuzhu.demo.loader.load_demo`."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.households.models import Household

from .choices import FindingStatus, RequestStatus
from .models import Finding, VerificationRequest

#: The smallest valid PDF: the scan of the authorisation the family signed (D04).
AUTHORISATION_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                     b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                     b"trailer<</Root 1 0 R>>\n%%EOF\n")


def verification_completed(*, actor: Any, household: Household) -> VerificationRequest | None:
    """The household's complete verification request: the one it has, or a new one with
    the signed authorisation, asked of every source at once. ``None`` when the sources do
    not answer (the demo source answers only once the demo county is flagged)."""
    from .services import verification_request_create, verification_run

    done = (VerificationRequest.objects.filter(household=household, status=RequestStatus.COMPLETE)
            .order_by("pk").first())
    if done is not None:
        return done
    waiting = (VerificationRequest.objects.filter(household=household)
               .exclude(status=RequestStatus.COMPLETE).order_by("pk").first())
    if waiting is not None:  # the one its case asked for when accepted: asked now
        waiting = verification_run(request=waiting)
        return waiting if waiting.status == RequestStatus.COMPLETE else None
    request = verification_request_create(
        actor=actor, household=household,
        authorisation=SimpleUploadedFile("家庭经济状况核对授权书.pdf", AUTHORISATION_PDF,
                                         content_type="application/pdf"))
    request = verification_run(request=request)
    return request if request.status == RequestStatus.COMPLETE else None


def findings_decide(*, actor: Any, request: VerificationRequest, accept: bool,
                    reason: str) -> int:
    """Decide the open findings of ``request``: accept those the household can take (its
    registry then holds the found value), otherwise dismiss them; returns how many."""
    from jiuzhu.core.errors import ServiceError

    from .services import finding_accept, finding_dismiss

    decided = 0
    for finding in Finding.objects.filter(request=request, status=FindingStatus.OPEN).order_by("pk"):
        if accept and finding.applicable:
            try:
                finding_accept(actor=actor, finding=finding, reason=reason)
                decided += 1
                continue
            except ServiceError:
                pass  # the household refuses the value: keep the declaration instead
        finding_dismiss(actor=actor, finding=finding, reason=reason)
        decided += 1
    return decided


# Families whose records at a department show what they did not declare (the demo source
# answers the same for the same ID number, so their ID numbers are chosen for it):
# (village, number, head's name, the source that finds something, the family's story).
SURPRISED = [
    ("990102001002", 951, "蒋文军", "vehicles", "申报无车辆"),
    ("990102001003", 952, "沈丽华", "deposits", "申报存款 3,000 元"),
    ("990102001005", 953, "姚建平", "social_insurance", "申报打零工年收入 8,000 元"),
]


def surprised_family_dict(village: Any, number: int, name: str, source: str) -> dict[str, Any]:
    """A two-person family of ``village`` whose head the demo source of ``source`` finds
    something undeclared about (the first such ID number from a fixed start)."""
    from datetime import date

    from jiuzhu.households.idnumber import id_number_make
    from jiuzhu.households.models import Member

    from .adapters import DemoAdapter

    taken = set(Member.objects.values_list("id_number", flat=True))
    born, spouse_born = date(1976, 3, 1 + number % 28), date(1978, 6, 1 + number % 28)
    data: dict[str, Any] = {
        "household_id": f"H{village.code}{number}", "region_code": village.code,
        "area_type": village.area_type or "urban", "assessment_date": "2026-03-01",
        "address": f"{village.name}文昌路 {number - 900} 号", "phone": f"1370099{number:04d}",
        "supporters": [], "expenditures": {"medical": 3000},
        "assets": {"vehicles": [], "homes_owned": 1, "housing_area_m2": 50,
                   "financial_assets": 3000},
        "flags": {},
    }
    for sequence in range(number, number + 5000, 7):
        head: dict[str, Any] = {"member_id": "M1", "name": name, "relation": "head",
                "id_number": id_number_make(area=village.code[:6], birth=born,
                                            sequence=sequence),
                "birth_date": born.isoformat(), "health": "healthy",
                "occupation": "casual_work", "income": {"wages": 8000}}
        if head["id_number"] in taken:
            continue
        found = DemoAdapter(source, declared=data).query(members=[head]).facts
        facts = found.get(head["id_number"], {})
        if (source == "vehicles" and facts.get("vehicles")) or \
                (source == "deposits" and facts.get("financial_assets", 0) > 3000) or \
                (source == "social_insurance" and facts.get("wages", 0) > 8000):
            break
    spouse = {"member_id": "M2", "name": name[0] + "妻", "relation": "spouse",
              "id_number": id_number_make(area=village.code[:6], birth=spouse_born,
                                          sequence=number, female=True),
              "birth_date": spouse_born.isoformat(), "health": "chronic_illness",
              "occupation": "none", "income": {}}
    return {**data, "members": [head, spouse]}


def load_surprised_families(regions: dict[str, Any]) -> list[Household]:
    """Register the families of :data:`SURPRISED` that are not there yet."""
    from jiuzhu.core.access import SYSTEM
    from jiuzhu.households.services import household_register

    families = []
    for village_code, number, name, source, _story in SURPRISED:
        village = regions[village_code]
        household = Household.objects.filter(household_id=f"H{village.code}{number}").first()
        if household is None:
            grid = (village.children.filter(level="grid").order_by("code").first())
            household = household_register(
                actor=SYSTEM, data=surprised_family_dict(village, number, name, source),
                reason="演示数据", grid_code=grid.code if grid else None)
        families.append(household)
    return families


def load_verification_demo(*, actor: Any, households: list[Household]) -> dict[str, int]:
    """Verifications of a few households besides the demo cases': the first of them with
    its findings accepted, the second with them dismissed, the rest left open for the
    verification officer. Returns the requests and findings the county now holds."""
    for index, household in enumerate(households):
        request = verification_completed(actor=actor, household=household)
        if request is None or index > 1:
            continue
        if index == 0:
            findings_decide(actor=actor, request=request, accept=True,
                            reason="经入户核实，核对结果属实，以部门数据为准")
        else:
            findings_decide(actor=actor, request=request, accept=False,
                            reason="已提供转让证明，该财产已不属于本家庭")
    load_import_demo(actor=actor, households=households)
    ids = [h.pk for h in households]
    return {"requests": VerificationRequest.objects.filter(household__in=ids).count(),
            "findings": Finding.objects.filter(request__household__in=ids).count()}


def load_import_demo(*, actor: Any, households: list[Household]) -> Any:
    """A department file waiting on the import page (部门数据导入): the vehicle registry's
    export of a few of ``households``' members, checked and previewed, for the officer to
    apply or discard. Only once (nothing if any import exists)."""
    import csv
    import io

    from .imports import source_import_preview
    from .models import SourceImport

    if SourceImport.objects.exists() or not actor.has_perm("verification.import_source"):
        return None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值（元）"])
    for number, household in enumerate(households[:4]):
        head = household.members.order_by("member_id").first()
        if head is not None:
            writer.writerow([head.id_number, head.name, f"示A{52301 + number}",
                             "小型轿车" if number % 2 == 0 else "二轮摩托车",
                             "68000" if number % 2 == 0 else "3500"])
    upload = SimpleUploadedFile("公安交管车辆登记导出.csv", out.getvalue().encode("utf-8-sig"),
                                content_type="text/csv")
    return source_import_preview(actor=actor, source="vehicles", upload=upload)
