"""The dibao procedure's transitions (django-fsm-2): source and target states only.

Who may act, what each action needs and the documents it produces live in
``services.py``; a state changes only through these methods, called from there.
"""

from __future__ import annotations

from django_fsm import RETURN_VALUE, transition

from .choices import BEFORE_DECISION, State

S = State


class ApplicationWorkflow:
    """Mixed into :class:`Application`."""

    @transition(field="state", source=S.SUBMITTED, target=S.AWAITING_SUPPLEMENT)
    def request_supplement(self) -> None:
        pass

    @transition(field="state", source=S.AWAITING_SUPPLEMENT, target=S.SUBMITTED)
    def submit_supplement(self) -> None:
        pass

    @transition(field="state", source=S.SUBMITTED, target=S.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field="state", source=S.SUBMITTED, target=S.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field="state", source=S.ACCEPTED, target=S.ACCEPTED)
    def assign_investigation(self) -> None:
        pass

    @transition(field="state", source=S.ACCEPTED, target=S.ACCEPTED)
    def record_investigation(self) -> None:
        pass

    @transition(field="state", source=S.ACCEPTED, target=S.ACCEPTED)
    def record_verification(self) -> None:
        pass

    @transition(field="state", source=S.ACCEPTED, target=RETURN_VALUE(S.APPRAISAL, S.OPINION))
    def checks_done(self, *, appraisal: bool) -> str:
        return S.APPRAISAL if appraisal else S.OPINION

    @transition(field="state", source=S.APPRAISAL, target=S.OPINION)
    def record_appraisal(self) -> None:
        pass

    @transition(field="state", source=S.OPINION, target=RETURN_VALUE(S.NOTICE, S.DECISION))
    def submit_opinion(self, *, approve: bool) -> str:
        return S.NOTICE if approve else S.DECISION

    @transition(field="state", source=S.NOTICE, target=S.NOTICE)
    def publish_notice(self) -> None:
        pass

    @transition(field="state", source=S.NOTICE,
                target=RETURN_VALUE(S.NOTICE, S.ACCEPTED, S.APPRAISAL))
    def record_objection(self, *, founded: bool, return_to: str) -> str:
        if not founded:
            return S.NOTICE
        return S.APPRAISAL if return_to == "appraisal" else S.ACCEPTED

    @transition(field="state", source=S.NOTICE, target=S.DECISION)
    def close_notice(self) -> None:
        pass

    @transition(field="state", source=S.DECISION, target=S.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field="state", source=S.DECISION, target=S.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field="state", source=list(BEFORE_DECISION), target=S.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field="state", source=[S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.ACCEPTED,
                                       S.APPRAISAL, S.OPINION, S.NOTICE, S.DECISION],
                target=RETURN_VALUE(*BEFORE_DECISION, S.DECISION))
    def extend_deadline(self) -> str:
        return self.state  # type: ignore[attr-defined]

    @transition(field="state", source=S.APPROVED, target=S.IN_PAYMENT)
    def start_payment(self) -> None:
        pass

    @transition(field="state", source=S.IN_PAYMENT, target=S.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(field="state", source=S.SUSPENDED, target=S.IN_PAYMENT)
    def resume(self) -> None:
        pass

    @transition(field="state", source=[S.APPROVED, S.IN_PAYMENT, S.SUSPENDED], target=S.STOPPED)
    def stop(self) -> None:
        pass

    @transition(field="state", source=[S.APPROVED, S.IN_PAYMENT, S.SUSPENDED],
                target=RETURN_VALUE(S.APPROVED, S.IN_PAYMENT, S.SUSPENDED))
    def review(self) -> str:
        return self.state  # type: ignore[attr-defined]
