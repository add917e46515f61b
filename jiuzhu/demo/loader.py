"""The demo county (示范县 990102): regions, one user per role, about 2,000 households,
the catalogue, leads and intake requests — each part from the demo module of the app that
owns it (``regions.demo``, ``accounts.demo``, ``households.demo``, ``leads.demo``,
``intake.demo``); this top-level app only puts them together.

Everything is generated from a fixed seed, so loading twice gives the same county and
changes nothing the second time (idempotent). An existing user keeps their password.
Loading records the flag :data:`jiuzhu.core.flags.DEMO_COUNTY`, which lets the
verification app's demo source answer for the demo county's households.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from jiuzhu.accounts.demo import DEMO_PASSWORD, DEMO_USERS, load_users
from jiuzhu.accounts.models import User
from jiuzhu.assessments.services import batch_create, batch_execute
from jiuzhu.catalogue.loader import load_catalogue
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.flags import DEMO_COUNTY, flag_set
from jiuzhu.households.demo import ASSESSMENT_DATE, load_households
from jiuzhu.households.models import Household
from jiuzhu.intake.demo import load_intake_demo
from jiuzhu.leads.demo import load_leads_demo
from jiuzhu.regions.demo import DEMO_COUNTY as COUNTY_CODE
from jiuzhu.regions.demo import load_regions

__all__ = ["DEMO_PASSWORD", "load_demo"]


def load_demo(*, per_village: int = 84,
              progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Load (or complete) the demo county; returns what it holds and what was added."""
    load_catalogue(Department, Item)
    regions = load_regions()
    names = ["admin", *(row[0] for row in DEMO_USERS)]
    existing = User.objects.filter(username__in=names).count()
    users = load_users(regions)
    added = load_households(regions, per_village=per_village, progress=progress)
    load_leads_demo(regions)
    load_intake_demo(regions)
    if added:
        batch_execute(run=batch_create(actor=SYSTEM, region=regions[COUNTY_CODE],
                                       on=ASSESSMENT_DATE))
    with transaction.atomic():
        flag_set(DEMO_COUNTY, COUNTY_CODE)
    county = regions[COUNTY_CODE]
    return {"regions": len(regions), "users": len(users),
            "users_added": len(users) - existing, "households_added": added,
            "households": Household.objects.within(county).count()}
