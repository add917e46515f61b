"""The 数据上报 part of the demo county (called by ``jiuzhu.demo.loader`` after the history):
last month's exchange file of 示范县, produced through the services by the county
supervisor (``supervisor1``) once the checks pass.

If the history leaves problems in last month, the demo fixes the one kind it may fix as a
worker would — a recipient whose decision document (D13/D12) was never issued gets it
issued now through ``applications.documents.issue_documents`` — and says what else it
found; a month with other problems stays unproduced and its page lists them. Idempotent: a
produced month is left as it is."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.payments.months import add_months
from jiuzhu.regions.models import Region

from .checks import DECISION_CODE, DEFAULT_DECISION_CODE
from .choices import CheckKind, SubmissionState
from .models import Submission
from .selectors import recipients
from .services import problems_of, submission_build, submission_request

COUNTY_CODE = "990102"
PRODUCER = "supervisor1"


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _issue_missing_decisions(county: Region, month: Any, numbers: set[str]) -> int:
    from jiuzhu.applications.documents import issue_documents

    cases = [c for c in recipients(month, region=county) if c.number in numbers]
    for case in cases:
        with transaction.atomic():
            issue_documents(case, SYSTEM, [DECISION_CODE.get(case.item_code,
                                                             DEFAULT_DECISION_CODE)])
    return len(cases)


def load(stdout: Any = None) -> None:
    """Idempotent; through the services."""
    from jiuzhu.accounts.models import User

    county = Region.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    month = add_months(timezone.localdate().replace(day=1), -1)
    if Submission.objects.filter(region=county, month=month,
                                 state=SubmissionState.PRODUCED).exists():
        return
    if not recipients(month, region=county).exists():
        _say(stdout, f"数据上报：{month:%Y-%m} 没有救助对象，未生成上报数据包")
        return
    problems = problems_of(county, month)
    missing = {p.application_number for p in problems if p.kind == CheckKind.NO_DECISION}
    if missing:
        fixed = _issue_missing_decisions(county, month, missing)
        _say(stdout, f"数据上报：补发 {fixed} 份审批决定文书")
        problems = problems_of(county, month)
    if problems:
        _say(stdout, f"数据上报：{month:%Y-%m} 有 {len(problems)} 个问题须整改，未生成上报数据包")
        return
    actor = User.objects.filter(username=PRODUCER).first() or SYSTEM
    submission = submission_request(actor=actor, region=county, month=month)
    # built here, not by the worker: the demo is complete when the loader returns
    built = submission_build(submission_id=submission.pk)
    _say(stdout, f"数据上报：{month:%Y-%m} 上报数据包 {built.get_state_display()}，"
                 f"{built.manifest.get('records', 0)} 户次")
