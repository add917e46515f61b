from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.core.errors import ServiceError
from jiuzhu.households.selectors import household_get
from jiuzhu.regions.models import Region

from . import services
from .choices import CIRCLE_LABELS, MONITORING_CIRCLE_LABELS, VETOED, VETOED_LABEL
from .excel import ranking_workbook_response
from .forms import BatchForm, WhatIfHouseholdForm, WhatIfMemberFormSet
from .models import Standing
from .selectors import (
    batch_runs_visible_to,
    circle_counts,
    counted_circle,
    latest_assessment,
    monitoring_circle_label,
    ranking,
    with_monitoring_circle,
)
from .tasks import batch_run_task


def _household(request, pk: int):
    try:
        return household_get(user=request.user, pk=pk)
    except ServiceError:
        raise Http404 from None


@login_required
def panel(request, pk: int):
    """核算结果及解释 on the household page; POST re-assesses and stores the record."""
    household = _household(request, pk)
    if request.method == "POST":
        on = _parse_date(request.POST.get("on")) or timezone.localdate()
        try:
            services.assessment_run(actor=request.user, household=household, on=on)
        except ServiceError as exc:
            return render(request, "assessments/_panel.html", {
                "household": household, "errors": exc.errors, "message": exc.message})
    record = latest_assessment(household=household)
    return render(request, "assessments/_panel.html", {
        "household": household, "record": record,
        "result": record.result if record else None,
        "history": household.assessments.only("id", "created_at", "benefit_monthly",
                                              "eligible", "circle", "hardship_index",
                                              "assessment_date", "rules_version")[:10],
        "today": timezone.localdate(),
    })


@login_required
def reproduce(request, pk: int, assessment_pk: int):
    household = _household(request, pk)
    record = get_object_or_404(household.assessments, pk=assessment_pk)
    again = services.assessment_reproduce(assessment=record)
    keys = ("eligible", "benefit_monthly", "per_capita_monthly_income", "circle",
            "hardship_index", "vetoes", "parameters_effective")
    differences = [(k, record.result.get(k), again.get(k)) for k in keys
                   if str(record.result.get(k)) != str(again.get(k))]
    return render(request, "assessments/_reproduce.html", {
        "record": record, "differences": differences,
        "hash_ok": services.input_hash(record.input_snapshot) == record.input_hash})


@login_required
def what_if(request, pk: int):
    """假设测算: change figures and see the result at once; nothing is saved."""
    household = _household(request, pk)
    snapshot = services.household_snapshot(household, on=timezone.localdate())
    initial_members = [{
        "member_id": m["member_id"], "health": m["health"], "occupation": m["occupation"],
        **{k: m.get("income", {}).get(k, 0) for k in ("wages", "business", "property",
                                                       "transfer", "pension")},
    } for m in snapshot["members"]]
    initial = {"on": timezone.localdate(), **snapshot["expenditures"],
               "financial_assets": snapshot["assets"]["financial_assets"],
               "debts": snapshot["assets"]["debts"]}
    if request.method == "POST":
        form = WhatIfHouseholdForm(request.POST)
        members = WhatIfMemberFormSet(request.POST, prefix="m")
        if form.is_valid() and members.is_valid():
            trial = _apply_trial(snapshot, form.cleaned_data, members.cleaned_data)
            result = services.what_if(trial)
            return render(request, "assessments/_what_if_result.html", {
                "result": result, "errors": result.get("errors")})
        return render(request, "assessments/_what_if_result.html", {
            "form_errors": [*form.errors.items(), *[e for f in members.forms for e in f.errors.items()]]})
    form = WhatIfHouseholdForm(initial=initial)
    members = WhatIfMemberFormSet(initial=initial_members, prefix="m")
    names = {m["member_id"]: m["name"] for m in snapshot["members"]}
    return render(request, "assessments/what_if.html", {
        "household": household, "form": form, "members": members, "names": names,
        "result": services.what_if(snapshot)})


def _apply_trial(snapshot: dict[str, Any], household: dict[str, Any],
                 members: list[dict[str, Any]]) -> dict[str, Any]:
    trial = {**snapshot, "assessment_date": household["on"].isoformat(),
             "expenditures": {k: household[k] or Decimal(0) for k in
                              ("medical", "education", "insurance_premiums", "other_rigid")},
             "assets": {**snapshot["assets"],
                        "financial_assets": household["financial_assets"] or Decimal(0),
                        "debts": household["debts"] or Decimal(0)}}
    by_id = {m["member_id"]: m for m in members}
    trial["members"] = []
    for member in snapshot["members"]:
        change = by_id.get(member["member_id"])
        if change:
            member = {**member, "health": change["health"], "occupation": change["occupation"],
                      "income": {k: change[k] or Decimal(0) for k in
                                 ("wages", "business", "property", "transfer", "pension")}}
        trial["members"].append(member)
    return trial


@login_required
def ranking_view(request):
    """困难程度排序 (the monitoring register): the most difficult first, by region and
    monitoring circle (``selectors.with_monitoring_circle``); the vetoed households on a
    tab of their own (``?circle=vetoed``); Excel export of what is shown."""
    user = request.user
    if not user.has_perm("assessments.view_ranking"):
        raise PermissionDenied
    region = _region_param(request)
    circle = request.GET.get("circle") or ""
    circle_value: int | str | None = (int(circle) if circle in {"0", "1", "2", "3", "4"}
                                      else VETOED if circle == VETOED else None)
    if circle_value is None:
        circle = ""
    standings = ranking(user=user, region=region, circle=circle_value)
    if request.GET.get("format") == "xlsx":
        return ranking_workbook_response(request=request, standings=standings)
    page = Paginator(standings, 50).get_page(request.GET.get("page"))
    root = region or user.region or Region.objects.filter(parent=None).first()
    regions = Region.objects.visible_to(user).filter(level__in=("county", "township", "village"))
    counts = circle_counts(user=user, region=root) if root else []
    return render(request, "assessments/ranking.html", {
        "page": page, "circles": MONITORING_CIRCLE_LABELS, "circle": circle, "region": region,
        "vetoed_tab": circle == VETOED, "vetoed_label": VETOED_LABEL,
        "regions": regions.order_by("path"),
        "counts": counts, "vetoed_count": counts[-1]["vetoed"] if counts else 0,
        "offset": (page.number - 1) * 50,
    })


@login_required
def prescription_report_view(request):
    """大处方统计: per township of the chosen region (the user's own by default), how many
    households each catalogue item is recommended for (推荐) and may be applied for
    (可申请); Excel with ``?format=xlsx``. The same people as the ranking see it."""
    from .excel import prescription_report_response
    from .prescription_report import prescription_report

    user = request.user
    if not user.has_perm("assessments.view_ranking"):
        raise PermissionDenied
    region = _region_param(request)
    try:
        report = prescription_report(actor=user, region=region)
    except ServiceError as exc:
        raise Http404 from exc
    if request.GET.get("format") == "xlsx":
        return prescription_report_response(request=request, report=report)
    from django.db.models import Q

    regions = Region.objects.visible_to(user).filter(
        Q(level__in=("province", "city", "county", "township")) | Q(pk=report.region.pk))
    names = [name for _code, name in report.items]

    def labelled(row: Any) -> list[tuple[str, int, int]]:
        # each count with its item's name: on a phone the table is cards, a cell per line
        return [(name, recommended, applicable)
                for name, (recommended, applicable) in zip(names, row.cells, strict=True)]

    return render(request, "assessments/prescription_report.html", {
        "report": report, "regions": regions.order_by("path"),
        "rows": [(row, labelled(row)) for row in report.rows],
        "total": labelled(report.total) if report.rows else [],
    })


def _region_param(request) -> Region | None:
    code = request.GET.get("region", "")
    if not code:
        return None
    region = Region.objects.visible_to(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


@login_required
def batches(request):
    """批量重新核算: start a run for a region and follow its progress."""
    if not request.user.has_perm("assessments.run_batch"):
        raise PermissionDenied
    form = BatchForm(request.POST or None, user=request.user,
                     initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        run = services.batch_create(actor=request.user, region=form.cleaned_data["region"],
                                    on=form.cleaned_data["on"])
        from django.db import transaction

        transaction.on_commit(lambda: batch_run_task.enqueue(run_id=run.pk))
        messages.success(request, _("已开始批量核算。"))
        return redirect("assessments:batch", pk=run.pk)
    runs = batch_runs_visible_to(request.user)[:20]
    return render(request, "assessments/batches.html", {"form": form, "runs": runs})


@login_required
def batch(request, pk: int):
    run = get_object_or_404(batch_runs_visible_to(request.user), pk=pk)
    partial = request.headers.get("HX-Request") == "true"
    template = "assessments/_batch_progress.html" if partial else "assessments/batch.html"
    return render(request, template, {"run": run})


@require_POST
@login_required
def batch_resume(request, pk: int):
    run = get_object_or_404(batch_runs_visible_to(request.user), pk=pk)
    if not request.user.has_perm("assessments.run_batch"):
        raise PermissionDenied
    if services.batch_resume(actor=request.user, run=run):
        messages.info(request, _("已从中断处继续。"))
    return redirect("assessments:batch", pk=run.pk)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def prescription_entries(result: Any) -> list[dict[str, Any]]:
    """The page's rows: items the engine cannot decide (依申请审核: legal aid, judicial
    relief, the homeless, funerals) are 可申请 and may be ticked rather than 不符合; eligible
    items come ticked; possible ones may be ticked."""
    on_request: set[str] = result.on_request

    labels = {"eligible": _("符合"), "possible": _("可能符合"), "receiving": _("正在享受"),
              "not_eligible": _("不符合"), "on_request": _("可申请（依申请审核）")}
    entries = []
    for e in result.entries:
        shown = ("on_request" if e["status"] == "not_eligible" and e["item_code"] in on_request
                 else e["status"])
        entries.append({**e, "shown": shown, "status_label": labels[shown],
                        "department": result.departments.get(e["item_code"], ""),
                        "selectable": shown in ("eligible", "possible", "on_request"),
                        "checked": shown == "eligible"})
    return entries


def prescription_groups(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by department (in the order their first item is coordinated); a department
    opens when it has anything to do or to know, and stays folded when all is 不符合."""
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        group = groups.setdefault(entry["department"], {
            "department": entry["department"] or _("其他"), "entries": [],
            "counts": {"eligible": 0, "possible": 0, "receiving": 0, "on_request": 0,
                       "not_eligible": 0}})
        group["entries"].append(entry)
        group["counts"][entry["shown"]] += 1
    out = list(groups.values())
    for index, group in enumerate(out):
        counts = group["counts"]
        group["index"] = index
        group["open"] = bool(counts["eligible"] or counts["possible"] or counts["receiving"]
                             or counts["on_request"])
    return out


@login_required
def prescription_view(request, pk: int):
    """大处方: every catalogue item for the household, with status, reason, order and
    overlaps; eligible or possible items can be taken in together (一并受理)."""
    from django.urls import NoReverseMatch, reverse

    from .prescription import household_prescription

    household = _household(request, pk)
    try:
        result = household_prescription(actor=request.user, household=household)
    except ServiceError as exc:
        return render(request, "assessments/prescription.html", {
            "household": household, "errors": exc.errors, "message": exc.message}, status=422)
    try:
        intake_url = reverse("intake:from_prescription")
    except NoReverseMatch:
        intake_url = ""
    tekun_names = {m.member_id: m.name for m in household.members.all()}
    standing = getattr(household, "standing", None)  # None when never assessed
    record = latest_assessment(household=household)
    circle = record.circle if record else (standing.circle if standing else
                                           result.summary["circle"])
    circle, monitored = counted_circle(household, circle)  # 纳入监测: circle 4 if outside
    # the monitoring register's circle (碑林: what the household receives, vetoed apart)
    row = (with_monitoring_circle(Standing.objects.filter(pk=standing.pk)).first()
           if standing is not None else None)
    entries = prescription_entries(result)
    return render(request, "assessments/prescription.html", {
        "household": household, "result": result, "entries": entries,
        "groups": prescription_groups(entries),
        "tekun": [{**m, "name": tekun_names.get(m["member_id"], m["member_id"])}
                  for m in result.tekun_members],
        "intake_url": intake_url,
        "nothing": not any(e["status"] in ("eligible", "receiving") for e in result.entries),
        "circle": circle, "circle_label": CIRCLE_LABELS.get(circle, ""), "monitored": monitored,
        "monitoring_label": monitoring_circle_label(row) if row is not None else "",
        "counts": {s: sum(1 for e in entries if e["shown"] == s)
                   for s in ("eligible", "possible", "receiving", "on_request", "not_eligible")},
    })
