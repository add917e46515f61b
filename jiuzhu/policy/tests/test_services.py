"""The parameters a county enters: checked like a file, approved by a second person, read by
the engine (in this process and after a restart), exported and imported as today's files,
and a re-assessment started from the approval."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.assessments.models import Standing
from jiuzhu.assessments.services import assessment_run
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.services import household_register
from jiuzhu.policy import overlays, services
from jiuzhu.policy.models import ParameterSetDraft
from jiuzhu.policy.workflow import WORKFLOW
from jiuzhu.rules import parameters
from jiuzhu.testing import household_dict

from .conftest import NEW_YEAR, standards

COUNTY = "990102"


def restart():
    """A process starting: nothing installed until its first request, task or command."""
    overlays.forget()


def next_request():
    """What the next request (or worker task) of this process does first."""
    overlays.refresh_if_due(force=True)


def enter(admin, tree, values=None, when=NEW_YEAR, reference="示民发〔2026〕12号"):
    return services.draft_save(actor=admin, county=tree["county"], effective_on=when,
                               reference=reference, proposed=values or standards())


def approved(admin, approver, tree, values=None, when=NEW_YEAR):
    draft = enter(admin, tree, values, when)
    WORKFLOW.perform(actor=admin, obj=draft.pk, action="submit")
    result = WORKFLOW.perform(actor=approver, obj=draft.pk, action="approve")
    next_request()  # installed at commit; the test's transaction never commits
    return result


def test_a_set_keeps_only_what_changes_with_what_was_in_force(admin, tree):
    draft = enter(admin, tree, {**standards(), "min_wage_monthly": "2000",
                                "addon_rates": {"elderly": "0.10", "minor": "0.15",
                                                "severe_disability": "0.20",
                                                "serious_illness": "0.30"}})
    assert draft.values == {"dibao_standard_urban": 950, "dibao_standard_rural": 760,
                            "addon_rates": {"elderly": "0.10", "minor": "0.15",
                                            "severe_disability": "0.20", "serious_illness": "0.30"}}
    assert draft.base["dibao_standard_urban"] == 900
    assert draft.state == "draft"
    assert AuditEvent.objects.filter(action="create", object_id=str(draft.pk)).exists()


@pytest.mark.parametrize(("values", "path", "words"), [
    ({"dibao_standard_urban": "九百五"}, "dibao_standard_urban", "城市低保标准（dibao_standard_urban）：请填写数字"),
    ({"dibao_standard_urban": "-1"}, "dibao_standard_urban", "不能为负数"),
    ({"dibao_standard_urban": "950.005"}, "dibao_standard_urban", "不能用于核算"),
    ({"addon_rates": {"elderly": "0.123456", "minor": "0.1", "severe_disability": "0.2",
                      "serious_illness": "0.3"}}, "addon_rates.elderly", "分类施保加发比例（addon_rates.elderly）"),
    ({"labour_coefficients": {"age_bands": ["16", "40", "50", "60", "70"],
                              "healthy": ["1", "0.95", "0.7", "0.4", "0"],
                              "chronic_illness": ["0.7", "0.6", "0.5", "0.2", "0"],
                              "mild_disability": ["0.6", "0.5", "0.4", "0.2", "0"],
                              "moderate_disability": ["0.3", "0.3", "0.2", "0.1", "0"],
                              "serious_illness": ["0"] * 5, "severe_disability": ["0"] * 5}},
     "labour_coefficients.healthy", "劳动力系数"),
    ({"job_refusal_veto": {"age_from": "16", "age_to": "59"}}, "job_refusal_veto.refused_offers",
     "缺少这一项"),
    ({"emergency_levels": {"red": "10", "yellow": "40", "blue": "20"}}, "emergency_levels",
     "急难响应分数线"),
    ({"care_allowance_full": "一半"}, "care_allowance_full", "请填写数字"),
])
def test_errors_name_the_parameter_field_and_change_nothing(admin, tree, values, path, words):
    with pytest.raises(ServiceError) as refused:
        enter(admin, tree, values)
    assert refused.value.status == 422
    paths = [e["path"] for e in refused.value.errors]
    assert any(p == path or p.startswith(path + ".") for p in paths), paths
    assert any(words in e["message"] for e in refused.value.errors), refused.value.errors
    assert not ParameterSetDraft.objects.exists()


def test_reference_and_a_change_are_required(admin, tree):
    with pytest.raises(ServiceError) as refused:
        enter(admin, tree, reference=" ")
    assert refused.value.errors[0]["path"] == "reference"
    with pytest.raises(ServiceError) as refused:
        enter(admin, tree, {"dibao_standard_urban": "900"}, when=date(2026, 6, 1))
    assert "没有修改任何参数" in refused.value.message


def test_only_an_administrator_at_county_level_enters(tree, approver):
    from jiuzhu.testing import UserFactory

    township_admin = UserFactory(role="administrator", region=tree["town1"])
    for user, status in ((approver, 403), (township_admin, 404)):  # the county is above them
        with pytest.raises(ServiceError) as refused:
            enter(user, tree)
        assert refused.value.status == status


def test_the_person_who_entered_cannot_approve(admin, tree):
    from jiuzhu.testing import UserFactory

    both = UserFactory(role="county_approver", region=tree["county"])
    draft = services.draft_save(actor=SYSTEM, county=tree["county"], effective_on=NEW_YEAR,
                                reference="示民发〔2026〕12号", proposed=standards())
    ParameterSetDraft.objects.filter(pk=draft.pk).update(entered_by=both, state="submitted")
    with pytest.raises(ServiceError) as refused:
        WORKFLOW.perform(actor=both, obj=draft.pk, action="approve")
    assert refused.value.status == 403
    assert "四眼原则" in refused.value.message
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.decided_by is None
    # nor does the one who entered it hold the approval
    with pytest.raises(ServiceError) as refused:
        WORKFLOW.perform(actor=admin, obj=draft.pk, action="approve")
    assert refused.value.status == 403


@pytest.mark.parametrize(("state", "action", "allowed"), WORKFLOW.pairs())
def test_every_illegal_pair_is_409_and_changes_nothing(admin, approver, tree, state, action,
                                                       allowed):
    if allowed:
        return
    draft = enter(admin, tree)
    ParameterSetDraft.objects.filter(pk=draft.pk).update(state=state)
    actor = admin if action == "submit" else approver
    with pytest.raises(ServiceError) as refused:
        WORKFLOW.perform(actor=actor, obj=draft.pk, action=action, data={"reason": "x"})
    assert refused.value.status == 409
    draft.refresh_from_db()
    assert draft.state == state


def test_returned_set_is_changed_and_submitted_again(admin, approver, tree):
    draft = enter(admin, tree)
    WORKFLOW.perform(actor=admin, obj=draft.pk, action="submit")
    WORKFLOW.perform(actor=approver, obj=draft.pk, action="return", data={"reason": "文号有误"})
    draft.refresh_from_db()
    assert draft.state == "returned" and draft.return_reason == "文号有误"
    services.draft_save(actor=admin, county=tree["county"], effective_on=NEW_YEAR,
                        reference="示民发〔2026〕13号", proposed=standards(), draft=draft)
    WORKFLOW.perform(actor=admin, obj=draft.pk, action="submit")
    assert ParameterSetDraft.objects.get(pk=draft.pk).state == "submitted"
    # nothing of it is in force before approval
    assert parameters.parameters_for(COUNTY, date(2027, 2, 1))["dibao_standard_urban"] == 900


def test_an_approved_set_is_in_force_from_its_date_here_and_after_a_restart(
        admin, approver, tree, django_capture_on_commit_callbacks):
    before = parameters.parameters_for(COUNTY, date(2027, 2, 1))
    assert before["dibao_standard_urban"] == 900
    with django_capture_on_commit_callbacks(execute=True):
        approved(admin, approver, tree)
    params = parameters.parameters_for(COUNTY, date(2027, 2, 1))
    assert params["dibao_standard_urban"] == 950 and params["dibao_standard_rural"] == 760
    assert params.effective == NEW_YEAR
    assert params.explain()["dibao_standard_urban"]["reference"] == "示民发〔2026〕12号"
    assert parameters.parameters_for(COUNTY, date(2026, 12, 31))["dibao_standard_urban"] == 900
    # a restart: nothing installed; its first request installs the approved sets
    restart()
    assert parameters.overlay_of(COUNTY) == {}
    next_request()
    assert parameters.parameters_for(COUNTY, date(2027, 2, 1))["dibao_standard_urban"] == 950
    # another process approved a set: the stamp changes and the next request installs it too
    ParameterSetDraft.objects.filter(state="approved").update(values={
        "dibao_standard_urban": 990, "dibao_standard_rural": 760})
    row = ParameterSetDraft.objects.get()
    row.pk = None
    row.effective_on = date(2028, 1, 1)
    row.save()
    next_request()
    assert parameters.parameters_for(COUNTY, date(2028, 2, 1))["dibao_standard_urban"] == 990


def test_an_assessment_dated_after_it_uses_the_new_standard(admin, approver, tree):
    household = household_register(actor=SYSTEM, data=household_dict())
    old = assessment_run(actor=SYSTEM, household=household, on=date(2026, 12, 1))
    assert old.result["explanation"]["parameters"]["dibao_standard_rural"]["value"] == "720"
    approved(admin, approver, tree)
    new = assessment_run(actor=SYSTEM, household=household, on=date(2027, 1, 15))
    assert new.parameters_effective == NEW_YEAR
    assert new.result["explanation"]["parameters"]["dibao_standard_rural"]["value"] == "760"
    assert new.result["explanation"]["parameters"]["dibao_standard_rural"]["reference"] == "示民发〔2026〕12号"
    restart()  # the next request installs the approved set first
    next_request()
    again = assessment_run(actor=SYSTEM, household=household, on=date(2027, 1, 15))
    assert again.result["explanation"]["parameters"]["dibao_standard_rural"]["value"] == "760"


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(files: dict[str, bytes]) -> bytes:
    return services.zip_files(files)


def test_export_round_trips_and_reimports(admin, approver, tree):
    plain = services.export_zip(actor=admin, county=tree["county"])
    files = _files(plain)
    # no set approved: every file exactly as in the package
    for path in sorted(parameters.PARAMETERS_ROOT.glob(f"{COUNTY}/*.yaml")):
        assert files[f"{COUNTY}/{path.name}"] == path.read_bytes()
    approved(admin, approver, tree, {**standards(), "labour_coefficients": {
        **{k: [str(x) for x in v] for k, v in parameters.template_of(
            COUNTY, "labour_coefficients", NEW_YEAR).items()}, "healthy": ["1", "0.9", "0.8", "0.4", "0"]}})
    first = services.export_zip(actor=admin, county=tree["county"])
    assert services.export_zip(actor=admin, county=tree["county"]) == first  # byte for byte
    files = _files(first)
    merged = parameters.county_parameters(COUNTY)
    for name, parameter in merged.items():
        read = parameters.parse_parameter_text(name, files[f"{COUNTY}/{name}.yaml"])
        assert read.values == parameter.values, name
        assert {d: read.reference_at(d) for d in read.effective_dates} == {
            d: parameter.reference_at(d) for d in parameter.effective_dates}
    assert b"2027-01-01: 950" in files[f"{COUNTY}/dibao_standard_urban.yaml"]
    # the files as in force import as nothing new
    with pytest.raises(ServiceError) as refused:
        services.import_zip(actor=admin, data=first)
    assert "没有需要导入的变化" in refused.value.message
    # a year added to a file imports as a draft of that date
    files[f"{COUNTY}/dibao_standard_urban.yaml"] += b"  2028-01-01: 1000\n"
    draft = services.import_zip(actor=admin, data=_zip(files))
    assert draft.effective_on == date(2028, 1, 1) and draft.source == "import"
    assert draft.values == {"dibao_standard_urban": 1000}
    assert draft.reference == "示民发〔2026〕12号"  # the file's reference in force on that date
    # and the set's own export holds the files it changes, with its value
    own = _files(services.export_zip(actor=admin, county=tree["county"], draft=draft))
    assert list(own) == [f"{COUNTY}/dibao_standard_urban.yaml"]
    read = parameters.parse_parameter_text("dibao_standard_urban", own[f"{COUNTY}/dibao_standard_urban.yaml"])
    assert read.at(date(2028, 2, 1)) == (date(2028, 1, 1), 1000)


@pytest.mark.parametrize(("name", "text", "words"), [
    ("dibao_standard_urban", b"description: x\nunit: y\nvalues: [1, 2\n", "dibao_standard_urban.yaml"),
    ("dibao_standard_urban", b"description: x\nunit: y\nreference: z\nvalues:\n  2027-13-01: 950\n",
     "dibao_standard_urban.yaml"),
    ("min_wage_monthly", b"description: x\nunit: y\nreference: z\nvalues:\n  2027-01-01: -5\n",
     "min_wage_monthly.yaml values.2027-01-01"),
    ("addon_rates", b"description: x\nunit: y\nreference: z\nvalues:\n  2027-01-01:\n    elderly: 0.123456\n"
     b"    minor: 0.1\n    severe_disability: 0.2\n    serious_illness: 0.3\n",
     "addon_rates.yaml values.2027-01-01.elderly"),
    ("no_such_rule", b"description: x\nunit: y\nreference: z\nvalues:\n  2027-01-01: 1\n", "no_such_rule"),
])
def test_a_broken_file_names_file_and_key_and_changes_nothing(admin, tree, name, text, words):
    files = _files(services.export_zip(actor=admin, county=tree["county"]))
    files[f"{COUNTY}/{name}.yaml"] = text
    with pytest.raises(ServiceError) as refused:
        services.import_zip(actor=admin, data=_zip(files))
    assert refused.value.status == 422
    assert any(words in e["path"] or words in e["message"] for e in refused.value.errors), \
        refused.value.errors
    assert not ParameterSetDraft.objects.exists()


def test_not_a_zip(admin, tree):
    with pytest.raises(ServiceError) as refused:
        services.import_zip(actor=admin, data=b"not a zip")
    assert refused.value.errors[0]["path"] == "file"


def test_reassessment_started_from_the_approval(admin, approver, tree,
                                                django_capture_on_commit_callbacks):
    household = household_register(actor=SYSTEM, data=household_dict())
    draft = approved(admin, approver, tree)
    with pytest.raises(ServiceError):
        services.reassess(actor=SYSTEM, draft=enter(admin, tree, when=date(2027, 7, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.reassess(actor=approver, draft=draft)
    draft.refresh_from_db()
    assert draft.reassessment == run
    assert run.assessment_date == max(NEW_YEAR, date.today())
    run.refresh_from_db()
    assert run.status == "done" and run.processed == 1
    standing = Standing.objects.get(household=household)
    assert standing.parameters_effective == NEW_YEAR
    assert AuditEvent.objects.filter(action="assess", object_id=str(draft.pk)).exists()


def test_validate_values_applies_the_file_checks():
    assert parameters.validate_values(COUNTY, "dibao_standard_urban", {NEW_YEAR: "950"}) == []
    kinds = {p.kind for p in parameters.validate_values(
        COUNTY, "addon_rates", {NEW_YEAR: {"elderly": "x", "minor": "0.1", "other": "1"}})}
    assert kinds == {"not_number", "missing", "unknown_key"}
    assert parameters.validate_values(COUNTY, "land_income_ratio", {NEW_YEAR: Decimal("0.65")}) == []
