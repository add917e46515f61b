"""What the registry search (家庭档案, ``household_search``) finds: one or two characters
match the start of a name or of its given name; three or more match anywhere in the names
and the address; the household number and the ID number match exactly. Run on SQLite and
on PostgreSQL (where each is an indexed read: ``core/tests/test_explain.py``)."""

from datetime import date

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.households.selectors import household_search
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict, member_dict

pytestmark = pytest.mark.django_db

TOWN2_VILLAGE = "990102002001"


def _register(number: str, names: list[str], address: str,
              region_code: str = "990102001001") -> None:
    members = [member_dict(member_id=f"M{k + 1}", name=name,
                           relation="head" if k == 0 else "child",
                           birth=date(1970 + k * 20, 5, 1)) for k, name in enumerate(names)]
    household_register(actor=SYSTEM, data=household_dict(
        household_id=number, region_code=region_code, members=members, address=address))


@pytest.fixture
def registry(tree):
    _register("H1", ["王小明", "李秀英"], "示范县第1镇幸福村3组12号")
    _register("H2", ["小明华"], "示范县第1镇光明村1组")
    _register("H3", ["赵大力", "欧阳小明"], "示范县第1镇向阳村2组")
    _register("H4", ["钱多多"], "示范县第1镇幸福村5组")
    _register("H5", ["王小明"], "示范县第2镇幸福村1组", region_code=TOWN2_VILLAGE)


def found(user, q: str, **filters) -> list[str]:
    return [h.household_id for h in household_search(user=user, q=q, **filters)]


def test_two_characters_find_the_start_of_a_name_or_of_its_given_name(registry, window_worker):
    assert found(window_worker, "小明") == ["H1", "H2"]  # 王小明 (given name), 小明华 (name)
    assert found(window_worker, "秀英") == ["H1"]  # a member's given name, not the head's
    assert found(window_worker, "王小") == ["H1"]
    assert found(window_worker, "明华") == ["H2"]
    assert found(window_worker, "多多") == ["H4"]
    # 欧阳小明 holds 小明, 赵大力 holds 力: inside a name, not at a start
    assert "H3" not in found(window_worker, "小明") and found(window_worker, "力") == []


def test_one_character_finds_a_surname_or_a_given_names_first_character(registry, window_worker):
    assert found(window_worker, "王") == ["H1"]
    assert found(window_worker, "明") == ["H2"]  # 小明华's given name 明华; not 王小明
    assert found(window_worker, "阳") == ["H3"]  # 欧阳小明's given name as the rule cuts it


def test_short_queries_do_not_match_the_address(registry, window_worker):
    assert found(window_worker, "幸福") == []
    assert found(window_worker, "光明") == []  # H2's address only


def test_three_characters_find_names_and_addresses_anywhere(registry, window_worker):
    assert found(window_worker, "幸福村") == ["H1", "H4"]
    assert found(window_worker, "阳小明") == ["H3"]  # inside 欧阳小明
    assert found(window_worker, "小明华") == ["H2"]
    assert found(window_worker, "3组12") == ["H1"]
    assert found(window_worker, "王小明华") == []


def test_wildcards_are_plain_characters(registry, window_worker):
    assert found(window_worker, "%") == [] and found(window_worker, "_") == []
    assert found(window_worker, "%_%") == [] and found(window_worker, "王%") == []


def test_the_household_number_matches_exactly_in_either_case(registry, window_worker):
    assert found(window_worker, "H1") == ["H1"]
    assert found(window_worker, "h1") == ["H1"]
    assert found(window_worker, "H") == []


def test_the_id_number_matches_exactly(registry, window_worker):
    from jiuzhu.households.models import Member

    member = Member.objects.get(name="李秀英")
    assert found(window_worker, member.id_number) == ["H1"]
    assert found(window_worker, member.id_number[:17] + "0") == []


def test_the_search_stays_in_the_users_region_and_the_region_chosen(registry, tree,
                                                                   window_worker, superuser):
    town2 = UserFactory(username="window2", role="window_worker", region=tree["town2"])
    assert found(town2, "王小明") == ["H5"] and found(town2, "小明") == ["H5"]
    # the whole province (the members' part unrestricted) and a township (restricted)
    assert found(superuser, "小明") == ["H1", "H2", "H5"]
    assert found(superuser, "王小明") == ["H1", "H5"]
    assert found(superuser, "小明", region_code=tree["town2"].code) == ["H5"]
    assert found(superuser, "幸福村", region_code=tree["village1"].code) == ["H1", "H4"]
    assert found(window_worker, "小明", region_code=tree["county"].code) == ["H1", "H2"]


def test_a_household_is_listed_once_however_many_of_its_rows_match(registry, window_worker):
    assert found(window_worker, "小明", status="") == ["H1", "H2"]
    assert household_search(user=window_worker, q="王小明").count() == 1
    assert household_search(user=window_worker, q="第1镇").count() == 4


def test_the_search_box_says_what_it_matches(client, window_worker):
    from django.urls import reverse

    client.force_login(window_worker)
    html = client.get(reverse("households:list")).content.decode()
    assert 'aria-describedby="id_q_help"' in html
    assert "按姓或名的开头查找" in html and "三个字以上查姓名和住址" in html
