"""``jiuzhu demo``: idempotent, never changes an existing user's password, and records
that the demo county was loaded (which lets the demo verification source answer there)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jiuzhu.accounts.demo import DEMO_PASSWORD, load_users
from jiuzhu.accounts.models import User
from jiuzhu.core.flags import DEMO_COUNTY, flag_value
from jiuzhu.regions.demo import load_regions
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_loading_the_users_keeps_an_existing_password():
    regions = load_regions()
    mine = UserFactory(username="window1", role="window_worker", region=regions["990102001"])
    mine.set_password("Mine-2026-secret")
    mine.save()
    load_users(regions)
    load_users(regions)
    mine.refresh_from_db()
    assert mine.check_password("Mine-2026-secret") and not mine.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="window2").check_password(DEMO_PASSWORD)


def test_the_demo_command_keeps_passwords_and_records_the_county():
    regions = load_regions()
    admin = UserFactory(username="admin", role="administrator", region=regions["99"],
                        is_superuser=True)
    admin.set_password("Admin-own-2026")
    admin.save()
    out = StringIO()
    call_command("demo", per_village=1, stdout=out, stderr=StringIO())
    assert "示范县已就绪" in out.getvalue() and "已有的 1 个账号密码未改动" in out.getvalue()
    admin.refresh_from_db()
    assert admin.check_password("Admin-own-2026")
    assert User.objects.get(username="approver1").check_password(DEMO_PASSWORD)
    assert flag_value(DEMO_COUNTY) == "990102"
    again = StringIO()
    call_command("demo", per_village=1, stdout=again, stderr=StringIO())
    assert "新增 0 户" in again.getvalue()
    admin.refresh_from_db()
    assert admin.check_password("Admin-own-2026")
