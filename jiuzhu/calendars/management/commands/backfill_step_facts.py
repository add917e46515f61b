"""``jiuzhu backfill_step_facts``: build the processing-time facts (办理时效, ``StepFact``)
of the cases that existed before the facts were kept, from their step records (办理记录).

Idempotent: a fact already kept (same kind, case, step and start day) is left as it is, so
the command may run again at any time; the progress is printed per kind."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.calendars.services import fact_sources, facts_backfill


class Command(BaseCommand):
    help = "Build the step facts (processing times) of existing cases from their step records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", action="append", default=[],
                            help="only this kind (application, intake_item, emergency)")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = fact_sources()
        wanted = options["kind"] or sorted(sources)
        unknown = [kind for kind in wanted if kind not in sources]
        if unknown:
            raise CommandError(f"未知的类别：{', '.join(unknown)}（可选：{', '.join(sorted(sources))}）")
        for kind in wanted:
            facts, count = sources[kind]
            self.stdout.write(f"{kind}: {count()} 件，开始")

            def progress(n: int, kind: str = kind) -> None:
                self.stdout.write(f"{kind}: 已处理 {n} 个环节")

            added = facts_backfill(kind, facts(), progress=progress)
            self.stdout.write(f"{kind}: 新增 {added} 条办理时效")
