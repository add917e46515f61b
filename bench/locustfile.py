"""Load test of a province's daily mix (issue #15 item 6): ``make bench-load``.

Users sign in through the login page as the load-test users that ``jiuzhu bench_users``
writes (with their search terms) to ``BENCH_USERS_FILE``, in a database holding the generated
province 98 of ``jiuzhu bench_dashboard --keep`` (1,000,000 households), and then do, with a
think time of ``BENCH_WAIT`` seconds (``1-3``) between pages:

* window workers (8 of 10 users), in the demo county's benchmark township whose complete
  synthetic households the 大处方 can assess (province 98 has no assistance parameters):
  search a household by ID number and by name, open the household, its 大处方 page and the
  new request form for it;
* the demo county's 教育局 officer: the inbox (待办, 2,000 requests);
* a supervisor of the province's first county: its dashboard (综合看板).

At the end it prints, per page, the requests, failures, median, p99 (milliseconds) and
throughput (requests/s), then the same as one JSON line (``"benchmark": "load"``).
Not a test: it lives outside ``jiuzhu/`` and pytest never collects it; locust is installed by
the ``bench`` extra only.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

with open(os.environ.get("BENCH_USERS_FILE", "bench-users.json"), encoding="utf-8") as _file:
    PLAN = json.load(_file)
PASSWORD = PLAN["password"]
_low, _high = (float(x) for x in os.environ.get("BENCH_WAIT", "1-3").split("-"))


def _pool(role: str) -> itertools.cycle:
    users = [u for u in PLAN["users"] if u["role"] == role]
    if not users:
        raise SystemExit(f"no {role} user in {os.environ.get('BENCH_USERS_FILE')}")
    return itertools.cycle(users)


WINDOWS, OFFICERS, SUPERVISORS = _pool("window"), _pool("officer"), _pool("supervisor")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    abstract = True
    wait_time = between(_low, _high)
    pool: itertools.cycle

    def on_start(self) -> None:
        self.account = next(self.pool)
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        with self.client.post(
                "/accounts/login/", name="login", allow_redirects=False,
                data={"username": self.account["username"], "password": PASSWORD,
                      "csrfmiddlewaretoken": token.group(1) if token else ""},
                headers={"Referer": self.host + "/accounts/login/"},
                catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account['username']}: "
                                 f"HTTP {response.status_code}")

    def page(self, url: str, name: str, **kwargs: object) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True,
                             **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Window(Staff):
    weight = 8
    pool = WINDOWS

    def household(self) -> int:
        return random.choice(self.account["households"])

    @task(3)
    def search_id_number(self) -> None:
        if self.account["id_numbers"]:
            self.page("/intake/households/?q=" + random.choice(self.account["id_numbers"]),
                      "search by ID number", headers={"HX-Request": "true"})

    @task(2)
    def search_name(self) -> None:
        if self.account["names"]:
            self.page("/intake/households/?q=" + random.choice(self.account["names"]),
                      "search by name", headers={"HX-Request": "true"})

    @task(3)
    def open_household(self) -> None:
        self.page(f"/households/{self.household()}/", "household page")

    @task(2)
    def prescription(self) -> None:
        self.page(f"/assessments/household/{self.household()}/prescription/", "大处方 page")

    @task(2)
    def new_request(self) -> None:
        self.page(f"/intake/new/?household={self.household()}", "new request form")


class Officer(Staff):
    weight = 1
    pool = OFFICERS

    @task
    def inbox(self) -> None:
        self.page("/intake/inbox/", "officer's inbox")


class Supervisor(Staff):
    weight = 1
    pool = SUPERVISORS

    @task
    def dashboard(self) -> None:
        self.page(f"/dashboard/{self.account['dashboard']}/", "dashboard")


@events.quitting.add_listener
def _report(environment: object, **_kwargs: object) -> None:
    stats = environment.stats  # type: ignore[attr-defined]
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rows.append({"page": entry.name, "requests": entry.num_requests,
                     "failures": entry.num_failures,
                     "median_ms": entry.median_response_time,
                     "p99_ms": entry.get_response_time_percentile(0.99),
                     "rps": round(entry.total_rps, 2)})
    total = stats.total
    print(f"\n{'page':<24}{'requests':>10}{'failures':>10}{'median ms':>11}{'p99 ms':>9}"
          f"{'req/s':>8}")
    for row in rows:
        print(f"{row['page']:<24}{row['requests']:>10}{row['failures']:>10}"
              f"{row['median_ms']:>11}{row['p99_ms']:>9}{row['rps']:>8}")
    pages = [r for r in rows if not r["page"].startswith("login")]
    summary = {
        "benchmark": "load",
        "users": getattr(getattr(environment, "parsed_options", None), "num_users", None),
        "seconds": round(total.last_request_timestamp - total.start_time, 1)
        if total.last_request_timestamp else 0,
        "requests": total.num_requests, "failures": total.num_failures,
        "rps": round(total.total_rps, 2),
        "worst_p99_ms": max((r["p99_ms"] for r in pages), default=None),
        "pages": rows, "load_average": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(summary, ensure_ascii=False))
