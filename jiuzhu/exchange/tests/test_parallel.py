"""A large file is validated and prepared by forked processes (``JIUZHU_IMPORT_PROCESSES``):
the same households, numbers, rows and errors as in one process; a failure in a process
fails the job and writes nothing."""

from __future__ import annotations

import os

import pytest

from jiuzhu.exchange import services
from jiuzhu.exchange.tests.workbooks import rich_household, run_import, workbook_bytes
from jiuzhu.households.models import Household, Member, Supporter, Vehicle
from jiuzhu.testing import household_dict

pytestmark = pytest.mark.django_db

PARENT = os.getpid()


class Pids:
    """The processes that made rows, told through a file (the children's memory is theirs)."""

    def __init__(self, path):
        self.path = path

    def add(self) -> None:
        with self.path.open("a") as out:
            out.write(f"{os.getpid()}\n")

    def seen(self) -> set[int]:
        return {int(p) for p in self.path.read_text().split()} if self.path.exists() else set()

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@pytest.fixture
def forked(settings, monkeypatch, tmp_path):
    """Files from one household on are worked on by two forked processes, two at a time."""
    settings.JIUZHU_IMPORT_PROCESSES = 2
    monkeypatch.setattr(services, "PARALLEL_FROM", 1)
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    monkeypatch.setattr(services, "VALIDATE_CHUNK", 2)
    pids = Pids(tmp_path / "pids")
    rows = services._Stage.rows

    def watched(stage, chunk):
        pids.add()
        return rows(stage, chunk)

    monkeypatch.setattr(services._Stage, "rows", watched)
    return pids


def _file() -> list[dict]:
    return [rich_household("新1"), *[household_dict(household_id=f"P{i:02d}") for i in range(5)],
            household_dict(household_id="新2")]


def _registry() -> list[tuple]:
    return sorted(
        (h.household_id, h.head_name, h.address, h.phone, h.staged_by,
         tuple((m.name, m.id_number, m.birth_date, m.wages) for m in h.members.all()),
         h.supporters.count(), h.vehicles.count())
        for h in Household.objects.prefetch_related("members"))


def test_the_processes_import_what_one_process_imports(
        forked, window_worker, tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    households = _file()
    content = workbook_bytes(households)
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)
    assert job.status == "done", job.errors
    made = forked.seen()
    assert made and PARENT not in made  # the rows were made in the children
    village = tree["village1"].code
    numbers = set(Household.objects.values_list("household_id", flat=True))
    assert {f"H{village}0001", f"H{village}0002"} <= numbers and len(numbers) == 7
    assert Member.objects.count() == sum(len(h["members"]) for h in households)
    assert Supporter.objects.count() == 1
    assert Vehicle.objects.count() == 2
    assert job.processed_rows == 7 and job.summary["households"] == 7
    in_parallel = _registry()

    # the same file again, in this process alone, into an empty registry
    Household.all_objects.all().delete()
    settings.JIUZHU_IMPORT_PROCESSES = 1
    forked.clear()
    job = run_import(window_worker, content, django_capture_on_commit_callbacks)
    assert job.status == "done", job.errors
    assert forked.seen() == {PARENT}
    alone = _registry()
    # the same rows but for the numbers the registry gave the two new households
    assert [r[1:] for r in in_parallel] == [r[1:] for r in alone]


def test_every_error_of_every_process_is_reported_in_order(
        forked, window_worker, django_capture_on_commit_callbacks):
    households = [household_dict(household_id=f"E{i:02d}") for i in range(7)]
    number = households[1]["members"][0]["id_number"]
    households[1]["members"][0]["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")
    households[6]["address"] = "x" * 5000
    households[4]["region_code"] = "990102999999"
    job = run_import(window_worker, workbook_bytes(households), django_capture_on_commit_callbacks)
    assert job.status == "failed"
    # the 家庭 sheet's rows first, then the 成员 sheet's
    assert [(e["sheet"], e["household_id"], e["column"]) for e in job.errors] == [
        ("家庭", "E04", "区划代码"), ("家庭", "E06", "住址"), ("成员", "E01", "身份证号")]
    assert not Household.all_objects.exists() and not Member.all_objects.exists()
    assert not forked.seen()  # nothing prepared for a file with errors


def test_a_failure_in_a_process_fails_the_job_and_leaves_nothing_staged(
        forked, window_worker, monkeypatch, django_capture_on_commit_callbacks):
    rows = services._Stage.rows

    def broken(stage, chunk):
        if chunk[0].household_id == "F04":
            raise RuntimeError("out of memory")
        return rows(stage, chunk)

    monkeypatch.setattr(services._Stage, "rows", broken)
    households = [household_dict(household_id=f"F{i:02d}") for i in range(7)]
    job = run_import(window_worker, workbook_bytes(households), django_capture_on_commit_callbacks)
    assert job.status == "failed" and "系统错误" in job.message
    assert not Household.all_objects.exists() and not Member.all_objects.exists()
    assert not Household.history.exists()
