"""The demo county (示范县 990102): regions, one user per role, about 2,000 households placed
in the grids of their villages, the catalogue, leads and visits, intake requests, cases of
the procedure in every state with their verifications, payments, reviews and tip-offs, an
Excel import and the assessments — each part from the demo module of the app that owns it
(``regions.demo``, ``accounts.demo``, ``households.demo``, ``leads.demo``,
``intake.demo``, ``applications.demo``, ``verification.demo``, ``payments.demo``,
``supervision.demo``, ``exchange.demo``, ``assessments.demo``, then ``funds.demo`` and
``emergency.demo``: the emergency funds and the emergency cases paid from them), all
through the apps' services; this top-level app only puts them together.

Everything is generated from a fixed seed or a fixed list, so loading twice gives the same
county and changes nothing the second time (idempotent). An existing user keeps their
password. Loading records the flag :data:`jiuzhu.core.flags.DEMO_COUNTY`, which lets the
verification app's demo source answer for the demo county's households.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from jiuzhu.accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_user, load_users
from jiuzhu.accounts.models import User
from jiuzhu.applications.demo import load_applications_demo
from jiuzhu.assessments.demo import load_assessments_demo
from jiuzhu.catalogue.loader import load_catalogue
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.core.flags import DEMO_COUNTY, flag_set
from jiuzhu.emergency.demo import load as load_emergency_demo
from jiuzhu.exchange.demo import load_exchange_demo
from jiuzhu.funds.demo import load as load_funds_demo
from jiuzhu.households.demo import (
    ASSESSMENT_DATE,
    load_case_households,
    load_households,
    place_in_grids,
)
from jiuzhu.households.models import Household
from jiuzhu.intake.demo import load_intake_demo
from jiuzhu.leads.demo import load_leads_demo, load_visit_photo_demo, place_lead_households
from jiuzhu.payments.demo import load_bank_accounts, load_payments_demo
from jiuzhu.regions.demo import DEMO_COUNTY as COUNTY_CODE
from jiuzhu.regions.demo import load_regions
from jiuzhu.supervision.demo import load_supervision_demo
from jiuzhu.verification.demo import load_surprised_families, load_verification_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]

#: Families verified besides the demo cases' (the first of a few villages).
VERIFIED = ["990102001002", "990102001003", "990102001004", "990102002001", "990102003001"]


def load_demo(*, per_village: int = 84,
              progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Load (or complete) the demo county; returns what it holds and what was added."""
    load_catalogue(Department, Item)
    regions = load_regions()
    county = regions[COUNTY_CODE]
    names = ["admin", *(row[0] for row in DEMO_USERS)]
    existing = User.objects.filter(username__in=names).count()
    users = load_users(regions)
    before = Household.objects.within(county).count()
    added = load_households(regions, per_village=per_village, progress=progress)
    load_leads_demo(regions)
    load_visit_photo_demo(regions)
    place_lead_households(regions)
    load_intake_demo(regions)
    with transaction.atomic():  # the demo verification source answers from here on
        flag_set(DEMO_COUNTY, COUNTY_CODE)
    families = load_case_households(regions)
    cases = load_applications_demo(families)
    verifier = demo_user("verifier1")
    if verifier is not None:
        load_verification_demo(actor=verifier, households=load_surprised_families(regions) + [
            h for h in (Household.objects.filter(region=regions[code], status="active")
                        .order_by("household_id").first() for code in VERIFIED) if h])
    load_payments_demo(regions)
    load_supervision_demo(families)
    load_exchange_demo(regions)
    place_in_grids(regions)
    after = Household.objects.within(county).count()
    load_assessments_demo(regions, on=ASSESSMENT_DATE, again=after != before)
    # after the assessments: the monitored green case picks a family outside every circle
    load_funds_demo()
    emergencies = load_emergency_demo(regions)
    load_bank_accounts(county)  # the family whose MZ05 file the emergency demo decided
    return {"regions": len(regions), "users": len(users),
            "users_added": len(users) - existing, "households_added": added,
            "households": after, "cases_added": cases, "emergencies_added": emergencies}
