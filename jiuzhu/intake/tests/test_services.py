"""The intake's services: creating, dispatching, every department action and refusal,
co-handling, due dates, alerts, urges and the selectors other apps call."""

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.audit.models import AuditEvent
from jiuzhu.calendars.services import daily_functions
from jiuzhu.core.errors import ServiceError
from jiuzhu.intake import selectors, services
from jiuzhu.intake.models import CoHandler, ItemStep, Request, RequestFile, RequestItem, Urge

from .conftest import MZ01_MATERIALS, PNG, files

ON = date(2026, 3, 2)  # a Monday


def take(staff, family, items=("MZ01", "JY02", "CL01"), on=ON, **extra):
    kwargs = {"materials": {"JY02": ["学籍证明"], "CL01": ["残疾证", "身份证"]},
              "files": files(*MZ01_MATERIALS) + files("学籍证明", content=PNG)}
    kwargs.update(extra)
    kwargs["materials"] = {k: v for k, v in kwargs["materials"].items() if k in items}
    return services.request_create(actor=staff["window"], household=family, items=list(items),
                                   channel="window", on=on, **kwargs)


def item_of(request, code):
    return request.items.get(item_code=code)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.as_dict()
    return info.value


def test_create_dispatches_internal_and_transferred_items(staff, family):
    request = take(staff, family)
    assert request.status == "open" and request.household == family
    assert len(request.query_code) == 8
    assert not set(request.query_code) & set("IL0O1")
    assert request.number.startswith("SL990102001" + "2026")
    mz01, jy02, cl01 = (item_of(request, c) for c in ("MZ01", "JY02", "CL01"))
    assert mz01.mode == "internal" and mz01.state == "internal"
    application = Application.objects.get(household=family, item_code="MZ01")
    assert mz01.application == application
    assert application.attachments.count() == len(MZ01_MATERIALS)  # its own materials only
    assert (jy02.mode, jy02.state, jy02.department_code) == ("transfer", "transferred", "JY")
    assert jy02.due_date == date(2026, 3, 23)  # 15 working days
    assert cl01.due_date == date(2026, 3, 30)  # 20 working days
    assert jy02.materials == ["学籍证明"]
    assert cl01.materials == ["残疾证", "身份证"]
    assert RequestFile.objects.filter(request=request).count() == len(MZ01_MATERIALS) + 1
    assert ItemStep.objects.filter(item=jy02, action="transfer").exists()
    assert AuditEvent.objects.filter(object_type="intake.request", action="create").count() == 1


def test_due_date_counts_working_days_over_the_national_day_holiday(staff, family):
    request = take(staff, family, items=("JY02",), on=date(2026, 9, 30))
    # 15 plain weekdays would end on 21 October; the 1–7 October holiday moves it.
    assert item_of(request, "JY02").due_date == date(2026, 10, 27)


def test_a_refused_item_names_it_and_changes_nothing(staff, family, monkeypatch):
    from jiuzhu.applications import services as app_services

    real = app_services.application_create

    def refuse_mz02(**kwargs):
        if kwargs["item_code"] == "MZ02":
            raise ServiceError("validation_error", "不支持",
                               [{"path": "item_code", "message": "本程序办理事项 MZ01"}])
        return real(**kwargs)

    monkeypatch.setattr(app_services, "application_create", refuse_mz02)
    error = refused("validation_error", take, staff, family, items=("MZ01", "JY02", "MZ02"))
    assert error.errors[0]["path"] == "items[2]" and "MZ02" in error.errors[0]["message"]
    assert not Request.objects.exists() and not RequestItem.objects.exists()
    assert not Application.objects.exists()


def test_bad_input_is_422_naming_the_field(staff, family):
    error = refused("validation_error", take, staff, family, items=("JY02", "XX99"))
    assert error.errors == [{"path": "items[1]", "message": "未知或已停用的事项：XX99"}]
    error = refused("validation_error", take, staff, family, items=("JY02",),
                    materials={"JY02": ["户口簿"]})
    assert error.errors[0]["path"] == "materials.JY02"
    error = refused("validation_error", take, staff, family, items=("JY02",),
                    files=[("学籍证明", "a.txt", b"hello")])
    assert error.errors[0]["path"] == "files[0]"
    error = refused("validation_error", services.request_create, actor=staff["window"],
                    household=family, items=["JY02"], channel="proxy", on=ON)
    assert error.errors[0]["path"] == "applicant.agent_name"
    assert not Request.objects.exists()


def test_region_and_role(staff, family):
    refused("not_found", take, {"window": staff["other_window"]}, family)
    refused("forbidden", take, {"window": staff["reviewer"]}, family)
    jy02 = item_of(take(staff, family, items=("JY02",)), "JY02")
    refused("not_found", services.item_act, actor=staff["other_jy"], item=jy02, action="accept")
    # another department's item is not with CL: not found, like another township's
    refused("not_found", services.item_act, actor=staff["cl"], item=jy02, action="accept")
    refused("forbidden", services.item_act, actor=staff["window"], item=jy02, action="accept")
    refused("not_found", services.item_act, actor=staff["jy"], item=jy02, action="fly")
    assert RequestItem.objects.get(pk=jy02.pk).state == "transferred"


def test_every_department_action(staff, family):
    jy02 = item_of(take(staff, family, items=("JY02",)), "JY02")
    act = services.item_act
    assert act(actor=staff["jy"], item=jy02, action="accept", on=date(2026, 3, 3)).state == "accepted"
    error = refused("validation_error", act, actor=staff["jy"], item=jy02, action="request_more",
                    data={"missing": []})
    assert error.errors[0]["path"] == "missing"
    row = act(actor=staff["jy"], item=jy02, action="request_more",
              data={"missing": ["家庭困难证明"], "note": "请补充"}, on=date(2026, 3, 4))
    assert row.state == "more_requested" and row.missing == ["家庭困难证明"]
    refused("forbidden", act, actor=staff["jy"], item=jy02, action="resubmit")
    row = act(actor=staff["window"], item=jy02, action="resubmit",
              data={"materials": ["家庭困难证明"]}, on=date(2026, 3, 9))
    assert row.state == "resubmitted" and row.missing == []
    assert row.materials == ["学籍证明", "家庭困难证明"]
    assert row.started_on == date(2026, 3, 9) and row.due_date == date(2026, 3, 30)
    assert act(actor=staff["jy"], item=jy02, action="accept").state == "accepted"
    error = refused("validation_error", act, actor=staff["jy"], item=jy02, action="finish",
                    data={"result": "granted"})
    assert error.errors[0]["path"] == "note"
    error = refused("validation_error", act, actor=staff["jy"], item=jy02, action="finish",
                    data={"result": "maybe", "note": "x"})
    assert error.errors[0]["path"] == "result"
    row = act(actor=staff["jy"], item=jy02, action="finish",
              data={"result": "granted", "note": "按学期发放", "amount": "625.00"},
              on=date(2026, 3, 10))
    assert (row.state, row.result, str(row.amount), row.finished_on) == (
        "finished", "granted", "625.00", date(2026, 3, 10))
    assert row.request.__class__.objects.get(pk=row.request_id).status == "closed"
    actions = list(ItemStep.objects.filter(item=jy02).values_list("action", flat=True))
    assert actions == ["transfer", "accept", "request_more", "resubmit", "accept", "finish"]


def test_illegal_actions_are_409_and_change_nothing(staff, family):
    jy02 = item_of(take(staff, family, items=("JY02",)), "JY02")
    for action in ("finish", "request_more"):
        refused("step_not_allowed", services.item_act, actor=staff["jy"], item=jy02,
                action=action, data={"result": "granted", "note": "x", "missing": ["a"]})
    refused("step_not_allowed", services.item_act, actor=staff["window"], item=jy02,
            action="resubmit")
    row = RequestItem.objects.get(pk=jy02.pk)
    assert row.state == "transferred" and row.result == "" and row.missing == []
    assert ItemStep.objects.filter(item=jy02).count() == 1
    services.item_act(actor=staff["jy"], item=jy02, action="return", data={"reason": "不符合条件"})
    refused("step_not_allowed", services.item_act, actor=staff["jy"], item=jy02, action="accept")


def test_return_requires_a_reason(staff, family):
    jy02 = item_of(take(staff, family, items=("JY02",)), "JY02")
    for data in ({}, {"reason": "  "}):
        error = refused("validation_error", services.item_act, actor=staff["jy"], item=jy02,
                        action="return", data=data)
        assert error.errors == [{"path": "reason", "message": "必填项"}]
    assert RequestItem.objects.get(pk=jy02.pk).state == "transferred"
    row = services.item_act(actor=staff["jy"], item=jy02, action="return",
                            data={"reason": "非本部门事项"})
    assert row.state == "returned" and row.reason == "非本部门事项"


def test_internal_items_are_not_acted_on_here(staff, family):
    mz01 = item_of(take(staff, family, items=("MZ01",)), "MZ01")
    refused("step_not_allowed", services.item_act, actor=staff["window"], item=mz01,
            action="add_cohandler", data={"departments": ["WJ"]})


def test_cohandling_with_two_departments(staff, family):
    cl01 = item_of(take(staff, family, items=("CL01",)), "CL01")
    act = services.item_act
    error = refused("validation_error", act, actor=staff["cl"], item=cl01, action="add_cohandler",
                    data={"departments": ["WJ", "CL", "ZZ"]})
    assert [e["path"] for e in error.errors] == ["departments[1]", "departments[2]"]
    assert not CoHandler.objects.exists()
    row = act(actor=staff["cl"], item=cl01, action="add_cohandler", data={"departments": ["WJ", "JY"]})
    assert row.mode == "cohandle"
    assert set(CoHandler.objects.values_list("department_code", flat=True)) == {"WJ", "JY"}
    act(actor=staff["cl"], item=cl01, action="accept")
    row = selectors.item_get(user=staff["cl"], pk=cl01.pk)
    assert "finish" not in services.actions_available(staff["cl"], row)
    assert services.actions_available(staff["wj"], row) == ["cohandle_finish"]
    # The assisting departments see it in their inbox; the lead cannot finish before them.
    assert cl01.pk in {i.pk for i in selectors.officer_inbox(staff["wj"])}
    error = refused("step_not_allowed", act, actor=staff["cl"], item=cl01, action="finish",
                    data={"result": "granted", "note": "x"})
    assert "JY" in error.message and "WJ" in error.message
    act(actor=staff["wj"], item=cl01, action="finish",
        data={"result": "granted", "note": "康复评估已做", "amount": "300"})
    assert cl01.pk not in {i.pk for i in selectors.officer_inbox(staff["wj"])}
    refused("step_not_allowed", act, actor=staff["wj"], item=cl01, action="finish",
            data={"result": "granted", "note": "again"})
    act(actor=staff["jy"], item=cl01, action="cohandle_finish",
        data={"result": "not_granted", "note": "无在校子女"})
    row = act(actor=staff["cl"], item=cl01, action="finish", data={"result": "granted", "note": "发放"})
    assert row.state == "finished"
    shares = {c.department_code: (c.finished, c.result) for c in CoHandler.objects.all()}
    assert shares == {"WJ": (True, "granted"), "JY": (True, "not_granted")}
    steps = list(ItemStep.objects.filter(item=cl01).values_list("action", "department_code"))
    assert ("cohandle_finish", "WJ") in steps and ("cohandle_finish", "JY") in steps


def test_alerts_and_overdue_and_urges(staff, family, monkeypatch):
    """The colour follows the day it is read: no daily job runs in this test."""
    clock = {"today": date(2026, 3, 16)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: clock["today"])
    jy02 = item_of(take(staff, family, items=("JY02",)), "JY02")  # due 23 March

    def colour() -> tuple[str, str]:  # one row, and the SQL of every list
        return (RequestItem.objects.get(pk=jy02.pk).alert,
                RequestItem.objects.with_alert().get(pk=jy02.pk).alert)

    assert services.alerts_recompute in daily_functions()
    assert colour() == ("none", "none")  # 10 of 15 working days
    assert list(selectors.overdue_items(staff["supervisor"])) == []
    clock["today"] = date(2026, 3, 17)  # 11 of 15 > two thirds
    assert colour() == ("yellow", "yellow")
    assert [i.alert for i in selectors.overdue_items(staff["supervisor"])] == ["yellow"]
    clock["today"] = date(2026, 3, 24)  # the day after the due date
    assert colour() == ("red", "red")
    assert [i.pk for i in selectors.overdue_items(staff["supervisor"])] == [jy02.pk]
    assert [i.alert for i in selectors.officer_inbox(staff["jy"])] == ["red"]
    assert list(selectors.overdue_items(staff["other_window"])) == []
    refused("forbidden", services.urge, actor=staff["jy"], item=jy02, message="快办")
    refused("validation_error", services.urge, actor=staff["supervisor"], item=jy02, message=" ")
    record = services.urge(actor=staff["supervisor"], item=jy02, message="请三日内办结")
    inbox = list(selectors.officer_inbox(staff["jy"]))
    assert inbox[0].open_urges[0].message == "请三日内办结"
    # another department's urge is not even visible to this officer
    refused("not_found", services.urge_acknowledge, actor=staff["cl"], urge=record)
    services.urge_acknowledge(actor=staff["jy"], urge=record)
    assert Urge.objects.get(pk=record.pk).acknowledged_at is not None
    refused("step_not_allowed", services.urge_acknowledge, actor=staff["jy"], urge=record)
    assert list(selectors.officer_inbox(staff["jy"]))[0].open_urges == []
    services.item_act(actor=staff["jy"], item=jy02, action="return", data={"reason": "x"})
    assert RequestItem.objects.get(pk=jy02.pk).alert == "none"
    refused("step_not_allowed", services.urge, actor=staff["supervisor"], item=jy02, message="再催")


def test_online_request_and_take(staff, family):
    from jiuzhu.testing import household_dict, member_dict

    data = household_dict(members=[member_dict(name="赵网办")])
    request = services.request_submit_online(household_data=data, applicant={
        "name": "赵网办", "monthly_income": " 800 ", "notes": "丈夫务工受伤", "other": "x"},
        items=["JY02", "CL01"], files=files("学籍证明"), on=ON)
    assert request.status == "awaiting_window" and request.household is None
    assert request.declared == {"monthly_income": "800", "notes": "丈夫务工受伤"}
    queue = list(selectors.window_queue(staff["window"]))
    assert queue[0].pk == request.pk
    assert list(selectors.window_queue(staff["other_window"])) == []
    view = selectors.request_by_query_code(request.query_code.lower())
    assert view.name == "赵*办" and [i.code for i in view.items] == ["JY02", "CL01"]
    refused("not_found", services.request_take, actor=staff["other_window"], request=request,
            household=None)
    taken = services.request_take(actor=staff["window"], request=request, household=None,
                                  materials={"JY02": ["学籍证明"]}, on=ON)
    assert taken.status == "open" and taken.household.household_id == data["household_id"]
    assert set(taken.items.values_list("item_code", "state")) == {
        ("JY02", "transferred"), ("CL01", "transferred")}
    refused("step_not_allowed", services.request_take, actor=staff["window"], request=taken,
            household=family)
    error = refused("validation_error", services.request_submit_online, household_data={},
                    applicant={"name": "x"}, items=["JY02"])
    assert error.errors[0]["path"] == "household_data.region_code"


def test_items_receiving_and_public_view(staff, family):
    request = take(staff, family)
    jy02, cl01 = item_of(request, "JY02"), item_of(request, "CL01")
    assert selectors.items_receiving(family) == {"MZ01", "JY02", "CL01"}
    services.item_act(actor=staff["jy"], item=jy02, action="return", data={"reason": "不符合"})
    services.item_act(actor=staff["cl"], item=cl01, action="accept")
    services.item_act(actor=staff["cl"], item=cl01, action="finish",
                      data={"result": "granted", "note": "每月发放"})
    assert selectors.items_receiving(family) == {"MZ01", "CL01"}
    view = selectors.request_by_query_code(request.query_code)
    assert view.name == "李*山"
    by_code = {i.code: i for i in view.items}
    assert by_code["JY02"].state == "returned" and by_code["CL01"].result_label
    assert [s.label for s in by_code["CL01"].steps] == ["转办", "部门受理", "办结"]
    assert selectors.request_by_query_code("ZZZZZZZZ") is None


def test_household_find(staff, family):
    head = family.members.get(member_id="M1")
    assert selectors.household_find(user=staff["window"], q=head.id_number) == [family]
    assert selectors.household_find(user=staff["window"], q="王小") == [family]
    assert selectors.household_find(user=staff["window"], q="第1村") == [family]
    assert selectors.household_find(user=staff["other_window"], q="李大山") == []


def test_a_request_closes_when_every_item_has_an_outcome(staff, family):
    from jiuzhu.applications.services import application_act

    request = take(staff, family, items=("MZ01", "JY02"))
    jy02 = item_of(request, "JY02")
    services.item_act(actor=staff["jy"], item=jy02, action="accept")
    services.item_act(actor=staff["jy"], item=jy02, action="finish",
                      data={"result": "granted", "note": "每学期发放"})
    request.refresh_from_db()
    assert request.status == "open"  # the dibao application is still being handled
    application = item_of(request, "MZ01").application
    application_act(actor=staff["window"], application_id=application.pk, action="withdraw",
                    data={"reason": "申请人撤回"})
    request.refresh_from_db()
    assert request.status == "closed"


def test_the_decision_finishes_the_item_in_its_transaction_audited(staff, family):
    """No signal and no daily sweep: the application's decision (here a withdrawal) finishes
    the item decided here and closes the request at once, with a step and an audit event."""
    from jiuzhu.applications.services import application_act
    from jiuzhu.audit.models import AuditEvent
    from jiuzhu.intake.models import Request

    request = take(staff, family, items=("MZ01",))
    application = item_of(request, "MZ01").application
    application_act(actor=staff["window"], application_id=application.pk, action="withdraw",
                    data={"reason": "申请人撤回"})
    item = item_of(request, "MZ01")
    assert item.state == "finished" and item.result == "not_granted"
    assert application.number in item.result_text and "申请人撤回" in item.result_text
    assert item.steps.filter(action="decided").exists()  # the table's system row
    assert Request.objects.get(pk=request.pk).status == "closed"
    assert AuditEvent.objects.filter(detail__item="MZ01", detail__application=application.number).exists()


def test_an_online_request_for_temporary_assistance_starts_its_procedure_when_taken(staff):
    from jiuzhu.testing import household_dict, member_dict

    data = household_dict(members=[member_dict(name="孙临时")])
    request = services.request_submit_online(household_data=data, applicant={"name": "孙临时"},
                                             items=["MZ04", "TW01"], on=ON)
    taken = services.request_take(actor=staff["window"], request=request, household=None,
                                  materials={"MZ04": ["身份证"]}, on=ON)
    mz04, tw01 = item_of(taken, "MZ04"), item_of(taken, "TW01")
    assert mz04.mode == "internal" and mz04.application.item_code == "MZ04"
    assert mz04.application.channel == "online" and mz04.application.state == "submitted"
    assert tw01.state == "transferred" and tw01.department_code == "TW"
