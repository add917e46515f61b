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


@rules.predicate
def posted_it(user, need) -> bool:
    """No need given (the page, the button): true; a need: the user posted it."""
    return need is None or getattr(need, "posted_by_id", None) == getattr(user, "pk", None)


is_provider_user = is_outside_member & has_role(Role.PROVIDER)
is_case_worker = is_outside_member & has_role(Role.SOCIAL_WORKER)
is_station_keeper = is_outside_member & has_role(Role.STATION_KEEPER)

# staff: needs (post, publish, rematch, cancel) and providers
rules.add_perm("xingfu.view_needs", is_staff_member & works_cases)
# outside posters (spec §5): a social worker for a family of one of their open cases, a
# station keeper for a family of a lead reported under their station; the service checks
# the case or the lead (``services.need_create``); on a need, only the one they posted.
rules.add_perm("xingfu.post_need_for_case", is_case_worker)
rules.add_perm("xingfu.post_need_for_station", is_station_keeper)
rules.add_perm("xingfu.post_need", (is_staff_member & has_role(*NEED_POSTERS))
               | ((is_case_worker | is_station_keeper) & posted_it))
rules.add_perm("xingfu.roll", is_staff_member & has_role(*PROVIDER_MANAGERS))
rules.add_perm("xingfu.view_providers", is_staff_member & works_cases)
rules.add_perm("xingfu.manage_providers", is_staff_member & has_role(*PROVIDER_MANAGERS))
# the family's grid worker (or staff) confirms and rates a service
rules.add_perm("xingfu.confirm", is_staff_member & has_role(*CONFIRMERS))
# providers (a volunteer or a company's user): their offers and orders on the phone
rules.add_perm("xingfu.view_my_offers", is_provider_user)
rules.add_perm("xingfu.answer_offer", is_provider_user)
rules.add_perm("xingfu.serve", is_provider_user & serves_it)
