"""Deadlines and materials of a request as a resident reads them (receipt, request page,
progress page): per item the final deadline (办结期限; 办结日期 once decided), the running
step and its deadline, each marked 暂定 when it lies in a year the working-day calendar
does not know yet, what was received (原件已核验 or 扫描件), and what is still to be
brought with the day to bring it (一次性告知)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.applications.deadlines import Shown, date_provisional, known_years, shown

from .choices import ItemState
from .models import Request, RequestItem

#: The footnote under every list of dates that may hold a 暂定 one.
PROVISIONAL_NOTE = gettext_noop("标“暂定”的日期所在年度的法定节假日尚未公布，暂按双休日推算，"
                                "节假日安排公布后以实际为准。")


@dataclass
class ItemDeadline(Shown):
    """An item's :class:`Shown` (``decided``: the final date is the day it was finished,
    办结日期), with what was received and what is still to be brought by when."""

    item: RequestItem = field(kw_only=True)
    received: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_due: date | None = None
    missing_provisional: bool = False

    @property
    def final_display(self) -> str:
        if self.final_due is None:
            return self.final_text or "—"
        return self.final_due.isoformat() + (_("（暂定）") if self.final_provisional else "")

    @property
    def step_display(self) -> str:
        if not self.step_label:
            return "—"
        if self.step_due is None:
            return self.step_label
        return _("%(step)s：%(due)s 前") % {"step": self.step_label, "due": self.step_due.isoformat()} + (
            _("（暂定）") if self.step_provisional else "")

    @property
    def missing_due_display(self) -> str:
        if self.missing_due is None:
            return ""
        return self.missing_due.isoformat() + (_("（暂定）") if self.missing_provisional else "")


def received_labels(item: RequestItem) -> list[str]:
    """Each received material with how: 原件已核验, or 扫描件."""
    seen = {o.get("material") for o in item.originals or [] if isinstance(o, dict)}
    return [_("%(name)s（原件已核验）") % {"name": m} if m in seen else _("%(name)s（扫描件）") % {"name": m}
            for m in item.materials or []]


def item_deadline(item: RequestItem, known: frozenset[int] | None = None) -> ItemDeadline:
    known = known_years() if known is None else known
    if item.application_id is not None:
        app = item.application
        assert app is not None
        out = ItemDeadline(**vars(shown(app, known)), item=item, received=received_labels(item))
        if app.state == "awaiting_supplement":
            out.missing = list(app.missing_materials or [])
            out.missing_due = app.due_date
        out.missing_provisional = date_provisional(out.missing_due, known)
        return out
    if item.state in (ItemState.FINISHED, ItemState.RETURNED):
        return ItemDeadline(_("办结日期"), item.finished_on, False, "", "", None, False, True,
                            item=item, received=received_labels(item))
    out = ItemDeadline(_("办结期限"), item.due_date, date_provisional(item.due_date, known), "",
                       str(item.get_state_display()), None, False, False,
                       item=item, received=received_labels(item))
    if item.missing and item.state in (ItemState.TRANSFERRED, ItemState.MORE_REQUESTED):
        out.missing = list(item.missing)
        if item.state == ItemState.TRANSFERRED:
            out.missing_due = item.missing_due
            out.missing_provisional = date_provisional(item.missing_due, known)
    return out


def request_deadlines(request: Request) -> list[ItemDeadline]:
    items = request.items.all()  # the request page's selector prefetched them
    known = known_years()
    return [item_deadline(item, known) for item in items]


def any_provisional(rows: list[ItemDeadline]) -> bool:
    return any(r.final_provisional or r.step_provisional or r.missing_provisional for r in rows)
