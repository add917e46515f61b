"""``jiuzhu audit verify`` as the audit tests read it."""

from __future__ import annotations

from django.core.management import CommandError, call_command


def verify_result() -> tuple[int, str]:
    """The command's exit code and message (0 and "" when the chain is intact)."""
    try:
        call_command("audit", "verify", verbosity=0)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""
