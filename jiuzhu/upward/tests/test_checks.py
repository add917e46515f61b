"""Each check before the exchange file catches its defect, and production is refused while
one fails; a clean month passes."""

from __future__ import annotations

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.households.models import Household, Member
from jiuzhu.payments.models import Payment
from jiuzhu.testing import household_dict, member_dict
from jiuzhu.upward import services
from jiuzhu.upward.models import Submission

from .conftest import MONTH


def kinds(county):
    return sorted({p.kind for p in services.problems_of(county["county"], MONTH)})


def test_a_clean_month_has_no_problem(county):
    assert services.problems_of(county["county"], MONTH) == []


def test_invalid_id_number(county):
    member = Member.objects.filter(household=county["households"]["urban"]).first()
    id_number = member.id_number
    bad = id_number[:17] + ("0" if id_number[17] != "0" else "1")
    Member.objects.filter(pk=member.pk).update(id_number=bad)
    problems = services.problems_of(county["county"], MONTH)
    assert [p.kind for p in problems] == ["id_number"]
    assert problems[0].household_number == "H-URBAN" and bad in problems[0].message


def test_member_in_two_active_households(county, users):
    from jiuzhu.households.services import household_register

    taken = Member.objects.filter(household=county["households"]["rural"]).first()
    twin = household_register(actor=SYSTEM, data=household_dict(
        household_id="H-TWIN", members=[member_dict(name="甲")]))
    for member in Member.objects.filter(household=twin):  # save(): keeps the blind index
        member.id_number = taken.id_number
        member.save()
    problems = services.problems_of(county["county"], MONTH)
    assert [p.kind for p in problems] == ["two_households"]
    assert problems[0].household_number == "H-T2" and "H-TWIN" in problems[0].message
    # a deregistered household is not active: no problem
    Household.objects.filter(pk=twin.pk).update(status="inactive")
    assert kinds(county) == []


def test_recipient_without_decision_document(county):
    case = county["cases"]["low"]
    Document.objects.filter(object_id=str(case.pk)).exclude(pk=0)._raw_delete(Document.objects.db)
    problems = services.problems_of(county["county"], MONTH)
    assert [(p.kind, p.application_number) for p in problems] == [("no_decision", case.number)]
    assert "D12" in problems[0].message


def test_amount_differs_from_the_payroll(county):
    case = county["cases"]["rural"]
    case.approved_amount = "500.00"
    case.save()
    problems = services.problems_of(county["county"], MONTH)
    assert [p.kind for p in problems] == ["amount"]
    assert "500.00" in problems[0].message and "415.50" in problems[0].message


def test_household_outside_the_region_tree(county):
    """A household moved to the other county while its case stays with township 2."""
    household = county["households"]["rural"]
    Household.objects.filter(pk=household.pk).update(region=county["other_village"])
    problems = services.problems_of(county["county"], MONTH)
    assert [p.kind for p in problems] == ["outside_region"]
    assert problems[0].household_number == "H-T2"


def test_production_is_refused_while_a_check_fails(county, users):
    Payment.objects.filter(application=county["cases"]["urban"]).update(amount=1)
    with pytest.raises(ServiceError) as refused:
        services.submission_request(actor=users["supervisor"], region=county["county"],
                                    month=MONTH)
    assert refused.value.status == 409
    assert refused.value.errors[0]["path"] == "amount"
    assert not Submission.objects.exists()
