"""Pages of the household registry (家庭档案): list, detail, register, edit, deactivate.

Every page reads through the selectors, so a worker sees only their region subtree and
another township's household is 'not found' exactly like a missing one.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jiuzhu.audit.services import audit_read, audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from .choices import FLAG_NAMES, HouseholdStatus
from .files import file_problem, household_files_store, kept_discard, kept_load, kept_store
from .forms import (
    HouseholdForms,
    HouseholdSearchForm,
    field_label,
    household_initial,
    sex_from_id,
)
from .models import Household
from .selectors import household_get, household_history, household_search
from .serializers import household_to_dict
from .services import (
    household_deactivate,
    household_register,
    household_set_grid,
    household_update,
)

PAGE_SIZE = 25


def _household_or_404(request: HttpRequest, pk: int) -> Household:
    try:
        return household_get(user=request.user, pk=pk)
    except ServiceError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        raise


def _export_url(search: dict[str, str]) -> str | None:
    """The Excel export (exchange app) of the same search, once it exists. It reads
    ``q``, ``region`` and ``status``, with an empty status meaning all."""
    try:
        url = reverse("exchange:export")
    except NoReverseMatch:
        return None
    query = QueryDict(mutable=True)
    query.update({"q": search["q"], "region": search["region_code"], "status": search["status"]})
    return f"{url}?{query.urlencode()}"


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """家庭档案: search by ID number, name, household number or address; filter by region
    and status. An HTMX request gets only the results partial."""
    if not request.user.has_perm("households.view_list"):
        raise PermissionDenied
    form = HouseholdSearchForm(request.GET or None, user=request.user)
    search = form.search_arguments()
    households = household_search(user=request.user, **search)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "export_url": _export_url(search),
        "may_register": request.user.has_perm("households.add_household"),
    }
    partial = (request.headers.get("HX-Request") == "true"
               and request.headers.get("HX-History-Restore-Request") != "true")
    template = "households/_results.html" if partial else "households/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """家庭详情 with its change history; reading personal data is audited."""
    household = _household_or_404(request, pk)
    members = list(household.members.all())
    for member in members:
        member.sex = sex_from_id(member.id_number)  # type: ignore[attr-defined]
    supporters = list(household.supporters.all())
    vehicles = list(household.vehicles.all())
    with transaction.atomic():
        audit_record(actor=request.user, action="view", obj=household)
    today = date.today()
    names = {m.member_id: m.name for m in members}
    return render(request, "households/detail.html", {
        "household": household,
        "members": [(m, _age(m.birth_date, today)) for m in members],
        "supporters": [(s, [names.get(i, i) for i in s.supports]) for s in supporters],
        "vehicles": vehicles,
        "files": list(household.files.all()),
        "flags": [(field_label(Household, n), getattr(household, n)) for n in FLAG_NAMES],
        "history": household_history(household=household),
        "may_reveal": request.user.has_perm("households.reveal_personal_data", household),
        "may_change": (household.status == HouseholdStatus.ACTIVE
                       and request.user.has_perm("households.change_household", household)),
        "grids": list(Region.objects.within(household.region).filter(level="grid")
                      .order_by("code").only("code", "name")),
    })


@login_required
@require_POST
def household_grid_view(request: HttpRequest, pk: int) -> HttpResponse:
    """调整网格: place the household in a grid of its village (its grid worker then sees it)."""
    household = _household_or_404(request, pk)
    if not request.user.has_perm("households.change_household", household):
        raise PermissionDenied
    try:
        household = household_set_grid(actor=request.user, household=household,
                                       grid_code=request.POST.get("grid_code", "").strip() or None)
    except ServiceError as error:
        messages.error(request, error.message + "".join(f"（{e['message']}）" for e in error.errors))
    else:
        messages.success(request, _("网格已调整。"))
    return redirect("households:detail", pk=household.pk)


def _uploads(request: HttpRequest, forms: HouseholdForms) -> list[tuple[str, bytes]]:
    """The files chosen now and those kept from a refused submit (ticked again); a file
    that cannot be kept is named in ``forms.file_errors`` and left out."""
    forms.kept = kept_load(request.POST.getlist("kept_file"), request.user.pk)
    good: list[tuple[str, bytes]] = []
    for upload in request.FILES.getlist("documents"):
        name = upload.name or ""
        data = b"".join(upload.chunks())
        problem = file_problem(data)
        if problem:
            forms.file_errors.append(_("%(name)s：%(problem)s") % {"name": name, "problem": problem})
        else:
            good.append((name, data))
    return good


def _save(request: HttpRequest, forms: HouseholdForms, *,
          household: Household | None) -> Household | None:
    """Hand the typed household and its files to the services; on refusal, errors go onto
    the fields, a bad file is named, and the good files wait aside for the next submit."""
    new_files = _uploads(request, forms)
    valid = forms.is_valid()
    saved = None
    if valid and not forms.file_errors:
        data = forms.to_household_data()
        files = [(k.name, k.read()) for k in forms.kept] + new_files
        try:
            with transaction.atomic():
                if household is None:
                    saved = household_register(actor=request.user, data=data, reason=_("登记"))
                else:
                    saved = household_update(actor=request.user, household=household,
                                             data=data, reason=forms.reason)
                household_files_store(actor=request.user, household=saved, files=files)
        except ServiceError as error:
            forms.attach_errors(error.errors, message=error.message)
            saved = None
    if saved is not None:
        kept_discard(forms.kept)
        return saved
    forms.kept = [*forms.kept, *(kept_store(name, data, request.user.pk)
                                 for name, data in new_files)]
    return None


def _form_page(request: HttpRequest, forms: HouseholdForms, *,
               household: Household | None) -> HttpResponse:
    return render(request, "households/form.html", {
        "forms": forms,
        "household": household,
        "error_message": forms.message or (
            _("请按提示修改标红的项目") if forms.has_errors() or forms.file_errors else ""),
        "files": list(household.files.all()) if household is not None else [],
    }, status=422 if request.method == "POST" else 200)


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    """登记家庭."""
    if not request.user.has_perm("households.add_household"):
        raise PermissionDenied
    forms = HouseholdForms.build(user=request.user,
                                 data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        household = _save(request, forms, household=None)
        if household is not None:
            messages.success(request, _("家庭 %(id)s 已登记。") % {"id": household.household_id})
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, forms, household=None)


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改家庭信息, with a required reason that the history keeps."""
    household = _household_or_404(request, pk)
    if not request.user.has_perm("households.change_household", household):
        raise PermissionDenied
    if household.status != HouseholdStatus.ACTIVE:
        messages.error(request, _("已注销的家庭不能修改。"))
        return redirect("households:detail", pk=household.pk)
    initial = household_initial(household_to_dict(household))
    forms = HouseholdForms.build(user=request.user, initial=initial, editing=True,
                                 data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = _save(request, forms, household=household)
        if saved is not None:
            messages.success(request, _("家庭 %(id)s 的信息已修改。") % {"id": saved.household_id})
            return redirect("households:detail", pk=saved.pk)
    return _form_page(request, forms, household=household)


@login_required
@require_POST
def household_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """注销 a household, with a required reason."""
    household = _household_or_404(request, pk)
    if not request.user.has_perm("households.change_household", household):
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    try:
        household_deactivate(actor=request.user, household=household, reason=reason)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("家庭 %(id)s 已注销。") % {"id": household.household_id})
    return redirect("households:detail", pk=household.pk)


@login_required
def household_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """One scan kept with the household (only for those who see the household); audited."""
    household = _household_or_404(request, pk)
    record = household.files.filter(pk=file_pk).first()
    if record is None:
        raise Http404(_("文件不存在"))
    audit_read(request, household, "download", file=record.original_name)
    return FileResponse(record.file.open("rb"), content_type=record.content_type,
                        filename=record.original_name, as_attachment=False)


REVEAL_FIELDS = {"id_number": _lazy("成员身份证号"), "phone": _lazy("联系电话"),
                 "account_number": _lazy("发放账户账号")}


@login_required
def household_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """查看完整信息: one personal field of the household (members' ID numbers, the phone, the
    bank account) in full, for a role that needs it, after it gives a reason; audited as
    ``reveal`` naming the field and the household. Every other page shows it masked."""
    household = _household_or_404(request, pk)
    if not request.user.has_perm("households.reveal_personal_data", household):
        raise PermissionDenied
    field = request.GET.get("field", "id_number")
    if field not in REVEAL_FIELDS:
        raise Http404
    reason, error, shown = "", "", None
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            error = _("请填写查看原因")
        elif len(reason) > 200 or any(ord(c) < 32 for c in reason):
            error = _("查看原因最多 200 字，且不能含控制字符")
        else:
            shown = _revealed(household, field)
            with transaction.atomic():
                audit_record(actor=request.user, action="reveal", obj=household,
                             detail={"field": field, "household": household.household_id,
                                     "reason": reason})
    return render(request, "households/reveal.html", {
        "household": household, "field": field, "label": REVEAL_FIELDS[field],
        "fields": REVEAL_FIELDS, "reason": reason, "error": error, "shown": shown,
    }, status=422 if error else 200)


def _revealed(household: Household, field: str) -> list[tuple[str, str]]:
    if field == "id_number":
        return [(m.name, m.id_number) for m in household.members.all()]
    if field == "phone":
        return [(household.head_name, household.phone)]
    try:  # the payments app's row, by its reverse accessor (no import of a higher floor)
        account = household.bank_account  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return []
    return [(account.holder_name, account.account_number)]
