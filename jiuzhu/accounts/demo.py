"""The demo county's users: one per role, all with the demo password.

Only users that do not exist yet are created; an existing user (of the same name) keeps
its password, role and region — loading the demo never changes anybody's password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Organisation, User

if TYPE_CHECKING:
    from jiuzhu.regions.models import Region

DEMO_PASSWORD = "Jiuzhu@2026"

# (username, role, region code, full name[, department code])
DEMO_USERS: list[tuple[str, ...]] = [
    ("window1", "window_worker", "990102001", "王晓梅"),
    ("window2", "window_worker", "990102002", "刘建国"),
    ("window3", "window_worker", "990102003", "陈静"),
    ("assistant1", "village_assistant", "990102001001", "赵丽"),
    ("grid1", "grid_worker", "990102001001001", "孙强"),
    ("investigator1", "investigator", "990102001", "周明"),
    ("verifier1", "verification_officer", "990102", "吴芳"),
    ("reviewer1", "township_reviewer", "990102001", "郑伟"),
    ("approver1", "county_approver", "990102", "冯军"),
    # the second approver of 四眼原则 (amounts above the county's threshold need two)
    ("approver2", "county_approver", "990102", "蒋华"),
    ("officer1", "department_officer", "990102", "何敏", "JY"),
    ("officer2", "department_officer", "990102", "许文", "CL"),
    ("officer3", "department_officer", "990102", "韩雪", "WJ"),
    ("officer4", "department_officer", "990102", "曹阳", "ZJ"),
    ("supervisor1", "supervisor", "990102", "马云飞"),
    ("sysadmin1", "administrator", "990102", "林涛"),
    # one department officer per department of the catalogue (officer1–officer4 stay)
    ("officer_MZ", "department_officer", "990102", "彭丽", "MZ"),
    ("officer_HM", "department_officer", "990102", "石磊", "HM"),
    ("officer_SF", "department_officer", "990102", "罗娟", "SF"),
    ("officer_JY", "department_officer", "990102", "梁晨", "JY"),
    ("officer_ZJ", "department_officer", "990102", "宋涛", "ZJ"),
    ("officer_CL", "department_officer", "990102", "唐敏", "CL"),
    ("officer_RS", "department_officer", "990102", "邓华", "RS"),
    ("officer_WJ", "department_officer", "990102", "萧然", "WJ"),
    ("officer_GH", "department_officer", "990102", "田野", "GH"),
    ("officer_HS", "department_officer", "990102", "董洁", "HS"),
    ("officer_TW", "department_officer", "990102", "袁博", "TW"),
    ("officer_FL", "department_officer", "990102", "潘慧", "FL"),
]

#: Outside organisations (社会力量) of the demo county: (name, kind, region code, contact, phone).
DEMO_ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    ("示范县社会工作服务中心", "social_org", "990102", "黄晓燕", "0999-6001001"),
    ("示范县如家社会工作服务中心", "social_org", "990102", "江海", "0999-6001002"),
    ("示范县安康家政服务有限公司", "company", "990102", "毛建华", "0999-6002001"),
    ("示范县邻里助餐服务有限公司", "company", "990102", "贺春", "0999-6002002"),
    ("示范县顺心维修服务部", "company", "990102", "钟鸣", "0999-6002003"),
    ("示范县青年志愿者协会", "volunteer_team", "990102", "魏佳", "0999-6003001"),
    ("城关街道东门社区爱心驿站", "love_station", "990102001001", "龙梅", "0999-6004001"),
]

#: Users of outside organisations (50-api.md "Demo users added"):
#: (username, role, region code, full name, organisation name).
DEMO_OUTSIDE_USERS: list[tuple[str, str, str, str, str]] = [
    ("socialworker1", "social_worker", "990102", "黄晓燕", "示范县社会工作服务中心"),
    ("volunteer1", "provider", "990102", "魏佳", "示范县青年志愿者协会"),
    ("coordinator1", "coordinator", "990102", "江海", "示范县如家社会工作服务中心"),
    ("surveyor1", "surveyor", "990102", "沈立", "示范县如家社会工作服务中心"),
    ("station1", "station_keeper", "990102001001", "龙梅", "城关街道东门社区爱心驿站"),
]


def load_organisations(regions: dict[str, Region]) -> dict[str, Organisation]:
    """The demo county's outside organisations, created or found, by name."""
    out = {}
    for name, kind, code, contact, phone in DEMO_ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(region=regions[code], name=name, defaults={
            "kind": kind, "contact": contact, "phone": phone})
        out[name] = org
    return out


def _demo_account(username: str, **defaults: object) -> User:
    """The demo user ``username``, created with the demo password, or found unchanged."""
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_users(regions: dict[str, Region]) -> list[User]:
    """The demo users (``admin`` and one per role); returns them, created or found."""
    users = [_demo_account("admin", role="administrator", region=regions["99"],
                           full_name="超级管理员", is_superuser=True, is_staff=True)]
    for username, role, code, full_name, *department in DEMO_USERS:
        users.append(_demo_account(username, role=role, region=regions[code],
                                   full_name=full_name,
                                   department=department[0] if department else ""))
    organisations = load_organisations(regions)
    for username, role, code, full_name, organisation in DEMO_OUTSIDE_USERS:
        users.append(_demo_account(username, role=role, region=regions[code],
                                   full_name=full_name,
                                   organisation=organisations[organisation]))
    return users


def demo_user(username: str) -> User | None:
    """The demo user ``username`` when it is still what the demo made it (active, its demo
    role, inside its demo region): the other demo modules act as this person, so the
    history reads like a real office; ``None`` when it was changed (then they act as the
    system, or leave out what needs a person)."""
    wanted = {row[0]: (row[1], row[2]) for row in [*DEMO_USERS, *DEMO_OUTSIDE_USERS]}
    user = User.objects.select_related("region").filter(username=username).first()
    if user is None or not user.is_active or username not in wanted:
        return None
    role, code = wanted[username]
    if user.role != role or user.region is None or not code.startswith(user.region.code):
        return None
    return user
