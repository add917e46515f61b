"""The read replica of reports and dashboards (``DATABASE_REPLICA_URL``, jiuzhu/core/routers.py).

The tests give the running test database a second alias, ``replica``, configured as Django's
test mirror of ``default`` (what ``settings.py`` writes when the variable is set): a separate
connection to the same database, so what went through it shows in its own query log. The
data is committed (``transaction=True``) so that the second connection sees it."""

from __future__ import annotations

import copy
import runpy
from datetime import date

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiuzhu.core.routers import REPLICA, PrimaryReplicaRouter, on_replica, replica_alias
from jiuzhu.monitoring import selectors
from jiuzhu.monitoring.models import MonthlySnapshot
from jiuzhu.monthly import selectors as monthly_selectors
from jiuzhu.monthly.models import ReportDraft
from jiuzhu.testing import UserFactory

ROUTERS = ["jiuzhu.core.routers.PrimaryReplicaRouter"]


@pytest.fixture(scope="module")
def replica():
    """``replica``: a test mirror of ``default``, with the router installed (module scope:
    the alias must exist before the test case that lists it is set up)."""
    from django.db import router

    default = connections["default"].settings_dict
    mirror = copy.deepcopy(default)
    mirror["TEST"] = {**mirror.get("TEST", {}), "MIRROR": "default"}
    with pytest.MonkeyPatch.context() as patch:
        # settings.DATABASES is the dict the connection handler reads its aliases from
        patch.setitem(settings.DATABASES, REPLICA, mirror)
        patch.setattr(settings, "DATABASE_ROUTERS", ROUTERS)
        patch.setattr(router, "routers", [PrimaryReplicaRouter()])
        connection = connections[REPLICA]
        connection.force_debug_cursor = True
        yield connection
        connection.close()
        del connections[REPLICA]


WITH_REPLICA = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _tables(context: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in context.captured_queries)


def test_without_a_replica_the_alias_is_default(monkeypatch):
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)
    assert replica_alias() == "default"
    with on_replica() as alias:
        assert alias == "default"
    assert PrimaryReplicaRouter().db_for_read(MonthlySnapshot) == "default"


def test_settings_add_the_replica_only_when_the_variable_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv("JIUZHU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@primary.example:5432/jiuzhu")
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    plain = runpy.run_path(str(settings.BASE_DIR / "settings.py"))
    assert set(plain["DATABASES"]) == {"default"}
    assert "DATABASE_ROUTERS" not in plain
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader:pw@replica.example:5432/jiuzhu")
    loaded = runpy.run_path(str(settings.BASE_DIR / "settings.py"))
    replica = loaded["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.example" and replica["USER"] == "reader"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert "jit=off" in replica["OPTIONS"]["options"]  # the same tuning as default
    assert loaded["DATABASES"]["default"]["HOST"] == "primary.example"
    assert loaded["DATABASE_ROUTERS"] == ROUTERS


@WITH_REPLICA
def test_the_dashboard_reads_through_the_replica_and_writes_go_to_default(replica, tree):
    supervisor = UserFactory(username="sup", role="supervisor", region=tree["county"])
    month = selectors.ctx_for().month
    MonthlySnapshot.objects.create(
        region=tree["county"], region_path=tree["county"].path, month=month,
        figures={"charts": [{"key": "coverage", "tables": []}],
                 "computed_at": timezone.now().isoformat()},
        computed_at=timezone.now())
    default = connections["default"]
    # the county's dashboard: its snapshot is read through the replica, nothing from default
    with CaptureQueriesContext(replica) as on_replica_log, \
            CaptureQueriesContext(default) as on_default_log:
        data = selectors.figures(supervisor, tree["county"])
    assert data["snapshot"] is True and data["charts"][0]["key"] == "coverage"
    assert "monitoring_monthlysnapshot" in _tables(on_replica_log)
    assert "monitoring_monthlysnapshot" not in _tables(on_default_log)
    # a village's dashboard is computed live, its reads on the replica too
    with CaptureQueriesContext(replica) as on_replica_log, \
            CaptureQueriesContext(default) as on_default_log:
        live = selectors.figures(supervisor, tree["village1"])
    assert live["snapshot"] is False
    assert "households_household" in _tables(on_replica_log)
    assert "households_household" not in _tables(on_default_log)
    # writes go to default, also for an object read from the replica
    snapshot = selectors.snapshot_of(tree["county"], month)
    assert snapshot is not None and snapshot._state.db == REPLICA
    snapshot.figures = {**snapshot.figures, "note": "x"}
    with CaptureQueriesContext(replica) as on_replica_log, \
            CaptureQueriesContext(default) as on_default_log:
        snapshot.save()
        MonthlySnapshot.objects.create(region=tree["town1"], region_path=tree["town1"].path,
                                       month=month, figures={}, computed_at=timezone.now())
    assert not on_replica_log.captured_queries
    written = _tables(on_default_log)
    assert "UPDATE" in written and "INSERT" in written
    assert MonthlySnapshot.objects.using("default").get(pk=snapshot.pk).figures["note"] == "x"
    # outside the report selectors, reads stay on default
    with CaptureQueriesContext(replica) as on_replica_log:
        assert MonthlySnapshot.objects.count() == 2
    assert not on_replica_log.captured_queries


@WITH_REPLICA
def test_the_monthly_report_reads_its_draft_through_the_replica(replica, tree):
    month = date(2026, 11, 1)
    ReportDraft.objects.create(region=tree["county"], region_path=tree["county"].path,
                               month=month, figures={"month": "2026-11", "rows": []},
                               computed_at=timezone.now())
    with CaptureQueriesContext(replica) as on_replica_log, \
            CaptureQueriesContext(connections["default"]) as on_default_log:
        report = monthly_selectors.report(tree["county"], month)
    assert report["draft"] and report["closed"] is None
    assert "monthly_reportdraft" in _tables(on_replica_log)
    assert "monthly_reportdraft" not in _tables(on_default_log)
