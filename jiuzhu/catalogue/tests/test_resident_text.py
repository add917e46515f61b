"""Every catalogue item explained in a resident's words (给居民的说明): in the YAML and the
database, editable with the item like its other texts (a new version, audited), shown on the
resident pages and in the handbook's resident view — without codes, coefficients or
formulas."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.catalogue import services
from jiuzhu.catalogue.excel import export_workbook, read_workbook
from jiuzhu.catalogue.loader import fill_texts, read_catalogue
from jiuzhu.catalogue.models import Item
from jiuzhu.catalogue.selectors import item_in_force, items_in_force
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db

# Words of the rules, not of a resident.
JARGON = re.compile(r"劳动力系数|系数|一票否决|分类施保|人均可支配|倍数|×|[=<>≤≥]|\b[A-Z]\b(?! 级)|\d+\.\d+ ?×")


@pytest.fixture
def admin(tree):
    return UserFactory(username="admin1", role="administrator", region=tree["county"])


def test_every_item_has_a_short_plain_text_for_residents():
    entries = read_catalogue()["items"]
    assert len(entries) == 39
    for entry in entries:
        text = entry.get("resident_text", "").strip()
        assert 30 <= len(text) <= 200, (entry["code"], len(text))
        assert not JARGON.search(text), (entry["code"], JARGON.search(text))
        assert entry["code"] not in text
    for item in items_in_force():
        assert item.resident_text, item.code
    assert "低保标准" in item_in_force("MZ01").resident_text
    assert "80 周岁" in item_in_force("MZ08").resident_text


def test_the_migration_fills_only_empty_texts():
    Item.objects.filter(code="MZ01").update(resident_text="")
    Item.objects.filter(code="MZ02").update(resident_text="本县自己的说法")
    assert fill_texts(Item, fields=("resident_text",)) == 1
    assert item_in_force("MZ01").resident_text.startswith("全家人的收入")
    assert item_in_force("MZ02").resident_text == "本县自己的说法"


def test_an_administrator_revises_it_as_a_new_version_audited(admin):
    tomorrow = timezone.localdate() + timedelta(days=1)
    item = services.item_revise(actor=admin, code="MZ08", valid_from=tomorrow,
                                note="说明写得更直白", resident_text="家里有 80 岁以上老人的，每月可以领钱。")
    assert item_in_force("MZ08", tomorrow).resident_text == "家里有 80 岁以上老人的，每月可以领钱。"
    assert item_in_force("MZ08").resident_text.startswith("本县户口")
    event = AuditEvent.objects.get(object_type="catalogue.item", object_id=str(item.pk))
    assert "resident_text" in event.detail["changes"]
    # and through the item page's form
    assert "resident_text" in services.EDITABLE


def test_the_admin_form_and_the_excel_carry_it(client, admin):
    client.force_login(admin)
    page = client.get("/catalogue/admin/items/MZ08/").content.decode()
    assert "给居民的说明" in page and item_in_force("MZ08").resident_text in page
    rows = dict((row["code"], row) for _n, row in read_workbook(export_workbook(items_in_force())))
    assert rows["MZ01"]["resident_text"] == item_in_force("MZ01").resident_text


def test_the_handbooks_resident_view(client, window_worker):
    client.force_login(window_worker)
    staff = client.get("/catalogue/handbook/").content.decode()
    assert "居民版" in staff
    page = client.get("/catalogue/handbook/?view=resident").content.decode()
    assert page.count('data-testid="resident-text"') == 39
    assert item_in_force("MZ03").resident_text in page and "平台核算" not in page
    found = client.get("/catalogue/handbook/?view=resident&q=高龄",
                       HTTP_HX_REQUEST="true").content.decode()
    assert item_in_force("MZ08").resident_text in found and "?view=resident" in found
    assert found.count('data-testid="resident-text"') < 39
    item = client.get("/catalogue/handbook/MZ03/?view=resident").content.decode()
    assert item_in_force("MZ03").resident_text in item
    assert item_in_force("MZ03").conditions not in item and "劳动力系数" not in item
    # the staff page shows both
    item = client.get("/catalogue/handbook/MZ03/").content.decode()
    assert item_in_force("MZ03").resident_text in item and "劳动力系数" in item


def test_the_resident_items_page_shows_the_plain_texts(client, tree):
    session = client.session
    session["selfservice_draft"] = {"id": "x" * 24, "raw": {}, "uploads": {},
                                    "identity": {"name": "王秀英"}, "household": {"members": [1]}}
    session.save()
    page = client.get("/self/apply/items/").content.decode()
    assert page.count('data-testid="resident-text"') == 39
    assert item_in_force("MZ01").resident_text in page
    assert "劳动力系数" not in page and "一票否决" not in page
