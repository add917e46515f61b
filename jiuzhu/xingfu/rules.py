"""Who may open which page of 幸福云 and take which step (predicates of ``rules``), asked
by the views, the API, the workflow and the menu alike."""

from __future__ import annotations

import rules

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.rules import has_role, is_outside_member, is_staff_member, works_cases

from .choices import CONFIRMERS, NEED_POSTERS, PROVIDER_MANAGERS


@rules.predicate
def serves_it(user, need) -> bool:
    """The provider user who holds the need's order."""
    if getattr(user, "is_system", False) is True or getattr(user, "is_superuser", False):
        return True
    order = getattr(need, "order", None) if need is not None else None
    return bool(order is not None and order.provider.user_id == getattr(user, "pk", None))


is_provider_user = is_outside_member & has_role(Role.PROVIDER)

# staff: needs (post, publish, rematch, cancel) and providers
rules.add_perm("xingfu.view_needs", is_staff_member & works_cases)
rules.add_perm("xingfu.post_need", is_staff_member & has_role(*NEED_POSTERS))
rules.add_perm("xingfu.roll", is_staff_member & has_role(*PROVIDER_MANAGERS))
rules.add_perm("xingfu.view_providers", is_staff_member & works_cases)
rules.add_perm("xingfu.manage_providers", is_staff_member & has_role(*PROVIDER_MANAGERS))
# the family's grid worker (or staff) confirms and rates a service
rules.add_perm("xingfu.confirm", is_staff_member & has_role(*CONFIRMERS))
# providers (a volunteer or a company's user): their offers and orders on the phone
rules.add_perm("xingfu.view_my_offers", is_provider_user)
rules.add_perm("xingfu.answer_offer", is_provider_user)
rules.add_perm("xingfu.serve", is_provider_user & serves_it)
