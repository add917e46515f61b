"""The transition-table engine on its own (no database): the table is checked when it is
built, pairs are generated, input is validated by a ninja Schema or a Django form with
Chinese messages naming the field, buttons follow state and permission, and a bare
transition refuses a state outside its sources."""

from types import SimpleNamespace

import pytest
from django import forms
from ninja import Schema
from pydantic import Field

from jiuzhu.core.errors import ServiceError
from jiuzhu.core.workflow import Action, Workflow


class NoteIn(Schema):
    note: str = Field(min_length=1)
    count: int = 0


class NoteForm(forms.Form):
    note = forms.CharField()


def table(**kwargs):
    return Workflow(name="t", model=None, states=["open", "done", "closed"], actions=[
        Action("finish", "办结", source=("open",), target="done", permission="t.finish",
               schema=NoteIn),
        Action("close", "关闭", source=("open", "done"), target="closed", permission="t.close",
               schema=NoteForm),
        Action("note", "备注", source=("open", "done"), permission="t.note"),
        Action("archive", "归档", source=("closed",), target="closed"),
    ], **kwargs)


def user(*perms):
    return SimpleNamespace(has_perm=lambda perm, obj=None: perm in perms)


def test_the_table_is_checked_when_built():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(name="t", model=None, states=["open"], actions=[
            Action("go", "去", source=("open",), target="nowhere")])
    with pytest.raises(ValueError, match="twice"):
        Workflow(name="t", model=None, states=["open"], actions=[
            Action("go", "去", source=("open",)), Action("go", "去", source=("open",))])


def test_pairs_cover_every_state_and_action():
    pairs = table().pairs()
    assert len(pairs) == 3 * 4
    assert ("open", "finish", True) in pairs and ("done", "finish", False) in pairs
    assert ("done", "note", True) in pairs and ("closed", "note", False) in pairs


def test_validation_names_the_fields_in_chinese():
    workflow = table()
    with pytest.raises(ServiceError) as refused:
        workflow.validate(workflow.action("finish"), {"count": "x"})
    assert refused.value.status == 422
    assert {(e["path"], e["message"]) for e in refused.value.errors} == {
        ("note", "必填项"), ("count", "应为整数")}
    clean, parsed = workflow.validate(workflow.action("finish"), {"note": "好", "count": "2"})
    assert clean == {"note": "好", "count": 2} and parsed.count == 2
    with pytest.raises(ServiceError) as by_form:
        workflow.validate(workflow.action("close"), {})
    assert by_form.value.errors[0]["path"] == "note"
    assert workflow.validate(workflow.action("note"), {"anything": 1}) == ({}, None)
    with pytest.raises(ServiceError):
        workflow.validate(workflow.action("note"), ["not", "an", "object"])  # type: ignore[arg-type]


def test_buttons_follow_state_and_permission():
    workflow = table()
    case = SimpleNamespace(state="open")
    assert [a.name for a in workflow.available(user("t.finish", "t.note"), case)] == ["finish", "note"]
    case.state = "done"
    assert [a.name for a in workflow.available(user("t.finish", "t.note"), case)] == ["note"]
    case.state = "closed"  # an action without a permission is never a button, even for all
    assert workflow.available(user("t.finish", "t.close", "t.note", ""), case) == []


def test_unknown_action_is_404_and_a_bare_transition_checks_the_source():
    workflow = table()
    with pytest.raises(ServiceError) as unknown:
        workflow.action("fly")
    assert unknown.value.status == 404
    case = SimpleNamespace(state="open")
    assert workflow.transition(case, "finish") == "done" and case.state == "done"
    with pytest.raises(ServiceError) as refused:
        workflow.transition(case, "finish")
    assert refused.value.code == "step_not_allowed" and case.state == "done"
    assert workflow.transition(case, "note") == "done"  # stays


def _assigned(ctx):
    if not ctx.obj.assigned:
        raise ServiceError("step_not_allowed", "尚未指派")


def test_conditions_on_the_case_decide_which_buttons_are_offered():
    workflow = Workflow(name="t", model=None, states=["open"], actions=[
        Action("survey", "调查", source=("open",), permission="t.survey", requires=(_assigned,)),
        Action("note", "备注", source=("open",), permission="t.note"),
    ])
    case, clerk = SimpleNamespace(state="open", assigned=False), user("t.survey", "t.note")
    assert [a.name for a in workflow.available(clerk, case)] == ["note"]
    assert [(o.name, o.allowed, o.reason) for o in workflow.offers(clerk, case)] == [
        ("survey", False, "尚未指派"), ("note", True, "")]
    assert workflow.refusal(clerk, case, "survey") == "尚未指派"
    case.assigned = True
    assert [a.name for a in workflow.available(clerk, case)] == ["survey", "note"]
    assert workflow.offers(user("t.note"), case)[0].name == "note"  # permission first


class _Rows:
    """A stand-in manager: ``visible_to(…).select_for_update().filter(pk=…).first()``."""

    def __init__(self, obj):
        self.obj = obj

    def visible_to(self, actor):
        return self

    def select_for_update(self, of=()):
        return self

    def filter(self, pk):
        return self

    def first(self):
        return self.obj


def _reviewed(ctx):
    ctx.outcome = ctx.options["came_out"]


@pytest.mark.django_db
def test_documents_may_depend_on_the_outcome():
    case = SimpleNamespace(pk=1, state="open", save=lambda: None)
    issued: list[tuple[str, ...]] = []
    workflow = Workflow(
        name="t", model=SimpleNamespace(objects=_Rows(case)), states=["open", "done"],
        issue=lambda ctx, codes: issued.append(codes), actions=[
            Action("review", "复核", source=("open",), permission="t.review", handler=_reviewed,
                   documents={"same": ("D18",), "changed": ("D16", "D18")}),
        ])
    assert workflow.action("review").possible_documents() == ("D18", "D16")
    clerk = user("t.review")
    workflow.perform(actor=clerk, obj=1, action="review", came_out="changed")
    workflow.perform(actor=clerk, obj=1, action="review", came_out="same")
    assert issued == [("D16", "D18"), ("D18",)]
    with pytest.raises(RuntimeError, match="no documents declared"):
        workflow.perform(actor=clerk, obj=1, action="review", came_out="lost")
