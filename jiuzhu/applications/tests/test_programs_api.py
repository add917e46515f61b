"""The other programmes through the same paperless procedure, via the HTTP API:
MZ02 低保边缘, MZ03 特困, MZ06 刚性支出困难 (recognitions with notice), MZ04 临时救助 and
MZ05 急难先行救助 (amount entered by the reviewer, capped, township or county decides)."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.applications.models import Application
from jiuzhu.catalogue.selectors import item_in_force
from jiuzhu.documents.tests.conftest import pdf_text
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict

from .conftest import completed_verification, files
from .test_procedure_api import investigation_body


def register(staff, members, **extra):
    return household_register(actor=staff["window"], data=household_dict(members=members, **extra))


@pytest.fixture
def elderly(staff):
    """A 76-year-old alone without income: special hardship (rural 2026: 936 + 333)."""
    return register(staff, [member_dict(birth=date(1950, 3, 3), occupation="none",
                                        care_level="partial")])


@pytest.fixture
def low_income(staff):
    """One earner of 46 with 10 000 a year: P = 833.33, between 720 and 1080 (MZ02)."""
    return register(staff, [member_dict(birth=date(1980, 1, 1), occupation="fixed_employment",
                                        income={"wages": 10000})], expenditures={})


@pytest.fixture
def rigid(staff):
    """Wages 40 000, medical 24 000.01 (> 0.6 G): rigid-expenditure hardship (MZ06)."""
    return register(staff, [member_dict(birth=date(1980, 1, 1), occupation="fixed_employment",
                                        income={"wages": 40000})],
                    expenditures={"medical": Decimal("24000.01")})


@pytest.fixture
def hardship(staff):
    """Two members, a recent hardship event: temporary assistance possible; rural 2026
    standard 720 → cap 6 × 720 × 2 = 8640, township limit 3 × 720 × 2 = 4320."""
    return register(staff, [
        member_dict(birth=date(1980, 1, 1), occupation="fixed_employment", income={"wages": 30000}),
        member_dict(member_id="M2", name="李四", relation="spouse", birth=date(1982, 1, 1),
                    occupation="fixed_employment", income={"wages": 20000}),
    ], flags={"recent_hardship_event": True})


def create(api, household, item_code):
    materials = item_in_force(item_code).materials
    response = api.post("window", "/api/v1/applications",
                        {"household_id": household.household_id, "item_code": item_code,
                         "channel": "window", "files": files(*materials)})
    assert response.status_code == 201, response.content
    return response.json()


def run(api, pk, steps):
    last = None
    for who, action, body, state in steps:
        response = api.act(who, pk, action, body)
        assert response.status_code == 200, (action, response.content)
        last = response.json()
        assert last["state"] == state, action
    return last


def checks(household, staff):
    verification = completed_verification(household, staff["verifier"])
    return [("reviewer", "assign_investigation", {"investigators": ["i1", "i2"]}, "accepted"),
            ("verifier", "record_verification", {"request_id": verification}, "accepted")]


def recognition_path(api, household, item_code, clock, approve_body=None):
    from jiuzhu.accounts.models import User

    staff = {"verifier": User.objects.get(username="v1")}
    app = create(api, household, item_code)
    assert app["item_code"] == item_code
    assert app["number"].startswith(item_code)
    pk = app["id"]
    run(api, pk, [("window", "accept", {}, "accepted"), *checks(household, staff),
                  ("investigator", "record_investigation", investigation_body(), "opinion"),
                  ("reviewer", "submit_opinion", {"recommend": "approve"}, "notice"),
                  ("reviewer", "publish_notice", {}, "notice")])
    clock["today"] = date(2026, 3, 9)
    run(api, pk, [("reviewer", "close_notice", {}, "decision")])
    assert api.act("reviewer", pk, "approve", approve_body).status_code == 403  # county decides
    return run(api, pk, [("approver", "approve", approve_body, "approved")])


def test_mz03_special_hardship_amount_is_the_members_sum(api, elderly, clock):
    approved = recognition_path(api, elderly, "MZ03", clock)
    assert approved["engine_amount"] == "1269.00"  # round(1.3 × 720) + round(2000 / 6)
    assert approved["approved_amount"] == "1269.00"
    assert approved["start_month"] == "2026-04-01"  # monthly, in the payroll
    assert approved["review_class"] == "A"
    codes = {d["code"] for d in approved["documents"]}
    assert {"D01", "D03", "D04", "D05", "D06", "D07", "D08", "D12"} <= codes
    assert not codes & {"D13", "D15"}  # dibao-worded documents are MZ01's
    # The decision record names the item and the amount, not dibao.
    pdf = api.get("approver", f"/api/v1/applications/{approved['id']}/documents/D12")
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "特困人员救助供养审核确认表" in text and "■准予特困人员救助供养" in text
    assert "1269.00元" in text and "最低生活保障" not in text


def test_mz02_low_income_recognition_has_no_amount(api, low_income, clock):
    approved = recognition_path(api, low_income, "MZ02", clock)
    assert approved["engine_amount"] is None and approved["approved_amount"] is None
    assert approved["start_month"] is None  # not paid
    assert approved["final_due_date"] is not None


def test_mz06_rigid_expense_recognition(api, rigid, clock):
    # G 40 000, D 24 000.01 > 0.6 G; net 15 999.99 → P 1333.33 > L 1080; 12 P < 21 600.
    approved = recognition_path(api, rigid, "MZ06", clock)
    assert approved["state"] == "approved" and approved["approved_amount"] is None
    # Valid 12 months from the decision (15-programs.md); then no longer "receiving".
    assert approved["valid_until"] == "2027-03-08" and approved["start_month"] is None
    from jiuzhu.intake.selectors import items_receiving

    assert "MZ06" in items_receiving(rigid)
    clock["today"] = date(2027, 3, 8)
    assert "MZ06" in items_receiving(rigid)
    clock["today"] = date(2027, 3, 9)
    assert "MZ06" not in items_receiving(rigid)


def test_a_recognition_is_valid_to_the_day_before_the_same_date_a_year_on():
    from jiuzhu.applications.programs import valid_until

    assert valid_until(date(2026, 3, 9), 12) == date(2027, 3, 8)
    assert valid_until(date(2026, 1, 1), 12) == date(2026, 12, 31)
    assert valid_until(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert valid_until(date(2026, 8, 31), 6) == date(2027, 2, 27)


def test_a_recognition_the_rules_refuse_cannot_be_recommended(api, elderly, clock, staff):
    pk = create(api, elderly, "MZ02")["id"]  # P = 0 < standard: dibao, not low-income
    run(api, pk, [("window", "accept", {}, "accepted"), *checks(elderly, staff),
                  ("investigator", "record_investigation", investigation_body(), "opinion")])
    refused = api.act("reviewer", pk, "submit_opinion", {"recommend": "approve"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "recommend"
    assert "低于低保标准" in refused.json()["errors"][0]["message"]
    assert Application.objects.get(pk=pk).state == "opinion"
    run(api, pk, [("reviewer", "submit_opinion", {"recommend": "refuse", "reasons": "应申请低保"},
                   "decision"),
                  ("approver", "refuse", {"reasons": "不符合低保边缘家庭条件"}, "refused")])


def temporary_to_decision(api, household, item_code, amount):
    app = create(api, household, item_code)
    pk = app["id"]
    run(api, pk, [("window", "accept", {}, "accepted"),
                  ("reviewer", "assign_investigation", {"investigators": ["i1", "i2"]}, "accepted"),
                  # no verification needed: the home investigation completes the checks
                  ("investigator", "record_investigation", investigation_body(), "opinion")])
    return pk, api.act("reviewer", pk, "submit_opinion", {"recommend": "approve", "amount": amount})


@pytest.mark.parametrize("item_code", ["MZ04", "MZ05"])
def test_temporary_assistance_above_the_cap_is_refused_naming_amount(api, hardship, clock,
                                                                     item_code):
    pk, response = temporary_to_decision(api, hardship, item_code, "8640.01")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["path"] == "amount"
    assert "8640.00" in body["errors"][0]["message"]
    assert Application.objects.get(pk=pk).state == "opinion"
    missing = api.act("reviewer", pk, "submit_opinion", {"recommend": "approve"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "amount"


@pytest.mark.parametrize("item_code", ["MZ04", "MZ05"])
def test_temporary_assistance_up_to_the_township_limit_is_decided_by_the_township(
        api, hardship, clock, item_code, staff):
    pk, response = temporary_to_decision(api, hardship, item_code, "4320.00")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "decision"  # no public notice
    approved = run(api, pk, [("reviewer2", "approve", {}, "approved")])
    assert approved["approved_amount"] == "4320.00"
    assert approved["start_month"] == "2026-03-01"  # one payment, in this month's payroll
    assert approved["valid_until"] is None
    from jiuzhu.payments.models import Payment
    from jiuzhu.payments.services import payroll_generate

    township = Application.objects.get(pk=pk).region
    march = payroll_generate(actor=staff["reviewer"], township=township, month=date(2026, 3, 1))
    assert march.count == 1 and march.total == Decimal("4320.00")
    april = payroll_generate(actor=staff["reviewer"], township=township, month=date(2026, 4, 1))
    assert april.count == 0
    assert Payment.objects.filter(application_id=pk).count() == 1


def test_temporary_assistance_above_the_township_limit_needs_the_county(api, hardship, clock):
    pk, response = temporary_to_decision(api, hardship, "MZ04", "4320.01")
    assert response.status_code == 200
    assert api.act("reviewer", pk, "approve").status_code == 403
    approved = run(api, pk, [("approver", "approve", {}, "approved")])
    assert approved["approved_amount"] == "4320.01"


def test_the_approver_may_not_raise_temporary_assistance_above_the_cap(api, hardship, clock):
    pk, _response = temporary_to_decision(api, hardship, "MZ04", "1000.00")
    refused = api.act("approver", pk, "approve",
                      {"amount": "9000.00", "override_reason": "灾情严重"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "amount"
    raised = api.act("reviewer", pk, "approve", {"amount": "5000.00", "override_reason": "灾情严重"})
    assert raised.status_code == 403  # above the township limit: the county decides
    assert Application.objects.get(pk=pk).state == "decision"


def test_mz05_total_limit_is_the_catalogue_limit(api, hardship, clock):
    pk = create(api, hardship, "MZ05")["id"]
    accepted = run(api, pk, [("window", "accept", {}, "accepted")])
    assert accepted["final_due_date"] == "2026-03-03"  # 1 working day (catalogue)
    mz04 = create(api, hardship, "MZ04")["id"]
    accepted = run(api, mz04, [("window", "accept", {}, "accepted")])
    assert accepted["final_due_date"] == "2026-03-16"  # 10 working days


def test_items_outside_the_procedure_are_refused_naming_item_code(api, hardship, clock):
    response = api.post("window", "/api/v1/applications",
                        {"household_id": hardship.household_id, "item_code": "JY01",
                         "channel": "window"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "item_code"


def test_acceptance_needs_the_catalogue_materials(api, hardship, clock):
    response = api.post("window", "/api/v1/applications",
                        {"household_id": hardship.household_id, "item_code": "MZ04",
                         "channel": "window", "files": files("身份证")})
    pk = response.json()["id"]
    refused = api.act("window", pk, "accept")
    assert refused.status_code == 422
    assert "困难情况说明" in refused.json()["errors"][0]["message"]


def test_the_open_application_shows_as_receiving_in_the_prescription(api, hardship, clock, staff):
    from jiuzhu.assessments.prescription import household_prescription

    create(api, hardship, "MZ04")
    result = household_prescription(actor=staff["window"], household=hardship)
    assert {e["item_code"]: e["status"] for e in result.entries}["MZ04"] == "receiving"
