"""One declarative transition table per workflow (办理流程表): the only place that says, for
each action of a case, from which states it may be taken, where it leads, who may take it,
what it needs, which documents it issues, its label and which time limit it starts.

A workflow is a list of :class:`Action` rows held by a :class:`Workflow`. The table drives
everything else, so nothing is written twice:

* the service: ``WORKFLOW.perform(actor=…, obj=pk, action="accept", data={…})`` checks, in
  this order — and changes nothing when one fails —

  1. the action exists (404 ``not_found``);
  2. the object is visible to the actor, read with ``Model.objects.visible_to(actor)``
     under ``SELECT … FOR UPDATE`` (404 ``not_found``, like a missing object);
  3. the actor holds the action's ``rules`` permission on the object (403 ``forbidden``);
  4. the object's state is one of the action's sources (409 ``step_not_allowed``);
  5. ``data`` validates against the action's input schema (422 ``validation_error``
     naming each field: ``{"path": "reason", "message": "必填项"}``);
  6. the action's conditions on the case (``requires``), then its guards on the input
     (``guards``), in order (each raises :class:`ServiceError` or returns);

  then it runs the handler, moves the state to the target, starts the time limit, saves,
  issues the documents (reserved in the transaction; the documents app renders them after
  commit), records (step and audit) and calls ``after`` (events for other apps) — in one
  transaction;
* pages and buttons: ``WORKFLOW.available(user, obj)`` lists the actions this user may take
  now (state, permission and the ``requires`` conditions), ``WORKFLOW.offers(user, obj)``
  the same with the ones a condition refuses kept, each with its reason (for a disabled
  button whose title says why), and ``WORKFLOW.form_class(name)`` the form of an action
  whose schema is a Django form;
* the API: ``action.schema`` is a django-ninja ``Schema`` (pydantic) validated here, and
  ``WORKFLOW.openapi_body()`` documents every action's body;
* tests: ``WORKFLOW.pairs()`` gives every (state, action, allowed) pair, so a generated
  test can take every illegal pair and expect 409 with nothing changed.

Writing a workflow::

    from jiuzhu.core.workflow import Action, Workflow

    class ReasonIn(Schema):
        reason: str = Field(min_length=1)

    WORKFLOW = Workflow(
        name="leads", model=Lead, states=LeadState.values, not_found="线索不存在",
        actions=[
            Action("close", "办结", source=("open",), target="closed",
                   permission="leads.close", schema=ReasonIn, handler=_close),
        ],
        record=_record,            # (ctx) -> None: the step row and the audit event
    )

and one predicate per action in the app's ``rules.py``:
``rules.add_perm("leads.close", is_staff_member & in_region & has_role(...))``.

The predicate gets ``(user, obj)``; the :data:`~jiuzhu.core.access.SYSTEM` actor holds every
permission (``SYSTEM.has_perm`` is true), a superuser too (Django's ``User.has_perm``).

Models whose state is a protected django-fsm ``FSMField`` can keep it: ``fsm_mixin()``
builds one django-fsm transition per action from the same table (source states and the
possible targets), to mix into the model, and ``perform`` moves the state through it, so
``can_proceed`` and the graph tools still work and the field stays protected.

``core`` imports no domain app: the workflow knows models, states and callables only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .errors import ErrorCode, ServiceError

Handler = Callable[["Context"], Any]
Guard = Callable[["Context"], None]


@dataclass(frozen=True)
class Action:
    """One row of a transition table.

    ``target`` is a state, ``None`` (the state stays), or a callable ``(ctx) -> state``
    evaluated after the handler, choosing among ``targets`` (declared so that the table
    still says every state an action can lead to). ``documents`` are codes; or, when they
    depend on how the action came out, a mapping ``{outcome: codes}`` — the outcome is
    ``ctx.outcome``, set by the handler, or what the row's ``outcome`` selector
    ``(ctx) -> key`` returns after the handler, and an outcome the mapping does not declare
    is a programming error, like an undeclared target; or a callable ``(ctx) -> codes``.
    ``deadline`` is the key of the time limit the action starts (or a callable
    ``(ctx) -> key | None``); ``None`` starts none. ``schema`` is a ninja ``Schema``
    (pydantic model) or a Django form class; ``None`` takes no input. ``requires`` are
    conditions on the case alone (never on the input: they also decide whether a button is
    offered, with a context whose ``data`` is empty and ``options["offering"]`` is true,
    before ``prepare`` and outside any lock); ``guards`` may look at the input. Both run
    after validation and before the handler, ``requires`` first; ``handler`` does the
    action's own work on ``ctx.obj``. ``extra`` carries display hints (button style, help
    text) that are not rules.
    """

    name: str
    label: str
    source: tuple[str, ...]
    target: str | Callable[[Context], str] | None = None
    permission: str = ""
    schema: Any = None
    documents: (tuple[str, ...] | Mapping[str, tuple[str, ...]]
                | Callable[[Context], Sequence[str]]) = field(default=(), hash=False)
    deadline: str | Callable[[Context], str | None] | None = None
    guards: tuple[Guard, ...] = ()
    handler: Handler | None = None
    targets: tuple[str, ...] = ()
    requires: tuple[Guard, ...] = ()
    outcome: Callable[[Context], str] | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def possible_targets(self) -> tuple[str, ...]:
        """Every state this action may lead to (the source itself when it stays)."""
        if isinstance(self.target, str):
            return (self.target,)
        if self.target is None:
            return tuple(self.source)
        return tuple(self.targets)

    def allowed_in(self, state: str) -> bool:
        return state in self.source

    def possible_documents(self) -> tuple[str, ...]:
        """Every document code the table declares for this action (all outcomes; none
        for a callable, which the table does not spell out)."""
        if isinstance(self.documents, Mapping):
            return tuple(dict.fromkeys(c for codes in self.documents.values() for c in codes))
        return () if callable(self.documents) else tuple(self.documents)

    def documents_for(self, ctx: Context) -> tuple[str, ...]:
        """The codes this action issues, as it came out (see the class docstring)."""
        if isinstance(self.documents, Mapping):
            key = self.outcome(ctx) if self.outcome is not None else ctx.outcome
            if key is None or key not in self.documents:
                raise RuntimeError(f"{self.name}: outcome {key!r} has no documents declared")
            return tuple(self.documents[key])
        if callable(self.documents):
            return tuple(self.documents(ctx))
        return tuple(self.documents)


@dataclass(frozen=True)
class Offer:
    """An action offered to a user on a case: ``reason`` says why it cannot be taken now
    (the message of the first ``requires`` condition that refuses; ``""`` when it can)."""

    action: Action
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return not self.reason

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return self.action.label

    @property
    def extra(self) -> dict[str, Any]:
        return self.action.extra


@dataclass
class Context:
    """What a handler, guard or target chooser sees."""

    workflow: Workflow
    action: Action
    obj: Any
    actor: Any
    data: dict[str, Any]
    raw: dict[str, Any]
    today: date
    files: list[Any]
    before: str
    input: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    deadline: str | None = None
    documents: tuple[str, ...] = ()
    outcome: str | None = None


class Workflow:
    """A transition table for one model (see the module docstring)."""

    def __init__(self, *, name: str, model: Any, actions: Iterable[Action],
                 states: Iterable[str], state_field: str = "state",
                 not_found: str = gettext_noop("对象不存在"),
                 record: Callable[[Context], None] | None = None,
                 start_deadline: Callable[[Context, str], None] | None = None,
                 issue: Callable[[Context, tuple[str, ...]], None] | None = None,
                 before_save: Callable[[Context], None] | None = None,
                 after: Callable[[Context], None] | None = None,
                 prepare: Callable[[Context], None] | None = None,
                 select_related: Sequence[str] = (),
                 use_fsm: bool = False,
                 duties: Callable[[Any, Any, str], str] | None = None) -> None:
        self.name = name
        self.model = model
        self.actions: dict[str, Action] = {}
        for action in actions:
            if action.name in self.actions:
                raise ValueError(f"{name}: action {action.name!r} twice")
            self.actions[action.name] = action
        self.states = tuple(states)
        for action in self.actions.values():
            unknown = [s for s in (*action.source, *action.possible_targets()) if s not in self.states]
            if unknown:
                raise ValueError(f"{name}.{action.name}: unknown states {unknown}")
        self.state_field = state_field
        self.not_found = not_found
        self.record = record
        self.start_deadline = start_deadline
        self.issue = issue
        self.before_save = before_save
        self.after = after
        self.prepare = prepare
        self.select_related = tuple(select_related)
        self.use_fsm = use_fsm
        # (user, obj, action name) -> why the separation of duties refuses it ("" if not)
        self.duties = duties

    # --- reading the table -------------------------------------------------------------

    def __contains__(self, name: str) -> bool:
        return name in self.actions

    def __iter__(self):
        return iter(self.actions.values())

    def action(self, name: str) -> Action:
        """The action called ``name``; 404 when there is none."""
        action = self.actions.get(name)
        if action is None:
            raise ServiceError(ErrorCode.NOT_FOUND, _("没有这个动作：%(name)s") % {"name": name})
        return action

    def label(self, name: str) -> str:
        action = self.actions.get(name)
        return action.label if action else name

    def labels(self) -> dict[str, str]:
        return {a.name: a.label for a in self.actions.values()}

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def permitted(self, user: Any, obj: Any, name: str) -> bool:
        """Whether ``user`` holds the action's permission on ``obj`` (state not considered)."""
        action = self.action(name)
        if not action.permission:
            return False
        return bool(user is not None and user.has_perm(action.permission, obj))

    def available(self, user: Any, obj: Any, *, today: date | None = None) -> list[Action]:
        """The actions ``user`` may take on ``obj`` now: its state allows them, the user
        holds their permission and their ``requires`` conditions hold (for buttons and
        menus: only what would not be refused)."""
        return [o.action for o in self.offers(user, obj, today=today) if o.allowed]

    def offers(self, user: Any, obj: Any, *, today: date | None = None) -> list[Offer]:
        """The actions whose state and permission allow ``user`` to take them on ``obj``,
        each with the reason a ``requires`` condition refuses it now (``""`` when none
        does): a page shows the refused ones as disabled buttons titled with the reason."""
        state = self.state_of(obj)
        return [Offer(a, self.refusal(user, obj, a, today=today)) for a in self.actions.values()
                if a.allowed_in(state) and self.permitted(user, obj, a.name)]

    def refusal(self, user: Any, obj: Any, action: Action | str, *,
                today: date | None = None) -> str:
        """Why ``action``'s ``requires`` conditions refuse it on ``obj`` now (``""`` when
        they all hold); state and permission are not considered."""
        row = self.action(action) if isinstance(action, str) else action
        if not row.requires:
            return ""
        state = self.state_of(obj)
        ctx = Context(workflow=self, action=row, obj=obj, actor=user, data={}, raw={},
                      today=today or timezone.localdate(), files=[], before=state,
                      options={"offering": True})
        for condition in row.requires:
            try:
                condition(ctx)
            except ServiceError as refused:
                return refused.message
        return ""

    def pairs(self) -> list[tuple[str, str, bool]]:
        """Every (state, action, allowed) pair of the table, for generated tests."""
        return [(state, action.name, action.allowed_in(state))
                for state in self.states for action in self.actions.values()]

    def form_class(self, name: str) -> type[forms.BaseForm] | None:
        schema = self.action(name).schema
        return schema if isinstance(schema, type) and issubclass(schema, forms.BaseForm) else None

    def openapi_body(self) -> dict[str, Any]:
        """An OpenAPI ``requestBody`` naming each action's input schema (pydantic ones)."""
        variants = []
        for action in self.actions.values():
            schema = action.schema
            if schema is not None and hasattr(schema, "model_json_schema"):
                variants.append({**schema.model_json_schema(), "title": f"{action.name}（{action.label}）"})
        json_schema: dict[str, Any] = {"oneOf": variants} if variants else {"type": "object"}
        return {"requestBody": {"required": False, "content": {
            "application/json": {"schema": json_schema},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "data": {"type": "string", "description": "the action's fields as JSON"}}}}}}}

    # --- validating input -----------------------------------------------------------------

    def validate(self, action: Action, data: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
        """``data`` checked against the action's schema → (clean dict, parsed object);
        422 naming every wrong field."""
        data = data or {}
        if not isinstance(data, dict):
            raise ServiceError(ErrorCode.VALIDATION, _("请求内容应为 JSON 对象"),
                               [{"path": "", "message": _("应为对象")}])
        schema = action.schema
        if schema is None:
            return {}, None
        if isinstance(schema, type) and issubclass(schema, forms.BaseForm):
            form = schema(data=data)
            if not form.is_valid():
                errors = [{"path": name if name != "__all__" else "", "message": str(message)}
                          for name, messages in form.errors.items() for message in messages]
                raise ServiceError(ErrorCode.VALIDATION, errors[0]["message"] if errors else _("输入有误"),
                                   errors)
            return dict(form.cleaned_data), form
        from pydantic import ValidationError

        try:
            parsed = schema.model_validate(data)
        except ValidationError as exc:
            errors = [{"path": error_path(error["loc"]), "message": error_message(dict(error))}
                      for error in exc.errors()]
            problems = [_("%(field)s %(message)s") % {"field": field_label(schema, e["path"]),
                                                      "message": e["message"]} for e in errors]
            summary = problems[0] if problems else ""
            for problem in problems[1:]:
                summary = _("%(previous)s；%(next)s") % {"previous": summary, "next": problem}
            raise ServiceError(ErrorCode.VALIDATION, _("输入有误：%(problems)s") % {
                "problems": summary}, errors) from None
        return parsed.model_dump(exclude_none=True), parsed

    # --- acting -------------------------------------------------------------------------

    def lock(self, actor: Any, pk: Any) -> Any:
        """The object, visible to ``actor``, locked for update; 404 otherwise."""
        # only the case's own row: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer joins a nullable select_related or a scope adds
        qs = self.model.objects.visible_to(actor).select_for_update(of=("self",))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        obj = qs.filter(pk=getattr(pk, "pk", pk)).first()
        if obj is None:
            raise ServiceError(ErrorCode.NOT_FOUND, _(self.not_found))
        return obj

    def check(self, actor: Any, obj: Any, action: Action) -> None:
        """403 without the permission (naming the rule when the separation of duties
        refuses it), 409 in a state the action does not start from."""
        refused = self.duties(actor, obj, action.name) if self.duties is not None else ""
        if refused:
            raise ServiceError(ErrorCode.FORBIDDEN, refused)
        if not self.permitted(actor, obj, action.name):
            raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能执行“%(label)s”") % {"label": _(action.label)})
        state = self.state_of(obj)
        if not action.allowed_in(state):
            display = getattr(obj, f"get_{self.state_field}_display", lambda: state)()
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               _("当前状态“%(display)s”不能执行“%(label)s”") % {"display": display, "label": _(action.label)})

    def perform(self, *, actor: Any, obj: Any, action: str, data: dict[str, Any] | None = None,
                files: list[Any] | None = None, today: date | None = None,
                **options: Any) -> Any:
        """Take ``action`` on ``obj`` (an instance or its pk) for ``actor``: every check of
        the module docstring, then the handler, the move, the time limit, the documents, the
        save and the record — all or nothing. Two people at once: the second waits on the
        row lock, then finds the state changed (409)."""
        row = self.action(action)
        with transaction.atomic():
            obj = self.lock(actor, obj)
            self.check(actor, obj, row)
            clean, parsed = self.validate(row, data)
            ctx = Context(workflow=self, action=row, obj=obj, actor=actor, data=clean,
                          raw=dict(data or {}), today=today or timezone.localdate(),
                          files=list(files or []), before=self.state_of(obj), input=parsed,
                          options=options)
            if self.prepare is not None:
                self.prepare(ctx)
            for guard in (*row.requires, *row.guards):
                guard(ctx)
            if row.handler is not None:
                row.handler(ctx)
            target = row.target(ctx) if callable(row.target) else (row.target or ctx.before)
            if target not in row.possible_targets():
                raise RuntimeError(f"{self.name}.{row.name}: target {target!r} not declared")
            ctx.target = target
            self.move(obj, row, target)
            ctx.deadline = row.deadline(ctx) if callable(row.deadline) else row.deadline
            if ctx.deadline and self.start_deadline is not None:
                self.start_deadline(ctx, ctx.deadline)
            if self.before_save is not None:
                self.before_save(ctx)
            obj.save()
            ctx.documents = row.documents_for(ctx)
            if ctx.documents and self.issue is not None:
                self.issue(ctx, ctx.documents)
            if self.record is not None:
                self.record(ctx)
            if self.after is not None:
                self.after(ctx)
        return obj

    def transition(self, obj: Any, name: str, target: str | None = None) -> str:
        """Only the move of action ``name`` (409 outside its source states), for a step
        another app performs inside its own service with its own checks and record (a
        payroll starting payment, a review stopping a case). Returns the new state."""
        row = self.action(name)
        state = self.state_of(obj)
        if not row.allowed_in(state):
            display = getattr(obj, f"get_{self.state_field}_display", lambda: state)()
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               _("当前状态“%(display)s”不能执行“%(label)s”") % {"display": display, "label": _(row.label)})
        chosen = target or (row.target if isinstance(row.target, str) else state)
        if chosen not in row.possible_targets():
            raise ValueError(f"{self.name}.{name}: {chosen!r} is not a target")
        self.move(obj, row, chosen)
        return chosen

    def move(self, obj: Any, action: Action, target: str) -> None:
        """Set the state: through the generated django-fsm transition when the model uses
        :meth:`fsm_mixin`, else directly."""
        if self.use_fsm:
            getattr(obj, action.name)(target)
        else:
            setattr(obj, self.state_field, target)

    def fsm_mixin(self, name: str = "WorkflowTransitions") -> type:
        """A mixin with one django-fsm transition per action, generated from the table:
        ``obj.<action>(target=None)`` moves from a source state to ``target`` (default: the
        single declared target, or the current state for actions that stay)."""
        from django_fsm import RETURN_VALUE, transition

        attrs: dict[str, Any] = {"__doc__": f"Transitions of {self.name}, generated from its table."}
        for row in self.actions.values():
            targets = tuple(dict.fromkeys(row.possible_targets()))
            attrs[row.name] = _fsm_method(row, targets, self.state_field, transition, RETURN_VALUE)
        return type(name, (), attrs)


def _fsm_method(row: Action, targets: tuple[str, ...], state_field: str, transition: Any,
                return_value: Any) -> Callable[..., str]:
    default = row.target if isinstance(row.target, str) else None

    def method(self: Any, target: str | None = None) -> str:
        chosen = target or default or getattr(self, state_field)
        if chosen not in targets:
            raise ValueError(f"{row.name}: {chosen!r} is not a target")
        return chosen

    method.__name__ = row.name
    method.__doc__ = row.label
    return transition(field=state_field, source=list(row.source),
                      target=return_value(*targets))(method)


def error_path(loc: Sequence[Any]) -> str:
    """A pydantic location as the services name fields: ``members[1].id_number``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: Messages for pydantic's error types (the API speaks the interface language like the
#: pages; Simplified Chinese msgids). A type not listed reads 输入有误, never pydantic's English.
MESSAGES = {
    "missing": gettext_lazy("必填项"), "string_type": gettext_lazy("应为文字"),
    "string_too_short": gettext_lazy("必填项"), "string_too_long": gettext_lazy("内容过长"),
    "string_pattern_mismatch": gettext_lazy("格式不正确"),
    "int_type": gettext_lazy("应为整数"), "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"), "bool_type": gettext_lazy("应为 true 或 false"),
    "bool_parsing": gettext_lazy("应为 true 或 false"), "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为对象"), "model_type": gettext_lazy("应为对象"),
    "too_short": gettext_lazy("数量不足"), "too_long": gettext_lazy("数量过多"),
    "literal_error": gettext_lazy("取值不在允许范围内"), "enum": gettext_lazy("取值不在允许范围内"),
    "greater_than_equal": gettext_lazy("数值过小"), "greater_than": gettext_lazy("数值过小"),
    "less_than_equal": gettext_lazy("数值过大"), "less_than": gettext_lazy("数值过大"),
    "decimal_parsing": gettext_lazy("金额格式不正确"), "decimal_type": gettext_lazy("金额格式不正确"),
    "decimal_max_places": gettext_lazy("最多两位小数"),
    "decimal_max_digits": gettext_lazy("金额过大"),
    "extra_forbidden": gettext_lazy("不认识的字段"),
    "date_from_datetime_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_type": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": gettext_lazy("时间格式不正确"), "datetime_type": gettext_lazy("时间格式不正确"),
    "float_type": gettext_lazy("应为数字"), "float_parsing": gettext_lazy("应为数字"),
    "json_invalid": gettext_lazy("请求内容不是有效的 JSON"),
}

#: The labels of the fields the workflows' input schemas name, for messages that name a
#: field (the ``errors[].path`` keeps the field's name). A schema field's ``title`` wins.
FIELD_LABELS = {
    "amount": gettext_lazy("金额"), "area_type": gettext_lazy("城乡类别"),
    "deadline": gettext_lazy("期限"), "decision": gettext_lazy("决定"),
    "department": gettext_lazy("协办部门"), "departments": gettext_lazy("协办部门"),
    "facts": gettext_lazy("认定的事实"), "findings": gettext_lazy("查明情况"),
    "founded": gettext_lazy("是否属实"), "from_month": gettext_lazy("起始月份"),
    "to_month": gettext_lazy("截止月份"), "health": gettext_lazy("健康状况"),
    "id_number": gettext_lazy("身份证号"), "investigator_ids": gettext_lazy("调查人员"),
    "investigators": gettext_lazy("调查人员"), "latitude": gettext_lazy("纬度"),
    "longitude": gettext_lazy("经度"), "legal_basis": gettext_lazy("法律依据"),
    "linked_number": gettext_lazy("申请编号或受理单号"), "location": gettext_lazy("位置"),
    "materials": gettext_lazy("材料"), "members_present": gettext_lazy("参加评议人数"),
    "missing": gettext_lazy("需补正的材料"), "neighbour_visits": gettext_lazy("邻里走访"),
    "note": gettext_lazy("说明"), "occupation": gettext_lazy("职业"),
    "organisation": gettext_lazy("第三方机构"), "outcome": gettext_lazy("结果"),
    "outcome_note": gettext_lazy("结果说明"), "override_reason": gettext_lazy("调整理由"),
    "place": gettext_lazy("地点"), "reason": gettext_lazy("理由"),
    "reasons": gettext_lazy("理由"), "recommend": gettext_lazy("审核意见"),
    "referred_to": gettext_lazy("转往的部门"), "report": gettext_lazy("报告"),
    "request_id": gettext_lazy("核对申请"), "requirements": gettext_lazy("需说明或提供的材料"),
    "respond_by": gettext_lazy("答复期限"), "result": gettext_lazy("办理结果"),
    "return_to": gettext_lazy("退回至"), "scheduled_at": gettext_lazy("约谈时间"),
    "signatures": gettext_lazy("签名"), "summary": gettext_lazy("概述"),
    "visited_on": gettext_lazy("走访日期"), "votes_against": gettext_lazy("反对票数"),
    "votes_for": gettext_lazy("赞成票数"), "files": gettext_lazy("文件"),
    "photos": gettext_lazy("照片"), "household_id": gettext_lazy("家庭"),
    "item_code": gettext_lazy("事项"), "channel": gettext_lazy("渠道"),
}


def field_label(schema: Any, path: str) -> str:
    """The label of the field at ``path`` (``members[1].id_number`` → 身份证号) for a
    message in words: the schema field's ``title``, else :data:`FIELD_LABELS`, else the
    name itself; ``请求`` for the request as a whole."""
    if not path:
        return _("请求")
    name = path.rsplit(".", 1)[-1].split("[", 1)[0]
    field = getattr(schema, "model_fields", {}).get(name) if "." not in path else None
    if field is not None and field.title:
        return _(field.title)
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def error_message(error: dict[str, Any]) -> str:
    """A pydantic error in Chinese (the wording of :data:`MESSAGES`)."""
    if error.get("type") in ("value_error", "assertion_error"):
        message = str(error.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message
    return str(MESSAGES.get(str(error.get("type")), _("输入有误")))
