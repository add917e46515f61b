import json

from django.core.management import call_command

from jiuzhu.exchange.models import ImportJob
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region


def test_bench_import_reports_and_leaves_nothing_behind(db, capsys):
    call_command("bench_import", households=30)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["households"] == 30
    assert result["members"] >= 30
    assert {"seconds_parse_validate", "seconds_write", "seconds_total", "reader_requests",
            "reader_errors", "reader_p99_ms"} <= set(result)
    assert (result["reader_requests"], result["reader_errors"]) == (0, 0)
    assert Household.objects.count() == 0
    assert ImportJob.objects.count() == 0
    assert Household.all_objects.count() == 0
    assert Region.objects.count() == 0
