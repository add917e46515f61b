"""四眼原则 (issue #14 item 2): above the county's threshold (``DutyRule.second_approval_above``)
an approval is a first approval — the case stays in ``decision`` — until a second county
approver confirms it (the decision's documents name both), returns it (退回) or refuses the
case; the same person approving twice is 403 naming the rule. Through the API
(``POST /api/v1/applications/{id}/actions/approve``), the service and the case page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jiuzhu.applications import documents as case_documents
from jiuzhu.applications.models import Application, DutyRule
from jiuzhu.audit.models import AuditEvent
from jiuzhu.testing import ApiClient, UserFactory

from .conftest import ACTIONS
from .test_concurrency import to_decision

ISSUE = case_documents.issue_documents  # the real one (the fixture below stands in for it)
SAME_PERSON = "四眼原则：同一人不能两次审批同一案件，须由另一名审批人确认"


@pytest.fixture(autouse=True)
def issued(monkeypatch):
    """The documents asked for (codes and the decision's approvers), not rendered."""
    from jiuzhu.applications import documents

    calls: list[dict] = []
    monkeypatch.setattr(documents, "issue_documents", lambda application, actor, codes, **extra:
                        calls.append({"codes": list(codes), **extra}))
    return calls


@pytest.fixture
def people(staff, tree):
    return {**staff, "approver2": UserFactory(username="p2", role="county_approver",
                                              region=tree["county"], full_name="第二审批人")}


@pytest.fixture
def api(client, people):
    return ApiClient(client, people, ACTIONS)


@pytest.fixture
def case(api, poor_household, clock):
    return to_decision(api, poor_household, clock)


def threshold(tree, yuan):
    DutyRule.objects.update_or_create(region=tree["county"],
                                      defaults={"second_approval_above": yuan})


def decisions(issued):
    return [call for call in issued if "approved" in call]


def test_threshold_off_one_approval_decides_as_before(api, case, issued, people):
    response = api.act("approver", case, "approve")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved" and body["first_approval"] is None
    application = Application.objects.get(pk=case)
    assert application.decided_by == people["approver"] and application.first_approved_by is None
    assert [s.action for s in application.steps.filter(from_state="decision")] == ["approve"]
    [decision] = decisions(issued)
    assert decision["codes"] == ["D12", "D13", "D15"] and decision["approved"] is True
    assert decision["decision"]["approver"] == str(people["approver"])


def test_below_the_threshold_one_approval(api, case, tree):
    threshold(tree, Decimal("99999.00"))
    assert api.act("approver", case, "approve").json()["state"] == "approved"


def test_above_the_threshold_two_approvers(api, case, tree, issued, people):
    threshold(tree, Decimal("1.00"))
    before = Application.objects.get(pk=case)
    assert before.engine_amount > Decimal("1.00")

    first = api.act("approver", case, "approve")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["state"] == "decision"  # no new state: the case waits in decision
    assert body["first_approval"]["approver"] == str(people["approver"])
    assert body["first_approval"]["amount"] == f"{before.engine_amount:.2f}"
    assert body["first_approval"]["start_month"] == "2026-04-01"
    assert "approve" not in body["actions"] and "return_approval" not in body["actions"]
    assert body["steps"][-1]["action"] == "approve_first"
    assert body["steps"][-1]["label"] == "审批（待第二审批人确认）"
    waiting = Application.objects.get(pk=case)
    assert waiting.first_approved_by == people["approver"] and waiting.approved_amount is None
    assert waiting.decided_at is None and decisions(issued) == []  # no documents yet
    assert (waiting.step, waiting.due_date) == (before.step, before.due_date)  # deadline unchanged

    # the same person again: 403 naming the rule, for approving and for refusing
    for action, data in (("approve", {}), ("refuse", {"reasons": "x"}),
                         ("return_approval", {"reason": "x"})):
        again = api.act("approver", case, action, data)
        assert again.status_code == 403, (action, again.content)
        assert again.json()["message"] == SAME_PERSON
    assert Application.objects.get(pk=case).state == "decision"

    # the second approver is offered confirming, refusing and returning
    seen = api.get("approver2", f"/api/v1/applications/{case}").json()
    assert {"approve", "refuse", "return_approval"} <= set(seen["actions"])
    # a different amount is not confirmed (returned instead)
    changed = api.act("approver2", case, "approve", {"amount": "1.00", "override_reason": "x"})
    assert changed.status_code == 422 and changed.json()["errors"][0]["path"] == "amount"

    second = api.act("approver2", case, "approve")
    assert second.status_code == 200, second.content
    assert second.json()["state"] == "approved" and second.json()["first_approval"] is None
    done = Application.objects.get(pk=case)
    assert done.decided_by == people["approver2"] and done.first_approved_by == people["approver"]
    assert done.approved_amount == before.engine_amount
    steps = list(done.steps.filter(from_state="decision").order_by("at", "pk"))
    assert [(s.action, s.actor_id) for s in steps] == [
        ("approve_first", people["approver"].pk), ("approve", people["approver2"].pk)]
    assert steps[1].data["first_approver"] == str(people["approver"])
    [decision] = decisions(issued)
    assert decision["codes"] == ["D12", "D13", "D15"]
    assert decision["decision"]["approver"] == f"{people['approver']}、{people['approver2']}"


def test_the_decision_document_names_both_approvers(api, case, tree, people, monkeypatch,
                                                     settings, tmp_path):
    import json

    from jiuzhu.documents.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(case_documents, "issue_documents", ISSUE)
    monkeypatch.setattr("jiuzhu.documents.services.content_pdf",
                        lambda content, created=None: b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr("jiuzhu.documents.services.content_docx", lambda content: b"PK")
    threshold(tree, Decimal("1.00"))
    assert api.act("approver", case, "approve").json()["state"] == "decision"
    assert not Document.objects.for_owner(Application.objects.get(pk=case)).filter(
        code="D12").exists()
    assert api.act("approver2", case, "approve").json()["state"] == "approved"
    d12 = Document.objects.for_owner(Application.objects.get(pk=case)).get(code="D12")
    text = json.dumps(d12.content, ensure_ascii=False)
    assert f"审批人：{people['approver']}、{people['approver2']}" in text


def test_the_second_approver_returns_the_first_approval(api, case, tree, people):
    threshold(tree, Decimal("1.00"))
    api.act("approver", case, "approve")
    empty = api.act("approver2", case, "return_approval", {})
    assert empty.status_code == 422  # a reason is needed
    returned = api.act("approver2", case, "return_approval", {"reason": "金额需重新核实"})
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert body["state"] == "decision" and body["first_approval"] is None
    application = Application.objects.get(pk=case)
    assert application.first_approved_by is None and application.first_approval == {}
    step = application.steps.order_by("-at", "-pk").first()
    assert (step.action, step.actor, step.data["reason"]) == (
        "return_approval", people["approver2"], "金额需重新核实")
    assert step.data["first_approver"] == str(people["approver"])
    assert AuditEvent.objects.filter(actor=people["approver2"], object_id=str(case),
                                     detail__action="return_approval",
                                     detail__reason="金额需重新核实").exists()
    # nothing to return any more; the first approver may approve anew (a new first approval)
    assert api.act("approver2", case, "return_approval", {"reason": "x"}).status_code == 409
    again = api.act("approver", case, "approve")
    assert again.status_code == 200 and again.json()["first_approval"]["approver"] == str(
        people["approver"])


def test_the_second_approver_may_refuse(api, case, tree, issued, people):
    threshold(tree, Decimal("1.00"))
    api.act("approver", case, "approve")
    refused = api.act("approver2", case, "refuse", {"reasons": "家庭财产超过规定"})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    assert Application.objects.get(pk=case).decided_by == people["approver2"]
    [decision] = decisions(issued)
    assert decision["approved"] is False
    assert decision["decision"]["approver"] == str(people["approver2"])  # who refused


def test_the_second_approver_is_bound_by_no_self_approval(api, case, tree, people):
    threshold(tree, Decimal("1.00"))
    api.act("approver", case, "approve")
    Application.objects.get(pk=case).investigator_users.add(people["approver2"])
    refused = api.act("approver2", case, "approve")
    assert refused.status_code == 403
    assert refused.json()["message"] == "四眼原则：调查人不能审批同一案件"
    assert Application.objects.get(pk=case).state == "decision"


def test_the_case_page_and_the_work_list(client, case, tree, people):
    from .test_views import actions_on_page

    threshold(tree, Decimal("1.00"))
    client.force_login(people["approver"])
    client.post(reverse("applications:act", args=[case, "approve"]),
                {"approve-amount": str(Application.objects.get(pk=case).engine_amount)})
    assert Application.objects.get(pk=case).first_approved_by == people["approver"]
    page = client.get(reverse("applications:detail", args=[case])).content.decode()
    assert f"已由 {people['approver']} 审批，待第二审批人确认" in page
    assert actions_on_page(page) == set()  # no button that leads to a 403
    assert "审批（待第二审批人确认）" in page  # the timeline
    home = {row["key"]: row for row in client.get(reverse("portal:home")).context["today"]}
    assert "second_approvals" not in home  # not this approver's to confirm

    client.force_login(people["approver2"])
    page = client.get(reverse("applications:detail", args=[case])).content.decode()
    assert {"approve", "refuse", "return_approval"} <= actions_on_page(page)
    assert "确认批准（第二审批人）" in page and 'name="approve-amount"' not in page
    home = {row["key"]: row for row in client.get(reverse("portal:home")).context["today"]}
    row = home["second_approvals"]
    assert row["n"] == 1
    listed = client.get(row["url"])
    assert listed.context["page"].paginator.count == 1
    assert 'data-testid="awaiting-second"' in listed.content.decode()
    response = client.post(reverse("applications:act", args=[case, "approve"]))
    assert response.status_code == 302
    assert Application.objects.get(pk=case).state == "approved"
