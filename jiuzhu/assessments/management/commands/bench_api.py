import json
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client

from jiuzhu.accounts.models import User
from jiuzhu.accounts.services import token_create
from jiuzhu.regions.services import region_get_or_create
from jiuzhu.rules.synthetic import generate_dicts


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = ("基准测试：POST /api/v1/assess 一户一次，在进程内经过完整的中间件和认证，"
            "打印一行 JSON（p50/p99 毫秒）。")

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1000)

    def handle(self, *args, requests: int, **options):
        bodies = [json.dumps(h, default=float) for h in generate_dicts(min(requests, 500))]
        try:
            with transaction.atomic():
                province = region_get_or_create(code="99", name="示范省", level="province")
                user = User.objects.create(username="bench-api-user", role="administrator",
                                           region=province)
                client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
                for body in bodies[:20]:  # warm up: parameter files, imports
                    client.post("/api/v1/assess", data=body, content_type="application/json")
                times = []
                for i in range(requests):
                    started = time.perf_counter()
                    response = client.post("/api/v1/assess", data=bodies[i % len(bodies)],
                                           content_type="application/json")
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
                raise _Rollback
        except _Rollback:
            pass
        times.sort()
        self.stdout.write(json.dumps({
            "requests": requests,
            "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
            "max_ms": round(times[-1], 2),
        }))
