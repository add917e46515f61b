"""Forms of the dibao pages (低保办理): they parse what a worker typed into the
``data`` and ``files`` the services take, and put the services' errors back on the fields.

Every action form has ``to_service()`` → ``(data, files)``; a service error's ``path``
(``reason``, ``signatures.applicant`` …) is mapped to the field that shows it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.forms import ServiceErrorsMixin

from .attachments import MAX_BYTES, sniff
from .choices import Channel
from .models import Application

Files = list[tuple[str, str, bytes]]

PROXY_AUTHORISATION = "代办授权书"
KEPT_FOLDER = "pending-uploads"
KEPT_SALT = "applications.kept-upload"
KEPT_MAX_AGE = 24 * 3600
PHOTO_MATERIAL = "入户照片"
TEXTAREA = {"rows": 2, "class": "form-control"}


def _read(upload: Any) -> bytes:
    return b"".join(upload.chunks())


class BootstrapMixin:
    """Bootstrap classes on every widget."""

    def style(self) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")


# --- the new application ------------------------------------------------------------

class ApplicationCreateForm(ServiceErrorsMixin, BootstrapMixin, forms.Form):
    """提出申请: item, channel and one file input per material of the checklist."""

    item_code = forms.ChoiceField(label=_("申请事项"), choices=[("MZ01", "MZ01 城乡最低生活保障")])
    channel = forms.ChoiceField(label=_("受理渠道"), widget=forms.RadioSelect,
                                choices=[(c.value, c.label) for c in Channel],
                                initial=Channel.WINDOW)
    error_fields = {"household_id": "__all__"}

    def __init__(self, *args: Any, materials: tuple[str, ...] = (), user_pk: int | None = None,
                 item: tuple[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item is not None:
            cast(forms.ChoiceField, self.fields["item_code"]).choices = [item]
            self.fields["item_code"].initial = item[0]
        self.materials = [*materials, PROXY_AUTHORISATION]
        self.load_kept(self.data if self.is_bound else None, user_pk or 0)
        for index, material in enumerate(self.materials):
            self.fields[f"material_{index}"] = forms.FileField(
                label=material, required=False,
                help_text=_("代办时必交：申请人签字的授权委托书") if material == PROXY_AUTHORISATION
                else "",
                widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}))
        self.style()

    @property
    def material_fields(self) -> list[tuple[forms.BoundField, str, str]]:
        """(field, name of the file kept from a refused submit, its token) per material."""
        out = []
        for index in range(len(self.materials)):
            kept = self.kept.get(index)
            out.append((self[f"material_{index}"], kept["name"] if kept else "",
                        kept["token"] if kept else ""))
        return out

    def load_kept(self, post: Any, user_pk: int) -> None:
        """Files chosen on an earlier, refused submit, so the worker need not choose them again."""
        self.kept: dict[int, dict[str, str]] = {}
        for index in range(len(self.materials)):
            token = post.get(f"kept_{index}") if post is not None else None
            if not token:
                continue
            try:
                kept = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
            except signing.BadSignature:
                continue
            if kept.get("user") == user_pk and default_storage.exists(kept["path"]):
                self.kept[index] = {**kept, "token": token}

    def keep_uploads(self, user_pk: int | None) -> None:
        """After a refusal: store the new uploads aside and remember them in the form."""
        for index in range(len(self.materials)):
            upload = self.files.get(self.add_prefix(f"material_{index}"))
            if not upload:
                continue
            upload.seek(0)
            content = _read(upload)
            if sniff(content[:16]) is None or len(content) > MAX_BYTES:
                continue  # a refused scan is not kept: the worker chooses another
            path = default_storage.save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}", ContentFile(content))
            kept: dict[str, Any] = {"path": path, "name": (upload.name or "")[:200], "user": user_pk}
            self.kept[index] = {**kept, "token": signing.dumps(kept, salt=KEPT_SALT)}

    def files_for_service(self) -> Files:
        files: Files = []
        for index, material in enumerate(self.materials):
            upload = self.cleaned_data.get(f"material_{index}")
            if upload:
                upload.seek(0)
                files.append((material, upload.name, _read(upload)))
            elif index in self.kept:
                with default_storage.open(self.kept[index]["path"], "rb") as kept:
                    files.append((material, self.kept[index]["name"], kept.read()))
        return files

    def discard_kept(self) -> None:
        for kept in self.kept.values():
            default_storage.delete(kept["path"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        proxy_field = f"material_{len(self.materials) - 1}"
        proxy_index = len(self.materials) - 1
        if data.get("channel") == Channel.PROXY and not data.get(proxy_field) \
                and proxy_index not in self.kept:
            self.add_error(proxy_field, _("代办须上传申请人签字的授权委托书（代办授权书）"))
        return data

    def attach_errors(self, errors: list[dict[str, Any]], message: str = "") -> None:
        # The service names the proxy authorisation ``files``, and a refused scan ``file``.
        proxy_field = f"material_{len(self.materials) - 1}"
        self.error_fields = {"files": proxy_field, "file": "__all__", "household_id": "__all__"}
        super().attach_errors(errors, message)


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(label=_("查找家庭"), required=False,
                        widget=forms.TextInput(attrs={
                            "class": "form-control", "placeholder": _("身份证号、姓名或家庭编号"),
                            "autofocus": True}))


# --- the actions on the case page ---------------------------------------------------

class ActionForm(ServiceErrorsMixin, BootstrapMixin, forms.Form):
    """An action with no fields: a button."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        super().__init__(*args, **kwargs)
        self.style()

    def to_service(self) -> tuple[dict[str, Any], Files]:
        return {}, []


class ReasonForm(ActionForm):
    """不予受理 / 撤回 / 延长期限: a reason."""

    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(TEXTAREA))

    def to_service(self) -> tuple[dict[str, Any], Files]:
        return {"reason": self.cleaned_data["reason"]}, []


class RefuseForm(ActionForm):
    reasons = forms.CharField(label=_("不予批准理由"), max_length=2000,
                              widget=forms.Textarea(TEXTAREA))

    def to_service(self) -> tuple[dict[str, Any], Files]:
        return {"reasons": self.cleaned_data["reasons"]}, []


class RequestSupplementForm(ActionForm):
    """一次性告知补正: every missing material at once."""

    missing = forms.MultipleChoiceField(label=_("需补正的材料（一次性告知）"),
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("请勾选全部需要补正的材料")})

    def __init__(self, *args: Any, materials: tuple[str, ...] = (),
                 missing: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["missing"]).choices = [(m, m) for m in materials]
        self.fields["missing"].initial = missing or []

    def to_service(self) -> tuple[dict[str, Any], Files]:
        return {"missing": list(self.cleaned_data["missing"])}, []


class SubmitSupplementForm(ActionForm):
    """提交补正材料: per material asked for, its paper original seen (原件已核验) or a scan —
    a scan where the county requires one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .materials import scans_required

        super().__init__(*args, **kwargs)
        self.materials = list(self.application.missing_materials)
        self.need_scan = scans_required(self.application.region.code)
        for index, material in enumerate(self.materials):
            if material not in self.need_scan:
                self.fields[f"seen_{index}"] = forms.BooleanField(
                    label=_("%(material)s：原件已核验") % {"material": material}, required=False)
            self.fields[f"material_{index}"] = forms.FileField(
                label=_("%(material)s 扫描件") % {"material": material}, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf",
                                                       "class": "form-control"}))
        self.error_fields = {"files": "__all__", "file": "__all__", "originals": "__all__"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index, material in enumerate(self.materials):
            if not data.get(f"material_{index}") and not data.get(f"seen_{index}"):
                self.add_error(f"material_{index}", _("请上传扫描件") if material in self.need_scan
                               else _("请勾选原件已核验，或上传扫描件"))
        return data

    def to_service(self) -> tuple[dict[str, Any], Files]:
        files = [(m, self.cleaned_data[f"material_{i}"].name, _read(self.cleaned_data[f"material_{i}"]))
                 for i, m in enumerate(self.materials) if self.cleaned_data.get(f"material_{i}")]
        seen = [m for i, m in enumerate(self.materials) if self.cleaned_data.get(f"seen_{i}")]
        return {"originals": seen}, files


class AssignInvestigationForm(ActionForm):
    """指派入户调查: two or more people of the township who may investigate (investigators,
    village assistants, grid workers who see the family), or an organisation."""

    investigators = forms.TypedMultipleChoiceField(
        label=_("调查人员（至少 2 名）"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("入户调查须两人以上；被指派的人在“我的调查”中看到该户"))
    organisation = forms.TypedChoiceField(
        label=_("或委托第三方调查机构（政府购买服务）"), required=False, coerce=int,
        empty_value=None, help_text=_("机构协调员再指派其调查员；调查报告由乡镇验收或退回"))
    error_fields = {"investigator_ids": "investigators", "organisation_id": "organisation"}

    def __init__(self, *args: Any, investigators: list[Any] | None = None,
                 organisations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["investigators"]).choices = [
            (u.pk, _("%(name)s（%(role)s · %(region)s）") % {
                "name": u, "role": u.get_role_display(), "region": u.region.name})
            for u in investigators or []]
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", _("（不委托）"))] + [(org.pk, org.name) for org in organisations or []]
        if not organisations:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organisation") and len(data.get("investigators") or []) < 2:
            self.add_error("investigators", _("入户调查须指派至少 2 名调查人员，或委托第三方机构"))
        return data

    def to_service(self) -> tuple[dict[str, Any], Files]:
        data: dict[str, Any] = {"investigator_ids": list(self.cleaned_data["investigators"])}
        if self.cleaned_data["organisation"]:
            data = {"organisation_id": self.cleaned_data["organisation"]}
        return data, []


class RecordVerificationForm(ActionForm):
    """录入核对报告: a completed verification request of the household; only where the
    verification system could not, a manual report with its reason and source documents
    (labelled 人工核对 on the documents)."""

    request_id = forms.TypedChoiceField(label=_("已完成的核对"), required=False, coerce=int,
                                        empty_value=None)
    summary = forms.CharField(label=_("或人工核对：核对情况"), required=False, max_length=4000,
                              widget=forms.Textarea(TEXTAREA))
    reason = forms.CharField(label=_("人工核对的原因（未通过核对系统核对）"), required=False,
                             max_length=1000)
    sources = forms.FileField(label=_("人工核对所依据的原始材料"), required=False,
                              widget=forms.ClearableFileInput(
                                  attrs={"accept": "image/*,application/pdf"}))
    error_fields = {"report": "summary", "report.summary": "summary", "report.reason": "reason",
                    "files": "sources", "file": "sources", "verification": "__all__"}

    def __init__(self, *args: Any, requests: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_requests = bool(requests)
        if requests:
            cast(forms.ChoiceField, self.fields["request_id"]).choices = [("", _("— 不选，人工核对 —"))] + [
                (r.pk, f"核对申请 {r.pk} · {timezone.localtime(r.completed_at):%Y-%m-%d}" if getattr(r, "completed_at", None)
                 else f"核对申请 {r.pk}") for r in requests]
            self.fields["request_id"].initial = requests[0].pk
        else:
            del self.fields["request_id"]
            self.fields["summary"].label = _("人工核对：核对情况（该家庭尚无已完成的核对申请）")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("request_id"):
            return data
        if not (data.get("summary") or "").strip():
            self.add_error("summary", _("请选择已完成的核对；或填写人工核对情况"))
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("人工核对须说明原因"))
        if not data.get("sources"):
            self.add_error("sources", _("人工核对须上传所依据的原始材料"))
        return data

    def to_service(self) -> tuple[dict[str, Any], Files]:
        from .workflow import VERIFICATION_SOURCES

        if self.cleaned_data.get("request_id"):
            return {"request_id": self.cleaned_data["request_id"]}, []
        upload = self.cleaned_data["sources"]
        return ({"report": {"summary": self.cleaned_data["summary"].strip(),
                            "reason": self.cleaned_data["reason"].strip()}},
                [(VERIFICATION_SOURCES, upload.name, _read(upload))])


class RecordAppraisalForm(ActionForm):
    """录入民主评议."""

    members_present = forms.IntegerField(label=_("参加评议人数"), min_value=0,
                                         help_text=_("不少于 13 人的单数"))
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0)
    result = forms.ChoiceField(label=_("评议结果"), widget=forms.RadioSelect,
                               choices=[("pass", _("通过")), ("fail", _("未通过"))])
    note = forms.CharField(label=_("说明"), required=False, max_length=2000,
                           widget=forms.Textarea(TEXTAREA))

    def to_service(self) -> tuple[dict[str, Any], Files]:
        return dict(self.cleaned_data), []


class SubmitOpinionForm(ActionForm):
    """提出审核意见: approve (the engine's amount) or refuse (reasons)."""

    recommend = forms.ChoiceField(label=_("审核意见"), widget=forms.RadioSelect,
                                  choices=[("approve", _("建议批准")), ("refuse", _("建议不予批准"))])
    reasons = forms.CharField(label=_("意见说明（建议不予批准时必填）"), required=False,
                              max_length=2000, widget=forms.Textarea(TEXTAREA))

    amount = forms.DecimalField(label=_("拟救助金额（元）"), min_value=Decimal("0.01"),
                                max_digits=12, decimal_places=2, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .programs import PROGRAMS

        program = PROGRAMS.get(self.application.item_code)
        if program is None or program.amount != "entered":
            del self.fields["amount"]
        else:
            self.fields["amount"].help_text = _("建议批准时必填；不超过单次上限（临时救助上限月数 × 低保标准 × 家庭人口）")
        self.intro = engine_summary(self.application)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recommend") == "refuse" and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("建议不予批准须说明理由"))
        if "amount" in self.fields and data.get("recommend") == "approve" and not data.get("amount"):
            self.add_error("amount", _("建议批准须填写拟救助金额"))
        return data

    def to_service(self) -> tuple[dict[str, Any], Files]:
        data = {"recommend": self.cleaned_data["recommend"]}
        if self.cleaned_data["reasons"]:
            data["reasons"] = self.cleaned_data["reasons"]
        if self.cleaned_data.get("amount") and self.cleaned_data["recommend"] == "approve":
            data["amount"] = f"{self.cleaned_data['amount']:.2f}"
        return data, []


def engine_summary(application: Application) -> str:
    """What the rules engine computes for the family today, in a reviewer's words, shown on
    the opinion form before it is given (the opinion stores the same computation)."""
    from django.utils import timezone

    from jiuzhu.assessments.services import household_snapshot, what_if
    from jiuzhu.core.errors import ErrorCode, ServiceError

    from .programs import PROGRAMS, program_check

    program = PROGRAMS.get(application.item_code, PROGRAMS["MZ01"])
    snapshot = household_snapshot(application.household, on=timezone.localdate())
    try:
        if program.amount == "dibao":
            result = what_if(snapshot)
            if "errors" in result:
                raise ServiceError(ErrorCode.VALIDATION, "", result["errors"])
            values = {"amount": result["benefit_monthly"],
                      "income": result["per_capita_monthly_income"]}
            if result["eligible"]:
                return str(_("核算结果：符合低保条件，月保障金 %(amount)s 元（月人均收入 %(income)s 元）")
                           % values)
            return str(_("核算结果：不符合低保条件（月人均收入 %(income)s 元）：%(reason)s")
                       % {**values, "reason": result["explanation"]["decision"]["reason"]})
        check = program_check(snapshot, application.item_code)
    except ServiceError as error:
        return str(_("家庭信息不完整，无法核算：%(errors)s") % {"errors": "；".join(
            str(e.get("message", "")) for e in error.errors) or error.message})
    if program.amount == "entered":
        return str(_("核算结果：单次救助上限 %(cap)s 元，乡镇可审批至 %(limit)s 元")
                   % {"cap": f"{check.cap:.2f}", "limit": f"{check.township_limit:.2f}"})
    if not check.qualifies:
        return str(_("核算结果：不符合条件：%(reason)s") % {"reason": check.reason})
    if check.amount is not None:
        return str(_("核算结果：符合条件，月供养金 %(amount)s 元") % {"amount": f"{check.amount:.2f}"})
    return str(_("核算结果：符合条件：%(reason)s") % {"reason": check.reason})


class RecordObjectionForm(ActionForm):
    """登记异议."""

    founded = forms.TypedChoiceField(label=_("异议是否成立"), widget=forms.RadioSelect,
                                     coerce=lambda v: v == "yes",
                                     choices=[("no", _("不成立")), ("yes", _("成立"))])
    return_to = forms.ChoiceField(label=_("成立时退回"), required=False,
                                  choices=[("investigation", _("重新入户调查")),
                                           ("appraisal", _("重新民主评议"))])
    note = forms.CharField(label=_("异议内容及核实情况"), max_length=2000,
                           widget=forms.Textarea(TEXTAREA))

    def to_service(self) -> tuple[dict[str, Any], Files]:
        data: dict[str, Any] = {"founded": self.cleaned_data["founded"],
                                "note": self.cleaned_data["note"]}
        if self.cleaned_data["founded"]:
            data["return_to"] = self.cleaned_data["return_to"] or "investigation"
        return data, []


class ApproveForm(ActionForm):
    """批准: the engine's amount unless overridden with a reason."""

    amount = forms.DecimalField(label=_("批准月保障金（元）"), min_value=Decimal("0.01"),
                                max_digits=10, decimal_places=2)
    override_reason = forms.CharField(label=_("调整金额的理由（与核算金额不同时必填）"),
                                      required=False, max_length=1000,
                                      widget=forms.Textarea(TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .duties import awaiting_second
        from .programs import PROGRAMS

        program = PROGRAMS.get(self.application.item_code)
        # a recognition has no amount; a second approver confirms the first approval's
        if (program is not None and program.amount == "") or awaiting_second(self.application):
            del self.fields["amount"]
            del self.fields["override_reason"]
            return
        if program is not None and program.amount == "entered":
            self.fields["amount"].label = _("批准救助金额（元）")
        elif program is not None and program.amount == "tekun":
            self.fields["amount"].label = _("批准月供养金（元）")
        if self.application.engine_amount is not None:
            self.fields["amount"].initial = self.application.engine_amount
            self.fields["amount"].help_text = _("核算金额：%(amount)s 元") % {
                "amount": f"{self.application.engine_amount:.2f}"}

    def to_service(self) -> tuple[dict[str, Any], Files]:
        if "amount" not in self.fields:
            return {}, []
        data: dict[str, Any] = {"amount": f"{self.cleaned_data['amount']:.2f}"}
        if self.cleaned_data["override_reason"]:
            data["override_reason"] = self.cleaned_data["override_reason"]
        return data, []


def form_for(action: str) -> type[ActionForm]:
    """The page form of an action: the form the table names (``extra["form"]``), else a
    button without fields."""
    from .workflow import WORKFLOW

    return globals()[WORKFLOW.action(action).extra.get("form", "ActionForm")]


# --- the home investigation (入户调查, on a phone) -------------------------------------

SIGNERS = (("investigator_1", _("调查人员 1 签名")), ("investigator_2", _("调查人员 2 签名")),
           ("applicant", _("申请人签名")))


class InvestigationForm(ServiceErrorsMixin, BootstrapMixin, forms.Form):
    """录入入户调查: people, photos, location, three signatures, neighbour visits."""

    investigator_1 = forms.CharField(label=_("调查人员 1"), max_length=64)
    investigator_2 = forms.CharField(label=_("调查人员 2"), max_length=64)
    visited_on = forms.DateField(label=_("调查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    findings = forms.CharField(label=_("家庭生活状况（住房、收入、财产、劳动能力等）"), required=False, max_length=4000,
                               widget=forms.Textarea({"rows": 4}))
    sign_investigator_1 = forms.CharField(required=False, widget=forms.HiddenInput)
    sign_investigator_2 = forms.CharField(required=False, widget=forms.HiddenInput)
    sign_applicant = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = forms.Field(label=_("入户照片"), required=False)
    neighbours = forms.Field(label=_("邻里访问"), required=False)

    error_fields = {"investigators": "investigator_1", "location": "lat", "photos": "photos",
                    "neighbour_visits": "neighbours", "file": "photos", "visited_on": "visited_on",
                    "signatures.investigator_1": "sign_investigator_1",
                    "signatures.investigator_2": "sign_investigator_2",
                    "signatures.applicant": "sign_applicant", "signatures": "sign_applicant"}

    def __init__(self, *args: Any, photos: list[Any] | None = None,
                 neighbours: list[dict[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploads = photos or []
        self.visits = neighbours or []
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lat") is None or data.get("lng") is None:
            self.add_error("lat", _("请获取当前位置，或手动填写经纬度"))
        for who, _label in SIGNERS:
            value = data.get(f"sign_{who}") or ""
            if not value.startswith("data:image/png;base64,"):
                self.add_error(f"sign_{who}", _("请在框内签名"))
        if not self.uploads:
            self.add_error("photos", _("请拍摄或上传至少 1 张入户照片"))
        if not self.visits:
            self.add_error("neighbours", _("请至少记录 1 户邻里访问"))
        elif any(not v["name"] or not v["statement"] for v in self.visits):
            self.add_error("neighbours", _("每户邻里访问都要填写姓名和访问情况"))
        return data

    def to_service(self) -> tuple[dict[str, Any], Files]:
        data = self.cleaned_data
        body = {
            "investigators": [data["investigator_1"], data["investigator_2"]],
            "visited_on": data["visited_on"].isoformat(),
            "location": {"lat": data["lat"], "lng": data["lng"]},
            "signatures": {who: data[f"sign_{who}"] for who, _label in SIGNERS},
            "neighbour_visits": self.visits,
            "findings": data.get("findings") or "",
        }
        files = [(PHOTO_MATERIAL, upload.name, _read(upload)) for upload in self.uploads]
        return body, files


def neighbour_rows(post: Any) -> list[dict[str, str]]:
    """Neighbour visits typed as rows (``neighbour_name`` …, one per row); blank rows dropped."""
    names = post.getlist("neighbour_name")
    relations = post.getlist("neighbour_relation")
    statements = post.getlist("neighbour_statement")
    rows = []
    for index, name in enumerate(names):
        row = {"name": name.strip(),
               "relation": (relations[index] if index < len(relations) else "").strip(),
               "statement": (statements[index] if index < len(statements) else "").strip()}
        if any(row.values()):
            rows.append(row)
    return rows


def township_investigators(application: Application) -> list[Any]:
    """The people the assignment offers (``selectors.investigation_candidates``)."""
    from .selectors import investigation_candidates

    return investigation_candidates(application)
