"""One-way hooks of the verification app: the procedure upstairs (applications) registers
here in its ``AppConfig.ready()``; verification never imports it.

* :func:`on_completed` — called once, when every source of a request has answered, inside
  the transaction that saved the last answer, with ``(request)``. A request made for a
  case (``request.case_number``) is linked to that case by its listener. A listener that
  raises undoes the answer (it is asked again by the next run), so listeners refuse
  quietly what they cannot do.
"""

from __future__ import annotations

from jiuzhu.core.hooks import Hook

completed = Hook("verification.completed")
on_completed = completed.register
