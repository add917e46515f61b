import base64
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import Organisation
from jiuzhu.applications import services as app_services
from jiuzhu.contracts import services
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict, member_dict

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
MATERIALS = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def people(tree):
    town, county = tree["town1"], tree["county"]
    rujia = Organisation.objects.create(name="示范县如家社会工作服务中心", kind="social_org",
                                        region=county, region_path=county.path)
    other = Organisation.objects.create(name="示范县另一调查中心", kind="social_org",
                                        region=county, region_path=county.path)
    return {
        "window": UserFactory(username="w1", role="window_worker", region=town),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town),
        "approver": UserFactory(username="p1", role="county_approver", region=county),
        "coordinator": UserFactory(username="c1", role="coordinator", region=county,
                                   organisation=rujia, full_name="江海"),
        "surveyor": UserFactory(username="s1", role="surveyor", region=county,
                                organisation=rujia, full_name="沈立"),
        "surveyor2": UserFactory(username="s2", role="surveyor", region=county,
                                 organisation=rujia, full_name="沈二"),
        "other_coordinator": UserFactory(username="c2", role="coordinator", region=county,
                                         organisation=other),
        "other_surveyor": UserFactory(username="s3", role="surveyor", region=county,
                                      organisation=other),
        "social_worker": UserFactory(username="sw1", role="social_worker", region=county,
                                     organisation=other),
        "rujia": rujia, "other": other,
    }


@pytest.fixture
def contract(people, tree):
    today = timezone.localdate()
    return services.contract_create(actor=people["approver"], data={
        "number": "XH-2026-001", "organisation_id": people["rujia"].pk,
        "starts_on": date(today.year, 1, 1), "ends_on": date(today.year, 12, 31),
        "price_fen": 20000, "advance_fen": 10000000})


def accepted_case(people, tree, name="张三"):
    family = household_register(actor=people["window"], grid_code=tree["grid1"].code,
                                data=household_dict(members=[
                                    member_dict(name=name, occupation="unemployed",
                                                health="serious_illness", income={"wages": 1200})]))
    case = app_services.application_create(actor=people["window"], household=family,
                                           item_code="MZ01", channel="window",
                                           files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    app_services.application_act(actor=people["window"], application_id=case.pk, action="accept",
                                 data={})
    return case


def entrust(people, case, organisation=None):
    app_services.application_act(
        actor=people["reviewer"], application_id=case.pk, action="assign_investigation",
        data={"organisation_id": (organisation or people["rujia"]).pk})
    return case.contracted_investigation.__class__.objects.get(application=case)


def record(actor, case):
    return app_services.application_act(
        actor=actor, application_id=case.pk, action="record_investigation",
        data={"investigators": ["沈立", "江海"], "location": {"lat": 30.2, "lng": 120.1},
              "signatures": {"investigator_1": SIGNATURE, "investigator_2": SIGNATURE,
                             "applicant": SIGNATURE},
              "neighbour_visits": [{"name": "邻居", "statement": "情况属实"}],
              "findings": "家中确实困难"},
        files=[("入户照片", "photo.png", PNG)])


def yesterday():
    return timezone.localdate() - timedelta(days=1)
