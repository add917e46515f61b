"""One-way hooks of the leads app: apps on top (emergency) register here in their
``AppConfig.ready()``; leads never imports them (``applications/events.py`` is the pattern).

* :func:`on_critical_lead` — called when a lead with urgency ``critical`` (紧急: 断炊, 无处居住
  …) has a household: when it is recorded naming an active household (its ID number), or
  when it is converted into a household record. Called inside that transaction, after the
  lead is saved with its household, with ``(lead, actor=…)``; a callback that raises undoes
  the recording or the conversion. Emergency opens a case from it at once
  (``emergency.services.open_from_lead``), which goes to the township's duty list.
"""

from __future__ import annotations

from jiuzhu.core.hooks import Hook

critical_lead = Hook("leads.critical_lead")
on_critical_lead = critical_lead.register


def critical_lead_callbacks() -> tuple:
    """The registered callbacks (for tests)."""
    return critical_lead.callbacks
