"""The tables of reviews and tip-offs declare the documents of every outcome, and the pages
offer only what the tables allow: a condition on the case that refuses an action (a case no
longer paid, no statement-and-defence notice yet) shows a disabled button with the reason."""

from __future__ import annotations

import re

from jiuzhu.applications.models import Application
from jiuzhu.supervision.choices import Closure, Outcome
from jiuzhu.supervision.models import TipOff
from jiuzhu.supervision.services import (
    REVIEW_WORKFLOW,
    TIPOFF_WORKFLOW,
    review_schedule,
    tipoff_record,
    tipoff_statement_notice,
)


def test_documents_are_declared_for_every_outcome():
    run = REVIEW_WORKFLOW.action("run")
    assert set(run.documents) == set(Outcome.values)  # type: ignore[arg-type]
    assert set(run.possible_documents()) == {"D16", "D17", "D18"}
    close = TIPOFF_WORKFLOW.action("close")
    assert set(close.documents) == set(Closure.values)  # type: ignore[arg-type]
    assert close.possible_documents() == ("D19", "D24", "D17")


def _form(page: str, action: str) -> str:
    match = re.search(rf'<form[^>]*data-action="{action}".*?</form>', page, re.S)
    assert match, action
    return match.group(0)


def test_the_review_button_says_why_a_case_no_longer_paid_cannot_be_reviewed(client, approved,
                                                                             people):
    task = review_schedule(approved)
    url = f"/supervision/reviews/{task.pk}/"
    client.force_login(people["reviewer"])
    page = client.get(url).content.decode()
    assert 'data-action="run"' in page and "disabled" not in page.split('data-action="run"')[1][:40]
    Application.objects.filter(pk=approved.pk).update(state="stopped")
    page = client.get(url).content.decode()
    assert 'data-action="run" disabled title="' in page and 'data-testid="not-allowed"' in page
    assert client.post(url).status_code == 409
    client.force_login(people["supervisor"])  # sees reviews, does not run them
    assert 'data-action="run"' not in client.get(url).content.decode()


def test_tip_off_actions_refused_by_the_case_are_disabled_with_the_reason(client, approved,
                                                                          people, clock):
    supervisor = people["supervisor"]
    tipoff_record(actor=supervisor, household=approved.household, source="letter",
                  content="举报", received_on=clock["today"])
    tip_off = TipOff.objects.get()
    url = f"/supervision/tipoffs/{tip_off.pk}/"
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "disabled" in _form(page, "recover") and "D23" in _form(page, "recover")
    assert "disabled" in _form(page, "suspend")  # approved, not yet in payment
    assert "disabled" not in _form(page, "interview") and "disabled" not in _form(page, "close")
    tipoff_statement_notice(actor=supervisor, tip_off=tip_off, decision="责令退还", facts="隐瞒")
    assert "disabled" not in _form(client.get(url).content.decode(), "recover")
    client.force_login(people["reviewer"])  # may not open tip-offs at all
    assert client.get(url).status_code == 403
