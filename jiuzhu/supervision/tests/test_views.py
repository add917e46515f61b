"""The review and tip-off pages."""

from datetime import date

from jiuzhu.documents.models import Document
from jiuzhu.payments.services import payroll_generate
from jiuzhu.supervision.models import ReviewTask, TipOff
from jiuzhu.supervision.services import review_schedule


def test_the_review_list_shows_overdue_tasks_in_red_and_runs_a_review(client, approved, people,
                                                                      clock):
    task = review_schedule(approved)
    clock["today"] = date(2027, 5, 1)
    client.force_login(people["reviewer"])
    page = client.get("/supervision/reviews/").content.decode()
    assert approved.number in page and 'data-overdue="1"' in page
    assert client.get(f"/supervision/reviews/{task.pk}/").status_code == 200
    assert client.post(f"/supervision/reviews/{task.pk}/").status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "unchanged"
    assert "维持" in client.get(f"/supervision/reviews/{task.pk}/").content.decode()
    assert ReviewTask.objects.filter(application=approved, status="open").count() == 1


def test_review_pages_are_404_elsewhere_and_403_for_other_roles(client, approved, people):
    task = review_schedule(approved)
    client.force_login(people["other_reviewer"])
    assert client.get(f"/supervision/reviews/{task.pk}/").status_code == 404
    assert approved.number not in client.get("/supervision/reviews/").content.decode()
    client.force_login(people["window"])
    assert client.get("/supervision/reviews/").status_code == 403
    assert client.post(f"/supervision/reviews/{task.pk}/").status_code == 403


def test_a_tip_off_through_the_pages(client, approved, people, tree, clock):
    payroll_generate(actor=people["reviewer"], township=tree["town1"], month=date(2026, 4, 1))
    client.force_login(people["supervisor"])
    clock["today"] = date(2026, 5, 6)
    created = client.post("/supervision/tipoffs/", {
        "household_id": approved.household.household_id, "source": "letter",
        "received_on": "2026-05-06", "content": "举报该户有经营收入"})
    assert created.status_code == 302
    tip_off = TipOff.objects.get()
    url = f"/supervision/tipoffs/{tip_off.pk}/"
    assert "举报该户有经营收入" in client.get(url).content.decode()
    refused = client.post(url + "recover/", {"from_month": "2026-04", "to_month": "2026-04",
                                             "reasons": "经营收入未申报"})
    assert refused.status_code == 409 and "D23" in refused.content.decode()
    assert client.post(url + "statement/", {"decision": "责令退还", "facts": "经营收入未申报"}
                       ).status_code == 302
    assert client.post(url + "recover/", {"from_month": "2026-04", "to_month": "2026-04",
                                          "reasons": "经营收入未申报"}).status_code == 302
    assert str(approved.approved_amount) in client.get(url).content.decode()
    assert client.post(url + "suspend/", {"reasons": "核查期间"}).status_code == 302
    assert client.post(url + "close/", {"summary": "举报属实", "findings": "有经营收入",
                                        "decision": "none"}).status_code == 302
    tip_off.refresh_from_db()
    approved.refresh_from_db()
    assert tip_off.status == "closed" and approved.state == "suspended"
    assert {"D19", "D21", "D22", "D23", "D24"} <= set(
        Document.objects.for_owner(approved).values_list("code", flat=True))


def test_tip_off_pages_are_404_elsewhere_and_403_for_other_roles(client, approved, people):
    from jiuzhu.supervision.services import tipoff_record

    tip_off = tipoff_record(actor=people["supervisor"], household=approved.household,
                            source="phone", content="x", received_on=date(2026, 5, 1))
    client.force_login(people["other_supervisor"])
    assert client.get(f"/supervision/tipoffs/{tip_off.pk}/").status_code == 404
    assert client.post(f"/supervision/tipoffs/{tip_off.pk}/suspend/",
                       {"reasons": "x"}).status_code == 404
    client.force_login(people["reviewer"])
    assert client.get("/supervision/tipoffs/").status_code == 403
    assert client.get(f"/supervision/tipoffs/{tip_off.pk}/").status_code == 403


def _copies(application, n):
    """More cases of the same household, as rows for the list pages."""
    from jiuzhu.applications.models import Application

    fields = {f.attname: getattr(application, f.attname) for f in Application._meta.concrete_fields
              if f.attname not in ("id", "number", "query_code", "state")}
    return [Application.objects.create(**fields, state=application.state,
                                       number=f"{application.number}-{i}", query_code=f"QC{i:06d}")
            for i in range(n)]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_pages_do_not_query_per_row(client, approved, people):
    from jiuzhu.supervision.services import tipoff_record

    review_schedule(approved)
    tipoff_record(actor=people["supervisor"], household=approved.household, source="phone",
                  content="x", received_on=date(2026, 5, 1), application=approved)
    client.force_login(people["supervisor"])
    one = (_queries(client, "/supervision/reviews/"), _queries(client, "/supervision/tipoffs/"))
    for copy in _copies(approved, 3):
        review_schedule(copy)
        tipoff_record(actor=people["supervisor"], household=approved.household, source="phone",
                      content="x", received_on=date(2026, 5, 1), application=copy)
    four = (_queries(client, "/supervision/reviews/"), _queries(client, "/supervision/tipoffs/"))
    assert four == one
