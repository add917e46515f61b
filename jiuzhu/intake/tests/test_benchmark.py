"""`jiuzhu bench_intake` on a few households: every screen answers 200, one JSON line,
and the benchmark rows are gone afterwards."""

import io
import json

from django.core.management import call_command

from jiuzhu.households.models import Household
from jiuzhu.intake.models import Request


def test_bench_intake_command(db, tree):
    out = io.StringIO()
    call_command("bench_intake", households=60, requests=30, repeat=2, stdout=out)
    result = json.loads(out.getvalue())
    assert result["households"] == 60
    assert {name: s["status"] for name, s in result["screens"].items()} == dict.fromkeys(
        ["create", "create_prefilled", "search_id_number", "search_name_prefix", "search_address",
         "receipt", "queue", "detail", "inbox", "overdue", "track"], 200)
    assert all(s["median_ms"] > 0 for s in result["screens"].values())
    assert not Household.objects.filter(region__code="990102099001").exists()
    assert not Request.objects.filter(number__startswith="SLBENCH").exists()
