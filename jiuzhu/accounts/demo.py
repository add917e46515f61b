"""The demo county's users: one per role, all with the demo password.

Only users that do not exist yet are created; an existing user (of the same name) keeps
its password, role and region — loading the demo never changes anybody's password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import User

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
    ("officer1", "department_officer", "990102", "何敏", "JY"),
    ("officer2", "department_officer", "990102", "许文", "CL"),
    ("officer3", "department_officer", "990102", "韩雪", "WJ"),
    ("officer4", "department_officer", "990102", "曹阳", "ZJ"),
    ("supervisor1", "supervisor", "990102", "马云飞"),
    ("sysadmin1", "administrator", "990102", "林涛"),
]


def load_users(regions: dict[str, Region]) -> list[User]:
    """The demo users (``admin`` and one per role); returns them, created or found."""
    users = []
    admin, created = User.objects.get_or_create(username="admin", defaults={
        "role": "administrator", "region": regions["99"], "full_name": "超级管理员",
        "is_superuser": True, "is_staff": True})
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    users.append(admin)
    for username, role, code, full_name, *department in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "region": regions[code], "full_name": full_name,
            "department": department[0] if department else ""})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def demo_user(username: str) -> User | None:
    """The demo user ``username`` when it is still what the demo made it (active, its demo
    role, inside its demo region): the other demo modules act as this person, so the
    history reads like a real office; ``None`` when it was changed (then they act as the
    system, or leave out what needs a person)."""
    wanted = {row[0]: (row[1], row[2]) for row in DEMO_USERS}
    user = User.objects.select_related("region").filter(username=username).first()
    if user is None or not user.is_active or username not in wanted:
        return None
    role, code = wanted[username]
    if user.role != role or user.region is None or not code.startswith(user.region.code):
        return None
    return user
