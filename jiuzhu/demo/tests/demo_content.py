"""The demo county holds rows in every list a user opens — cases in every state with their
materials, documents, verifications, payroll, reviews, tip-offs, a visit photo, an import,
batch runs and assessments, most in 城关街道 and some in every township — made through the
services, and loading it a second time adds nothing.

Collected by ``test_small_county.py``, which loads the county once for these checks, the
demo users' walks (``jiuzhu/portal/tests/demo_walks.py``) and the ``jiuzhu demo`` command's
own checks."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

#: The administrator's own password, set before ``jiuzhu demo`` runs: loading the demo (once
#: or again) never changes an existing user's password.
ADMIN_OWN_PASSWORD = "Admin-own-2026"

TOWNSHIPS = ("990102001", "990102002", "990102003")


def _within(label: str, region):
    return apps.get_model(label).objects.within(region)


def test_cases_in_every_state_of_the_procedure(county):
    from jiuzhu.applications.models import Application

    town = county["990102001"]
    states = Counter(Application.objects.within(town).values_list("state", flat=True))
    for state in ("submitted", "awaiting_supplement", "accepted", "appraisal", "opinion",
                  "notice", "decision", "approved", "in_payment", "suspended", "refused",
                  "withdrawn"):
        assert states[state] >= 1, (state, states)
    items = set(Application.objects.within(county["990102"]).values_list("item_code", flat=True))
    assert {"MZ01", "MZ03", "MZ04"} <= items
    for code in TOWNSHIPS:
        assert Application.objects.within(county[code]).exists(), code
    assigned = Application.objects.within(town).filter(state="accepted").exclude(investigators=[])
    assert assigned.exists()
    assert Application.objects.within(town).filter(state="notice",
                                                   notice_published_on__isnull=False).exists()
    # the history names the people of the office, not only the system
    from jiuzhu.applications.models import ApplicationStep

    actors = set(ApplicationStep.objects.filter(application__in=Application.objects.within(town))
                 .values_list("actor__username", flat=True))
    assert {"window1", "reviewer1", "investigator1", "verifier1", "approver1"} <= actors
    # deadlines relative to today: some yellow, at least one red
    colours = Counter(Application.objects.within(county["990102"]).with_alert()
                      .values_list("alert", flat=True))
    assert colours["yellow"] >= 3 and colours["red"] >= 1, colours


def test_a_case_waits_for_its_second_approver(county):
    """四眼原则: the demo county's threshold (¥1,500/month); one case approved by approver1
    above it waits in 待审批 for approver2, on whose home page it is listed."""
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.models import Application, DutyRule
    from jiuzhu.applications.workflow import WORKFLOW
    from jiuzhu.portal.views import today_work

    assert DutyRule.objects.get(region=county["990102"]).second_approval_above == 1500
    [case] = Application.objects.within(county["990102"]).filter(
        state="decision", first_approved_at__isnull=False)
    first, second = User.objects.get(username="approver1"), User.objects.get(username="approver2")
    assert case.first_approved_by == first
    assert Decimal(case.first_approval["amount"]) > Decimal("1500.00")
    assert "approve" not in {a.name for a in WORKFLOW.available(first, case)}
    assert {"approve", "return_approval"} <= {a.name for a in WORKFLOW.available(second, case)}
    assert {row["key"]: row["n"] for row in today_work(second)}["second_approvals"] == 1


def test_materials_photos_and_documents(county):
    from jiuzhu.applications.models import Application, Attachment
    from jiuzhu.documents.models import Document

    town = county["990102001"]
    cases = Application.objects.within(town)
    kinds = set(Attachment.objects.filter(application__in=cases).values_list("kind", flat=True))
    assert {"material", "photo", "signature"} <= kinds
    approved = cases.filter(state__in=["approved", "in_payment"], item_code="MZ01").first()
    assert approved is not None
    codes = set(Document.objects.filter(object_id=str(approved.pk),
                                        content_type__model="application")
                .values_list("code", flat=True))
    assert {"D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10", "D11", "D12",
            "D13", "D15"} <= codes
    assert approved.verification.get("request_id")


def test_verifications_with_findings_some_decided(county):
    from jiuzhu.verification.models import Finding, VerificationRequest

    town = county["990102001"]
    requests = VerificationRequest.objects.within(town)
    assert requests.filter(status="complete").exists()
    assert all(r.authorisation for r in requests)
    statuses = Counter(Finding.objects.filter(request__in=requests).values_list("status", flat=True))
    assert statuses["open"] >= 1 and statuses["accepted"] + statuses["dismissed"] >= 1, statuses


def test_verification_follows_the_cases_and_a_department_file_waits(county):
    """Accepted cases asked for their verification with the application's authorisation
    (some completed and recorded on the case, some in verifier1's queue); a department
    file waits on the import page."""
    from jiuzhu.accounts.demo import demo_user
    from jiuzhu.applications.models import Application
    from jiuzhu.verification.models import SourceImport, VerificationRequest

    verifier = demo_user("verifier1")
    from_cases = VerificationRequest.objects.visible_to(verifier).exclude(case_number="")
    assert from_cases.filter(status="complete").exists()
    assert from_cases.exclude(status="complete").exists()  # waiting in the queue
    linked = Application.objects.filter(number__in=from_cases.values("case_number"),
                                        verification_recorded=True)
    assert linked.exists()
    waiting = SourceImport.objects.visible_to(verifier).get()
    assert waiting.status == "previewed" and waiting.summary["new"] >= 1 and waiting.changes


def test_payrolls_and_bank_accounts(county):
    from jiuzhu.applications.models import Application
    from jiuzhu.payments.models import BankAccount, Payroll
    from jiuzhu.payments.months import add_months, month_of

    town = county["990102001"]
    month = month_of(timezone.localdate())
    current = Payroll.objects.get(township=town, month=month)
    assert current.status == "draft" and current.count >= 1
    previous = Payroll.objects.get(township=town, month=add_months(month, -1))
    assert previous.status == "confirmed" and previous.count >= 1
    paid = Application.objects.within(county["990102"]).filter(
        state__in=["approved", "in_payment", "suspended"]).values("household")
    assert paid.exists()
    assert BankAccount.objects.filter(household__in=paid).count() == \
        len({row["household"] for row in paid})


def test_reviews_and_tipoffs(county):
    from jiuzhu.supervision.models import ReviewTask, TipOff

    town = county["990102001"]
    tasks = ReviewTask.objects.within(town)
    assert tasks.filter(status="open").exists()
    assert tasks.filter(status="open", due_on__lt=timezone.localdate()).count() >= 1
    assert ReviewTask.objects.within(county["990102"]).filter(status="done").exists()
    states = set(TipOff.objects.within(county["990102"]).values_list("status", flat=True))
    assert states == {"open", "closed"}
    assert TipOff.objects.within(town).exists()


def test_visit_photo_import_batch_runs_and_assessments(county):
    from jiuzhu.assessments.models import Assessment, BatchRun
    from jiuzhu.exchange.models import ImportJob
    from jiuzhu.households.models import Household
    from jiuzhu.leads.models import VisitPhoto, VisitTask

    town = county["990102001"]
    assert VisitPhoto.objects.filter(task__in=VisitTask.objects.within(town)).exists()
    job = ImportJob.objects.within(town).get()
    assert job.status == "done", (job.status, job.errors)
    assert Household.objects.filter(household_id__startswith="H99010200100180").count() == 3
    for code in TOWNSHIPS:
        assert BatchRun.objects.filter(region=county[code], status="done").exists(), code
    assert Assessment.objects.filter(household__in=Household.objects.within(town)).exists()


def test_every_household_lives_in_a_grid_and_grid1_sees_its_own(county):
    from jiuzhu.accounts.models import User
    from jiuzhu.households.models import Household

    households = Household.objects.within(county["990102"])
    assert households.exists() and not households.filter(grid__isnull=True).exists()
    grid1 = User.objects.get(username="grid1")
    seen = Household.objects.visible_to(grid1)
    assert seen.exists()
    assert set(seen.values_list("grid__code", flat=True)) == {"990102001001001"}


def test_loading_again_adds_nothing(county):
    labels = ["households.Household", "households.Member", "applications.Application",
              "applications.ApplicationStep", "applications.Attachment", "documents.Document",
              "verification.VerificationRequest", "verification.Finding", "payments.Payroll",
              "payments.Payment", "payments.BankAccount", "supervision.ReviewTask",
              "supervision.TipOff", "leads.Lead", "leads.VisitTask", "leads.VisitPhoto",
              "exchange.ImportJob", "assessments.BatchRun", "assessments.Assessment",
              "intake.Request", "audit.AuditEvent", "funds.Fund", "funds.LedgerEntry",
              "emergency.EmergencyCase", "emergency.FirstHelp", "emergency.Referral",
              "assessments.Monitoring", "supervision.PhaseOut", "intake.RequestItem",
              "intake.ItemStep", "calendars.StepFact", "core.Counter"]
    labels = [label for label in labels if _model(label) is not None]

    def counts():
        return {label: _model(label).objects.count() for label in labels}

    before = counts()
    again = StringIO()
    call_command("demo", per_village=1, stdout=again, stderr=StringIO())
    assert "新增 0 户" in again.getvalue(), again.getvalue()
    from jiuzhu.accounts.models import User

    assert User.objects.get(username="admin").check_password(ADMIN_OWN_PASSWORD)
    after = counts()
    changed = {k: (before[k], after[k]) for k in labels if before[k] != after[k]}
    assert not changed, changed


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def test_investigator1_finds_the_assigned_cases_in_my_investigations(county):
    """The demo assigns people, not typed names: investigator1 and the family's village
    assistant or grid worker, so 我的调查 has rows (#10 item 7)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.selectors import my_investigations

    investigator = User.objects.get(username="investigator1")
    waiting = my_investigations(investigator).filter(state="accepted",
                                                     investigation_recorded=False)
    assert waiting.exists()
    for case in waiting:
        people = list(case.investigator_users.values_list("role", flat=True))
        assert len(people) >= 2 and "investigator" in people, people
    assert my_investigations(investigator).filter(investigation_recorded=True).exists()


def test_emergency_cases_and_funds_in_every_township(county):
    """The funds demo's reserves pay the emergency demo's help; every township has cases, so
    every duty list has rows (#11)."""
    from jiuzhu.emergency.models import EmergencyCase
    from jiuzhu.funds.models import Fund

    for code in TOWNSHIPS:
        assert Fund.objects.within(county[code]).filter(kind="reserve").exists(), code
        assert EmergencyCase.objects.within(county[code]).exists(), code
    town = EmergencyCase.objects.within(county["990102001"])
    assert set(town.values_list("state", flat=True)) >= {
        "helped", "awaiting_county", "closed", "in_procedure", "monitoring"}
    assert set(EmergencyCase.objects.values_list("level", flat=True)) == {
        "red", "yellow", "blue", "green"}
    assert EmergencyCase.objects.filter(source="lead", lead__urgency="critical").exists()


def test_station_posted_a_need_that_was_served(county):
    """station1's love station posted a 幸福云 need for a family it reported, served and
    confirmed, so the station's page counts a service delivered (#12)."""
    from jiuzhu.xingfu.models import ServiceNeed

    need = ServiceNeed.objects.filter(station__name="城关街道东门社区爱心驿站").get()
    assert need.state == "confirmed" and need.posted_by.username == "station1"


# --- the history of #13 (jiuzhu.demo.history) ------------------------------------------------------

def _months_back(n: int):
    from jiuzhu.payments.months import add_months, month_of

    this_month = month_of(timezone.localdate())
    return [add_months(this_month, -k) for k in range(1, n + 1)]


def test_history_24_confirmed_payrolls_per_township_with_payments(county):
    """Every township has a confirmed payroll for each of the 24 months before this one,
    its total the sum of its payments; the recipients grow over the two years."""
    from django.db.models import Sum

    from jiuzhu.payments.models import Payment, Payroll

    months = _months_back(24)
    for code in TOWNSHIPS:
        payrolls = Payroll.objects.filter(township=county[code], month__in=months)
        assert payrolls.filter(status="confirmed").count() == 24, code
        for payroll in payrolls:
            paid = Payment.objects.filter(payroll=payroll).aggregate(s=Sum("amount"))["s"]
            assert payroll.total == (paid or 0) and payroll.count == payroll.payments.count()
            assert payroll.file and payroll.sha256
    county_paid = Payment.objects.within(county["990102"])
    # decided from the first month, paid from the month after it
    oldest, newest = months[-2], months[0]
    assert 0 < county_paid.filter(month=oldest).count() <= county_paid.filter(month=newest).count()


def test_history_every_programme_decided_with_its_document(county):
    """低保 (urban and rural), 特困, 低收入, 临时救助 decided over the two years, each with its
    decision document (D13 for 低保, D12 otherwise); refused and withdrawn cases closed."""
    from jiuzhu.applications.models import Application
    from jiuzhu.documents.models import Document

    months = _months_back(24)
    cases = Application.objects.within(county["990102"]).filter(
        decided_at__date__lt=months[0], decided_at__date__gte=months[-1])
    decided = cases.filter(state__in=["approved", "in_payment", "stopped"])
    # the tests' county (one household a village) has dibao of one kind; the full demo
    # county has both urban and rural (the exchange file of last month: 88 urban, 126 rural)
    assert decided.filter(item_code="MZ01").exists()
    for item in ("MZ02", "MZ03"):
        assert decided.filter(item_code=item).exists(), item
    # temporary one-offs: the history's (the full county) or the demo's own cases (the tests'
    # small county leaves the history no family for them)
    assert Application.objects.within(county["990102"]).filter(item_code="MZ04").exists()
    assert cases.filter(state="refused").exists()
    assert Application.objects.within(county["990102"]).filter(
        state="withdrawn", submitted_at__date__lt=months[0]).exists()
    for case in decided:
        code = "D13" if case.item_code == "MZ01" else "D12"
        assert Document.objects.filter(content_type__model="application",
                                       object_id=str(case.pk), code=code).exists(), case.number
    # the case's path carries the people and the days it happened
    first = decided.filter(item_code="MZ01").order_by("decided_at").first()
    steps = list(first.steps.order_by("at").values_list("action", "at"))
    assert steps[0][0] == "create" and "approve" in [a for a, _at in steps]
    assert steps[-1][1].date() < timezone.localdate()


def test_history_reviews_done_phased_out_stopped_and_overdue(county):
    from jiuzhu.applications.models import Application
    from jiuzhu.supervision.models import PhaseOut, ReviewTask

    tasks = ReviewTask.objects.within(county["990102"])
    outcomes = Counter(tasks.filter(status="done").values_list("outcome", flat=True))
    assert outcomes["unchanged"] >= 1 and outcomes["phase_out"] >= 1 and outcomes["stop"] >= 1
    assert PhaseOut.objects.filter(ended=True).exists()
    stopped = Application.objects.within(county["990102"]).filter(state="stopped")
    assert stopped.filter(steps__action="phase_out_end").exists()
    assert stopped.filter(steps__action="review_stop").exists()
    from jiuzhu.payments.models import Payment

    for case in stopped:  # no payment after the month the stop took effect
        effective = case.steps.filter(to_state="stopped").values_list("data", flat=True)[0]
        assert not Payment.objects.filter(application=case,
                                          month__gte=effective["effective_month"]).exists()


def test_history_tipoffs_and_emergency_cases_over_the_months(county):
    from jiuzhu.emergency.models import EmergencyCase
    from jiuzhu.supervision.models import TipOff

    long_ago = _months_back(6)[-1]
    # the tip-offs of the history need free families the tests' small county may not have
    assert TipOff.objects.within(county["990102"]).exists()
    old = EmergencyCase.objects.within(county["990102"]).filter(opened_at__date__lt=long_ago)
    assert old.filter(state="closed").exists()


def test_history_intake_items_of_every_department_in_every_inbox(county):
    """Items of all 12 departments decided over the months (some late), and each
    department's officer finds open items in the inbox."""
    from django.db.models import F

    from jiuzhu.accounts.models import User
    from jiuzhu.catalogue.models import Department
    from jiuzhu.intake.models import RequestItem
    from jiuzhu.intake.selectors import officer_inbox

    departments = set(Department.objects.values_list("code", flat=True))
    assert len(departments) == 12
    items = RequestItem.objects.within(county["990102"])
    finished = items.filter(state="finished", finished_on__lt=_months_back(1)[0])
    assert set(finished.values_list("department_code", flat=True)) == departments
    assert finished.filter(finished_on__gt=F("due_date")).exists()  # some late
    for code in departments:
        officer = User.objects.get(username=f"officer_{code}")
        assert officer_inbox(officer).exists(), code
