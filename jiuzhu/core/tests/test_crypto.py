"""Personal data encrypted at rest with SM4-GCM, searched through an HMAC-SM3 blind index."""

import io
import os
import stat

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from jiuzhu.core import crypto
from jiuzhu.households.models import Household, Member
from jiuzhu.households.services import household_register
from jiuzhu.payments.models import BankAccount
from jiuzhu.testing import household_dict

NEW_KEY = "ffeeddccbbaa99887766554433221100"


def _raw(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def registered(window_worker):
    data = household_dict(household_id="H1", phone="13812345678")
    household = household_register(actor=window_worker, data=data)
    BankAccount.objects.create(household=household, bank_name="农商行",
                               account_number="6228480012345678901", holder_name="张三")
    return household, data


@pytest.fixture
def ring(monkeypatch):
    """The keyring as the test leaves it, restored afterwards."""
    yield monkeypatch
    monkeypatch.undo()
    crypto.reset()


def test_raw_tables_hold_no_plain_id_number_phone_or_account(registered):
    household, data = registered
    numbers = [m["id_number"] for m in data["members"]]
    dump = repr([
        _raw("SELECT * FROM households_member"), _raw("SELECT * FROM households_historicalmember"),
        _raw("SELECT * FROM households_household"),
        _raw("SELECT * FROM households_historicalhousehold"),
        _raw("SELECT * FROM payments_bankaccount")])
    for plain in [*numbers, "13812345678", "6228480012345678901"]:
        assert plain not in dump
    assert [m.id_number for m in Member.objects.filter(household=household)] == numbers
    assert Household.objects.get(pk=household.pk).phone == "13812345678"
    assert BankAccount.objects.get().account_number == "6228480012345678901"
    stored = _raw("SELECT id_number FROM households_member ORDER BY id")[0][0]
    assert stored.startswith(crypto.current().kid + "$")


def test_lookups_by_id_number_go_through_the_blind_index(registered):
    household, data = registered
    number = data["members"][1]["id_number"]
    assert Member.objects.get(id_number=number).name == "李四"
    assert Member.objects.get(id_number=number.lower()).name == "李四"  # normalised
    assert Member.objects.filter(id_number__in=[number, "X"]).count() == 1
    assert list(Household.objects.filter(members__id_number=number)) == [household]
    assert not Member.objects.filter(id_number="110101199001011234").exists()
    assert not Member.objects.filter(id_number__in=[]).exists()
    with pytest.raises(FieldError):
        list(Member.objects.filter(id_number__startswith=number[:6]))


def test_a_changed_ciphertext_does_not_decrypt(registered):
    stored = _raw("SELECT id_number FROM households_member ORDER BY id")[0][0]
    tampered = stored[:-4] + ("AAAA" if stored[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.DataKeyError):
        crypto.decrypt(tampered)


def test_rotate_key_reencrypts_everything_and_everything_still_reads(registered, ring):
    household, data = registered
    old = crypto.current().kid
    ring.setenv(crypto.ENV, f"{NEW_KEY},{os.environ[crypto.ENV]}")
    crypto.reset()
    new = crypto.current().kid
    assert new != old
    number = data["members"][0]["id_number"]
    # Before the rotation the old rows are still read and found.
    assert Member.objects.get(id_number=number).name == "张三"
    out = io.StringIO()
    call_command("rotate_key", batch=1, stdout=out)
    assert "households.Member: 2/2" in out.getvalue()  # progress, batch by batch
    for table, column in [("households_member", "id_number"),
                          ("households_historicalmember", "id_number"),
                          ("households_household", "phone"),
                          ("payments_bankaccount", "account_number")]:
        kids = {v[:9] for (v,) in _raw(f"SELECT {column} FROM {table}") if v}
        assert kids == {new + "$"}, table
    # Only the new key is needed now.
    ring.setenv(crypto.ENV, NEW_KEY)
    crypto.reset()
    assert Member.objects.get(id_number=number).name == "张三"
    assert Household.objects.get(pk=household.pk).phone == "13812345678"
    assert BankAccount.objects.get().account_number == "6228480012345678901"


def test_reseal_encrypts_rows_written_before_encryption_and_is_resumable(registered):
    household, data = registered
    number = data["members"][0]["id_number"]
    with connection.cursor() as cursor:  # as a row from before the data migration
        cursor.execute("UPDATE households_member SET id_number = %s, id_number_index = '' "
                       "WHERE household_id = %s AND member_id = 'M1'", [number, household.pk])
    assert Member.objects.get(household=household, member_id="M1").id_number == number
    assert crypto.reseal(Member) == 1
    assert crypto.reseal(Member) == 0  # nothing left: a second run does nothing
    assert number not in repr(_raw("SELECT * FROM households_member"))
    assert Member.objects.get(id_number=number).member_id == "M1"


def test_key_file_created_0600_in_a_0700_folder_with_a_log_line(ring, settings, tmp_path, caplog):
    ring.delenv(crypto.ENV)
    settings.DATA_KEY_FILE = tmp_path / "keys" / "data.key"
    crypto.reset()
    with caplog.at_level("WARNING", logger="jiuzhu.crypto"):
        key = crypto.current()
    assert "Created a new SM4 data key" in caplog.text
    assert stat.S_IMODE(settings.DATA_KEY_FILE.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.DATA_KEY_FILE.parent.stat().st_mode) == 0o700
    crypto.reset()
    assert crypto.current().key == key.key  # read back, not made again
    assert crypto.decrypt(crypto.encrypt("13812345678")) == "13812345678"


def test_every_personal_field_is_encrypted():
    from django.apps import apps

    sealed = {(m._meta.label, f.name) for m in apps.get_models()
              for f in crypto.sealed_fields(m)[0]}
    assert {("households.Member", "id_number"), ("households.HistoricalMember", "id_number"),
            ("households.Household", "phone"), ("households.HistoricalHousehold", "phone"),
            ("payments.BankAccount", "account_number"), ("leads.Lead", "id_number"),
            ("leads.Lead", "phone"), ("leads.Lead", "reporter_phone"),
            ("intake.Request", "applicant_id_number"), ("intake.Request", "applicant_phone"),
            ("intake.Request", "agent_id_number"), ("intake.Request", "agent_phone")} <= sealed


def test_update_and_bulk_update_keep_the_blind_index(registered):
    """No way to write an ID number past its blind index: update(), bulk_update(),
    save(update_fields=…) and the household's related manager all rewrite it."""
    from django.db.models import F

    household, _ = registered
    member = household.members.first()
    Member.objects.filter(pk=member.pk).update(id_number="110101199001010011")
    assert Member.objects.get(id_number="110101199001010011").pk == member.pk
    household.members.filter(pk=member.pk).update(id_number="110101199001010022")
    assert Member.objects.filter(id_number="110101199001010022").count() == 1
    assert not Member.objects.filter(id_number="110101199001010011").exists()

    member.refresh_from_db()
    member.id_number = "110101199001010033"
    Member.objects.bulk_update([member], ["id_number"])
    assert Member.objects.get(id_number="110101199001010033").pk == member.pk

    member.id_number = "110101199001010044"
    member.save(update_fields=["id_number"])
    assert Member.objects.get(id_number="110101199001010044").pk == member.pk
    assert not Member.objects.filter(id_number="110101199001010033").exists()

    with pytest.raises(FieldError, match="encrypted"):
        Member.objects.filter(pk=member.pk).update(id_number=F("name"))
    assert Member.objects.get(id_number="110101199001010044").pk == member.pk
