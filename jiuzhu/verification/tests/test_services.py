"""Verification services: request, run, findings, decisions, the workflow gate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.models import Household
from jiuzhu.households.selectors import household_history
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict
from jiuzhu.verification import compare
from jiuzhu.verification.models import SourceResponse, VerificationRequest
from jiuzhu.verification.services import (
    finding_accept,
    finding_dismiss,
    has_complete_report,
    latest_complete_request,
    verification_report,
    verification_request_create,
    verification_run,
    verification_run_enqueue,
)

from .conftest import PNG, id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db

TWO_SOURCES = ["vehicles", "social_insurance"]


def _hidden_car_and_wages(exports, household) -> None:
    """The head has a car worth 85,000 and the spouse 36,000 of wages, none declared."""
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    write_csv(exports, "social_insurance", [["身份证号", "年工资收入", "年养老金"],
                                            [id_of(household, "M2"), "36000", ""]])


def _request(officer, household, sources=None):
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload(), sources=sources)
    return verification_run(request=request)


def test_a_hidden_car_and_undeclared_wages_are_findings_that_matter(officer, household, exports):
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, TWO_SOURCES)
    assert request.status == "complete"
    findings = {(f.source, f.member_id, f.field): f for f in request.findings.all()}
    assert set(findings) == {("vehicles", "", "assets.vehicles"),
                             ("social_insurance", "M2", "members[1].income.wages")}
    car = findings["vehicles", "", "assets.vehicles"]
    assert car.matters and car.declared == [] and car.found == [{"kind": "car", "value": "85000.00"}]
    assert car.detail["by_member"][0]["plate"] == "示A12345"
    wages = findings["social_insurance", "M2", "members[1].income.wages"]
    assert wages.matters and (wages.declared, wages.found) == ("0.00", "36000.00")
    # The response keeps the payload as received.
    response = request.responses.get(source="vehicles")
    assert response.payload["rows"] == [{"身份证号": id_of(household, "M1"), "号牌号码": "示A12345",
                                         "车辆类型": "小型轿车", "评估价值": "85000"}]


def test_a_difference_that_is_no_rules_input_does_not_matter(officer, household, exports):
    write_csv(exports, "hukou", [["身份证号", "姓名"], [id_of(household, "M1"), "张叁"],
                                 [id_of(household, "M2"), "李四"]])
    write_csv(exports, "vehicles", [["身份证号", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "摩托车", "2000"]])
    request = _request(officer, household, ["hukou", "vehicles"])
    findings = {f.field: f for f in request.findings.all()}
    assert set(findings) == {"members[0].name", "assets.vehicles"}
    assert not findings["members[0].name"].matters
    assert not findings["assets.vehicles"].matters  # a motorcycle fires no rule


def test_accepting_a_wage_finding_updates_the_household_with_the_reason(
        officer, household, exports):
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, TWO_SOURCES)
    finding = request.findings.get(source="social_insurance")
    finding_accept(actor=officer, finding=finding, reason="社保缴费记录核实，本人确认")
    member = household.members.get(member_id="M2")
    assert member.wages == Decimal("36000.00")
    finding.refresh_from_db()
    assert (finding.status, finding.decided_by, finding.reason) == (
        "accepted", officer, "社保缴费记录核实，本人确认")
    change = next(c for c in household_history(household=household)
                  if c.kind == "修改" and "家庭成员" in c.what)
    assert "社保缴费记录核实，本人确认" in change.reason
    assert change.who == officer.full_name
    assert ("工资性收入", "0.00", "36000.00") in change.changes
    assert AuditEvent.objects.filter(action="decide", object_id=str(request.pk)).exists()


def test_accepting_a_car_finding_registers_the_car(officer, household, exports):
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, TWO_SOURCES)
    finding_accept(actor=officer, finding=request.findings.get(source="vehicles"), reason="车管所记录")
    assert [(v.kind, v.value) for v in household.vehicles.all()] == [("car", Decimal("85000.00"))]


def test_a_decision_needs_a_reason_and_is_taken_once(officer, household, exports):
    _hidden_car_and_wages(exports, household)
    finding = _request(officer, household, TWO_SOURCES).findings.get(source="vehicles")
    with pytest.raises(ServiceError) as refused:
        finding_dismiss(actor=officer, finding=finding, reason="  ")
    assert refused.value.code == "validation_error"
    assert refused.value.errors == [{"path": "reason", "message": "请填写处理理由"}]
    finding.refresh_from_db()
    assert finding.status == "open"
    finding_dismiss(actor=officer, finding=finding, reason="车辆已于上月过户，提供了过户证明")
    finding.refresh_from_db()
    assert finding.status == "dismissed"
    assert not household.vehicles.exists()
    with pytest.raises(ServiceError) as again:
        finding_accept(actor=officer, finding=finding, reason="改主意")
    assert again.value.code == "step_not_allowed"


def test_a_source_that_is_down_leaves_the_request_partial_until_a_rerun(
        officer, household, exports, django_capture_on_commit_callbacks):
    write_csv(exports, "vehicles", [["身份证号", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "小型轿车", "85000"]])
    request = _request(officer, household, TWO_SOURCES)
    assert request.status == "partial"
    assert not has_complete_report(household)
    down = request.responses.get(source="social_insurance")
    assert down.status == "unavailable" and "未找到社保/工资数据的导出文件" in down.error
    assert list(request.findings.values_list("source", flat=True)) == ["vehicles"]

    write_csv(exports, "social_insurance", [["身份证号", "年工资收入", "年养老金"],
                                            [id_of(household, "M2"), "36000", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        verification_run_enqueue(actor=officer, request=request)  # the task runs at once
    request.refresh_from_db()
    assert request.status == "complete" and request.completed_at is not None
    assert sorted(request.findings.values_list("source", flat=True)) == [
        "social_insurance", "vehicles"]
    assert len(request.responses.get(source="social_insurance").attempts) == 1
    # Running again asks nothing and adds nothing.
    verification_run(request=request)
    assert request.findings.count() == 2
    assert SourceResponse.objects.filter(request=request).count() == 2
    assert has_complete_report(household)
    assert latest_complete_request(household) == request


def test_a_source_that_breaks_writes_no_findings(officer, household, exports, monkeypatch):
    _hidden_car_and_wages(exports, household)

    def broken(*args, **kwargs):
        raise RuntimeError("bug in a comparer")

    monkeypatch.setitem(compare.COMPARERS, "vehicles", broken)
    request = _request(officer, household, TWO_SOURCES)
    assert request.status == "partial"
    assert not request.findings.filter(source="vehicles").exists()
    assert "无法处理" in request.responses.get(source="vehicles").error


def test_every_source_down_is_a_failed_run(officer, household, exports):
    request = _request(officer, household, TWO_SOURCES)
    assert request.status == "failed"
    assert not has_complete_report(household)


def test_has_complete_report_only_after_all_sources_answered(officer, household):
    """With the demo source (no export files), all seven sources answer."""
    assert not has_complete_report(household)
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload())
    assert request.sources == ["hukou", "vehicles", "real_estate", "social_insurance",
                               "business", "housing_fund", "deposits"]
    assert not has_complete_report(household)
    verification_run(request=request)
    assert has_complete_report(household)
    request.refresh_from_db()
    assert not has_complete_report(household, since=request.completed_at.replace(year=2100))


def test_the_request_is_queued_on_commit(officer, household, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = verification_request_create(actor=officer, household=household,
                                              authorisation=pdf_upload())
    request.refresh_from_db()
    assert request.status == "complete" and not request.running


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_created(officer, household):
    exe = pdf_upload("授权书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError) as refused:
        verification_request_create(actor=officer, household=household, authorisation=exe)
    assert refused.value.code == "validation_error"
    assert "不是 PDF、JPG 或 PNG 格式" in refused.value.message
    assert refused.value.errors[0]["path"] == "authorisation"
    assert not VerificationRequest.objects.exists()
    assert not AuditEvent.objects.filter(object_type="verification.verificationrequest").exists()


def test_a_png_is_accepted_and_a_big_file_is_not(officer, household, settings):
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload("scan.png", PNG))
    assert request.authorisation_type == "image/png"
    assert request.authorisation.name.endswith(".png")
    big = pdf_upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ServiceError, match="不能超过 10 MB"):
        verification_request_create(actor=officer, household=household, authorisation=big)


def test_another_townships_officer_gets_not_found(other_officer, officer, household, exports):
    with pytest.raises(ServiceError) as refused:
        verification_request_create(actor=other_officer, household=household,
                                    authorisation=pdf_upload())
    assert refused.value.code == "not_found"
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, ["vehicles", "deposits"])
    finding = request.findings.get(source="vehicles")
    for call in (lambda: verification_run_enqueue(actor=other_officer, request=request),
                 lambda: finding_dismiss(actor=other_officer, finding=finding, reason="x")):
        with pytest.raises(ServiceError) as error:
            call()
        assert error.value.code == "not_found"
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_non_officer_may_not_request_run_or_decide(window_worker, officer, household, exports):
    with pytest.raises(ServiceError) as refused:
        verification_request_create(actor=window_worker, household=household,
                                    authorisation=pdf_upload())
    assert refused.value.code == "forbidden"
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, ["vehicles", "deposits"])
    for call in (lambda: verification_run_enqueue(actor=window_worker, request=request),
                 lambda: finding_accept(actor=window_worker, finding=request.findings.first(),
                                        reason="x")):
        with pytest.raises(ServiceError) as error:
            call()
        assert error.value.code == "forbidden"


def test_an_administrator_may_verify(tree, household):
    admin = UserFactory(role="administrator", region=tree["county"])
    assert _request(admin, household, ["hukou"]).status == "complete"


def test_accepting_a_deceased_member_removes_them(officer, household, exports):
    write_csv(exports, "hukou", [["身份证号", "姓名", "人员状态"],
                                 [id_of(household, "M1"), "张三", "正常"],
                                 [id_of(household, "M2"), "李四", "死亡"]])
    request = _request(officer, household, ["hukou"])
    finding = request.findings.get()
    assert (finding.field, finding.matters) == ("members[1]", True)
    finding_accept(actor=officer, finding=finding, reason="户籍已注销，死亡证明已核")
    household.refresh_from_db()
    assert household.member_count == 1
    assert list(household.members.values_list("member_id", flat=True)) == ["M1"]


def test_an_unknown_id_number_can_only_be_dismissed(officer, household, exports):
    write_csv(exports, "hukou", [["身份证号", "姓名"], [id_of(household, "M1"), "张三"]])
    finding = _request(officer, household, ["hukou"]).findings.get()
    assert finding.field == "members[1].id_number" and not finding.applicable
    with pytest.raises(ServiceError) as refused:
        finding_accept(actor=officer, finding=finding, reason="x")
    assert refused.value.code == "step_not_allowed"


def test_the_report_lists_every_member_and_source(officer, household, exports):
    _hidden_car_and_wages(exports, household)
    request = _request(officer, household, TWO_SOURCES)
    report = verification_report(request)
    assert report["complete"] is True
    assert report["summary"] == {"differences": 2, "matters": 2, "open": 2, "open_matters": 2,
                                 "accepted": 0, "dismissed": 0}
    groups = {g["member_id"]: g for g in report["groups"]}
    assert set(groups) == {"M1", "M2", ""}
    spouse = groups["M2"]["sources"][0]
    assert spouse["code"] == "social_insurance"
    wages = next(line for line in spouse["lines"] if line["field"].endswith("wages"))
    assert (wages["declared_display"], wages["found_display"], wages["difference"]) == (
        "0.00 元", "36,000.00 元", "+36,000.00 元")
    assert wages["matters"] and wages["status"] == "open"
    head_wages = next(line for line in groups["M1"]["sources"][0]["lines"]
                      if line["field"].endswith("wages"))
    assert head_wages["found"] is None and head_wages["status_label"] == "一致"
    car = groups[""]["sources"][0]["lines"][0]
    assert car["found_display"] == "小汽车 85,000.00 元"
    assert car["breakdown"] == ["张三：小汽车 85,000.00 元（示A12345）"]


def test_requests_are_kept_forever(officer, household):
    request = _request(officer, household, ["hukou"])
    with pytest.raises(PermissionError):
        request.delete()
    with pytest.raises(PermissionError):
        SourceResponse.objects.filter(request=request).delete()
    assert Household.objects.filter(pk=household.pk).exists()


def test_accepting_keeps_the_rest_of_a_full_household(officer, window_worker, exports):
    data = household_dict(household_id="H2", expenditures={"medical": 1234.56},
                          supporters=[{"name": "张大", "relation": "child", "annual_income": 48000.5,
                                       "supports": ["M1"]}])
    data["assets"].update({"financial_assets": 3000.25, "housing_area_m2": 65.5})
    household = household_register(actor=window_worker, data=data)
    write_csv(exports, "deposits", [["身份证号", "存款余额", "证券市值"],
                                    [id_of(household, "M1"), "3000.25", "50000"]])
    finding = _request(officer, household, ["deposits"]).findings.get()
    assert (finding.declared, finding.found) == ("3000.25", "53000.25")
    finding_accept(actor=officer, finding=finding, reason="银行流水核实")
    household.refresh_from_db()
    assert household.financial_assets == Decimal("53000.25")
    assert household.medical == Decimal("1234.56")
    assert household.housing_area_m2 == Decimal("65.50")
    assert household.supporters.get().annual_income == Decimal("48000.50")
