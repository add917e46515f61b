"""The ``jiuzhu`` command: Django's management commands with Jiuzhu's settings.

``jiuzhu assess FILE.json``, ``jiuzhu demo``, ``jiuzhu token create --user NAME``,
``jiuzhu migrate``, ``jiuzhu db_worker`` … are all management commands of the apps.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "jiuzhu"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
