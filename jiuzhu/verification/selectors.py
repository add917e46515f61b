"""Reads of verification, always within the reader's region subtree; the report; the gate
the application workflow asks before a decision (``has_complete_report``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.access import not_visible
from jiuzhu.households.models import Household

from .adapters import SOURCE_INFO, source_name
from .choices import FindingStatus, RequestStatus, ResponseStatus
from .compare import HOUSEHOLD, breakdown, difference, show
from .models import Finding, VerificationRequest


def verification_requests_visible_to(user: Any) -> QuerySet[VerificationRequest]:
    return VerificationRequest.objects.visible_to(user)


def verification_request_search(*, user: Any, q: str = "", status: str = ""
                                ) -> QuerySet[VerificationRequest]:
    """Requests in the user's subtree, newest first, with their finding counts."""
    qs = (verification_requests_visible_to(user)
          .select_related("household__region", "requested_by")
          .annotate(differences=Count("findings", distinct=True),
                    open_matters=Count("findings", distinct=True,
                                       filter=Q(findings__status=FindingStatus.OPEN,
                                                findings__matters=True))))
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(Q(household__household_id__iexact=q) | Q(household__head_name__contains=q))
    return qs.order_by("-requested_at", "-id")


def verification_request_get(*, user: Any, pk: int) -> VerificationRequest:
    """One request the user may see; another township's is 'not found', like a missing one."""
    request = (verification_requests_visible_to(user)
               .select_related("household__region", "requested_by").filter(pk=pk).first())
    if request is None:
        raise not_visible(user, VerificationRequest, _("核对申请不存在"), pk=pk)
    return request


def finding_get(*, user: Any, pk: int) -> Finding:
    finding = (Finding.objects.select_related("request__household")
               .filter(pk=pk, request__in=verification_requests_visible_to(user)).first())
    if finding is None:
        raise not_visible(user, Finding, _("核对差异不存在"), pk=pk)
    return finding


def verification_requests_for_household(household: Household) -> QuerySet[VerificationRequest]:
    return (VerificationRequest.objects.filter(household=household)
            .select_related("requested_by").order_by("-requested_at", "-id"))


# --- the gate of the application workflow ----------------------------------------------


def latest_complete_request(household: Household, *, since: datetime | None = None
                            ) -> VerificationRequest | None:
    """The household's most recently completed verification (every source answered),
    completed at or after ``since`` if given (e.g. when the application was accepted)."""
    qs = VerificationRequest.objects.filter(household=household, status=RequestStatus.COMPLETE)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    return qs.order_by("-completed_at", "-id").first()


def has_complete_report(household: Household, *, since: datetime | None = None) -> bool:
    """Whether the household has a finished verification report (核对报告), i.e. a request
    whose every source answered; findings may still be open (see the report's summary)."""
    return latest_complete_request(household, since=since) is not None


# --- the report (D08 家庭经济状况核对报告) ---------------------------------------------------


def _when(value: datetime | None) -> str | None:
    """In local time (Asia/Shanghai): a report's date is the county's date, not UTC's."""
    return timezone.localtime(value).isoformat() if value else None


def verification_report(request: VerificationRequest) -> dict[str, Any]:
    """The report: per member and source, what was declared, what was found, the difference,
    whether it matters to the rules, and what was decided. JSON-serialisable.

    Household-level assets (vehicles, homes, business registration, deposits) form the
    group with ``member_id`` "" (家庭合计), with each member's share in ``detail``.
    """
    responses = {r.source: r for r in request.responses.all()}
    findings = {(f.source, f.member_id, f.field): f
                for f in request.findings.select_related("decided_by")}
    sources = []
    for code in request.sources:
        response = responses.get(code)
        info = SOURCE_INFO.get(code)
        status = response.status if response else ResponseStatus.PENDING
        sources.append({
            "code": code, "name": source_name(code),
            "department": info.department if info else "",
            "status": status, "status_label": str(ResponseStatus(status).label),
            "received_at": _when(response.received_at) if response else None,
            "error": response.error if response else "",
            "failed_attempts": len(response.attempts) if response else 0,
            # answered by the demo source (演示数据), not by the department
            "demo": bool(response and isinstance(response.payload, dict)
                         and response.payload.get("demo")),
        })

    people = [{"member_id": m["member_id"], "name": m["name"], "id_number": m["id_number"]}
              for m in request.members]
    groups = [{**p, "sources": []} for p in people]
    groups.append({"member_id": HOUSEHOLD, "name": "家庭合计", "id_number": "", "sources": []})
    by_member = {g["member_id"]: g for g in groups}
    counts = {"differences": 0, "matters": 0, "open": 0, "open_matters": 0, "accepted": 0,
              "dismissed": 0}
    for source in sources:
        response = responses.get(source["code"])
        lines_by_member: dict[str, list[dict[str, Any]]] = {}
        for line in (response.comparison if response else []):
            finding = findings.get((line["source"], line["member_id"], line["field"]))
            entry = _report_line(line, finding)
            lines_by_member.setdefault(line["member_id"], []).append(entry)
            if finding is not None:
                counts["differences"] += 1
                counts["matters"] += finding.matters
                counts[finding.status] += 1
                counts["open_matters"] += finding.matters and finding.status == FindingStatus.OPEN
        for member_id, group in by_member.items():
            lines = lines_by_member.get(member_id, [])
            if lines or (member_id != HOUSEHOLD and source["status"] != ResponseStatus.OK):
                group["sources"].append({"code": source["code"], "name": source["name"],
                                         "demo": source["demo"],
                                         "status": source["status"],
                                         "status_label": source["status_label"],
                                         "lines": lines})
    household = request.household
    return {
        "request": {
            "id": request.pk, "status": request.status,
            "status_label": str(RequestStatus(request.status).label),
            "requested_at": _when(request.requested_at),
            "requested_by": str(request.requested_by),
            "completed_at": _when(request.completed_at),
            "last_run_at": _when(request.last_run_at),
            "authorisation_sha256": request.authorisation_sha256,
        },
        "household": {"id": household.pk, "household_id": household.household_id,
                      "head_name": household.head_name, "address": household.address,
                      "region": household.region.full_name(),
                      "member_count": household.member_count},
        "sources": sources,
        "groups": [g for g in groups if g["sources"]],
        "summary": counts,
        "complete": request.status == RequestStatus.COMPLETE,
        "demo": any(source["demo"] for source in sources),
    }


def _report_line(line: dict[str, Any], finding: Finding | None) -> dict[str, Any]:
    path = line["field"]
    status = finding.status if finding else ""
    return {
        "field": path, "label": line["label"],
        "declared": line["declared"], "found": line["found"],
        "declared_display": show(path, line["declared"]),
        "found_display": show(path, line["found"]),
        "difference": difference(path, line["declared"], line["found"]),
        "differs": line["differs"], "matters": line["matters"],
        "applicable": line.get("applicable", True),
        "note": (line.get("detail") or {}).get("note", ""),
        "detail": line.get("detail") or {},
        "breakdown": breakdown(path, line.get("detail") or {}),
        "finding_id": finding.pk if finding else None,
        "status": status,
        "status_label": str(FindingStatus(status).label) if status else "一致",
        "reason": finding.reason if finding else "",
        "decided_by": str(finding.decided_by) if finding and finding.decided_by else "",
        "decided_at": _when(finding.decided_at) if finding else None,
    }
