"""The demo county (示范县 990102): regions, one user per role, about 2,000 households placed
in the grids of their villages, the catalogue, leads and visits, intake requests, cases of
the procedure in every state with their verifications, payments, reviews and tip-offs, an
Excel import and the assessments — each part from the demo module of the app that owns it
(``regions.demo``, ``accounts.demo``, ``households.demo``, ``leads.demo``,
``intake.demo``, ``applications.demo``, ``verification.demo``, ``payments.demo``,
``supervision.demo``, ``exchange.demo``, ``assessments.demo``, then ``funds.demo`` and
``emergency.demo``: the emergency funds and the emergency cases paid from them; then the
social forces of #12: ``stations.demo`` (before the leads, whose love-station lead names its
station; ``leads.demo.load_station_leads`` after them), ``xingfu.demo``, ``points.demo``,
``contracts.demo`` and ``socialwork.demo``), all through the apps' services; this top-level
app only puts them together.

Then two years of history (#13, :mod:`jiuzhu.demo.history`): decided cases of every
programme with their decision documents, 24 months of confirmed payrolls per township,
reviews (some phased out, some stopped), one-window items of all 12 departments — in bulk,
after the assessments (it picks families by circle) and before ``payments.demo`` (whose
last-month and this-month payrolls then pay the history's cases through the service) —
and, through the services, tip-offs and emergency cases over those months. Last, the
processing-time facts of the history's steps (``backfill_step_facts``) and the oversight
apps' parts (``monitoring``, ``monthly``, ``upward``, ``archive``: their ``demo.load``).

Everything is generated from a fixed seed or a fixed list, so loading twice gives the same
county and changes nothing the second time (idempotent). An existing user keeps their
password. Loading records the flag :data:`jiuzhu.core.flags.DEMO_COUNTY`, which lets the
verification app's demo source answer for the demo county's households.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.db import transaction

from jiuzhu.accounts.demo import (
    DEMO_OUTSIDE_USERS,
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_user,
    load_users,
)
from jiuzhu.accounts.models import User
from jiuzhu.applications.demo import load_applications_demo
from jiuzhu.applications.demo_signing import load_signing_demo
from jiuzhu.archive.hooks import builds_held
from jiuzhu.assessments.demo import load_assessments_demo
from jiuzhu.catalogue.loader import load_catalogue
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.core.flags import DEMO_COUNTY, flag_set
from jiuzhu.demo.history import load_emergencies, load_history, load_tipoffs
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
from jiuzhu.leads.demo import (
    load_leads_demo,
    load_station_leads,
    load_visit_photo_demo,
    place_lead_households,
)
from jiuzhu.payments.demo import load_bank_accounts, load_payments_demo
from jiuzhu.regions.demo import DEMO_COUNTY as COUNTY_CODE
from jiuzhu.regions.demo import load_regions
from jiuzhu.stations.demo import load as load_stations_demo
from jiuzhu.supervision.demo import load_supervision_demo
from jiuzhu.verification.demo import load_surprised_families, load_verification_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]

#: Families verified besides the demo cases' (the first of a few villages).
#: The social forces' demo parts loaded after the emergency cases, in this order (the
#: stations are loaded earlier, before the leads): the 幸福云 providers and needs, the points
#: their orders issue, the investigation contract with its cases, the social-work cases.
SOCIAL_FORCES = ("xingfu", "points", "contracts", "socialwork")
#: The oversight apps of #13, loaded last (their ``demo.load`` reads the history).
OVERSIGHT = ("monitoring", "monthly", "upward", "archive")

VERIFIED = ["990102001002", "990102001003", "990102001004", "990102002001", "990102003001"]


def load_demo(*, per_village: int = 84,
              progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Load (or complete) the demo county; returns what it holds and what was added.
    The cases it closes enqueue no archive build (hundreds of packages, each rendering its
    documents): the archive part builds the latest few, the nightly catch-up the rest."""
    with builds_held():
        loaded = _load_county(per_village=per_village, progress=progress)
    for app in OVERSIGHT:  # the dashboard, the 月报, the exchange file, the archive
        _load_part(app)
    return loaded


def _load_county(*, per_village: int, progress: Callable[[int, int], None] | None
                 ) -> dict[str, int]:
    load_catalogue(Department, Item)
    regions = load_regions()
    county = regions[COUNTY_CODE]
    names = ["admin", *(row[0] for row in [*DEMO_USERS, *DEMO_OUTSIDE_USERS])]
    existing = User.objects.filter(username__in=names).count()
    users = load_users(regions)
    load_stations_demo()  # the love stations, before the leads that name them
    before = Household.objects.within(county).count()
    added = load_households(regions, per_village=per_village, progress=progress)
    load_leads_demo(regions)
    load_visit_photo_demo(regions)
    load_station_leads()
    place_lead_households(regions)
    load_intake_demo(regions)
    with transaction.atomic():  # the demo verification source answers from here on
        flag_set(DEMO_COUNTY, COUNTY_CODE)
    families = load_case_households(regions)
    cases = load_applications_demo(families)
    load_signing_demo()  # 签署核对授权: signed D04s on a few open cases
    verifier = demo_user("verifier1")
    if verifier is not None:
        load_verification_demo(actor=verifier, households=load_surprised_families(regions) + [
            h for h in (Household.objects.filter(region=regions[code], status="active")
                        .order_by("household_id").first() for code in VERIFIED) if h])
    load_exchange_demo(regions)
    place_in_grids(regions)
    after = Household.objects.within(county).count()
    load_assessments_demo(regions, on=ASSESSMENT_DATE, again=after != before)
    # after the assessments: the monitored green case picks a family outside every circle
    load_funds_demo()
    emergencies = load_emergency_demo(regions)
    # after the assessments (families picked by circle) and before the payrolls (last
    # month's and this month's, through the service, then pay the history's cases too)
    history = load_history(regions)
    load_payments_demo(regions)
    load_supervision_demo(families)
    load_bank_accounts(county)  # the family whose MZ05 file the emergency demo decided
    history["history_tipoffs"] = load_tipoffs(regions)
    history["history_emergencies"] = load_emergencies(regions)
    social = {app: _load_part(app) for app in SOCIAL_FORCES}
    social["recertify"] = _load_part("recertify")  # 资格认证 (#16): reads the paid cases
    social["policy"] = _load_part("policy")  # 政策参数 (#16): an approved set and one waiting
    backfill_facts()  # before the oversight parts, whose figures read the facts
    return {"regions": len(regions), "users": len(users),
            "users_added": len(users) - existing, "households_added": added,
            "households": after, "cases_added": cases, "emergencies_added": emergencies,
            **{f"{app}_added": n for app, n in social.items() if n is not None}, **history}


def backfill_facts() -> None:
    """The processing-time facts (``calendars.StepFact``) of the steps the history wrote in
    bulk, by the ``backfill_step_facts`` command (idempotent) — while that command exists."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("backfill_step_facts", stdout=StringIO())
    except CommandError as error:  # not installed yet: no facts to backfill
        if "Unknown command" not in str(error):
            raise


def _load_part(app: str) -> Any:
    """``jiuzhu.<app>.demo.load()`` — or None while that app has no demo part yet (the apps
    of #12 land one by one; a missing module of the part itself is the only thing skipped)."""
    name = f"jiuzhu.{app}.demo"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None
    return module.load()
