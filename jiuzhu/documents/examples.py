"""A realistic context (示例数据) that fills every field of all 27 documents.

Used by the tests, the template preview page (``?sample=1``) and README.md; the
workflow builds the same shape from a case. The people and numbers are invented.
"""

from __future__ import annotations

import copy
from typing import Any

EXAMPLE: dict[str, Any] = {
    "today": "2026-03-20",
    "office": {
        "name": "示范县第1镇人民政府",
        "phone": "0991-6012345",
        "address": "示范县第1镇人民路18号便民服务中心",
    },
    "applicant": {
        "name": "张秀英",
        "id_number": "990102197005010021",
        "address": "示范县第1镇第1村3组27号",
        "phone": "13899012345",
    },
    "household": {
        "household_id": "T000128",
        "area_type": "rural",
        "address": "示范县第1镇第1村3组27号",
        "members": [
            {"name": "张秀英", "relation": "head", "id_number": "990102197005010021",
             "birth_date": "1970-05-01", "health": "chronic_illness",
             "occupation": "farming", "monthly_income": "420.00"},
            {"name": "李国强", "relation": "spouse", "id_number": "990102196808090033",
             "birth_date": "1968-08-09", "health": "severe_disability",
             "occupation": "none", "monthly_income": "0.00"},
            {"name": "李小雨", "relation": "child", "id_number": "990102201109150046",
             "birth_date": "2011-09-15", "health": "healthy", "occupation": "student",
             "monthly_income": "0.00"},
        ],
    },
    "case": {
        "number": "DB-990102001-2026-0042",
        "item_name": "最低生活保障",
        "channel": "窗口申请",
        "submitted_on": "2026-02-09",
        "accepted_on": "2026-02-11",
    },
    "appeal": {"reconsideration_body": "示范县人民政府", "court": "示范县人民法院"},
    "standard": {"urban": "900.00", "rural": "720.00"},
    # D02
    "missing_materials": [
        "家庭成员户口簿复印件（全部成员页）",
        {"name": "李国强残疾人证复印件", "note": "第二代残疾人证"},
        {"name": "李小雨在校证明", "note": "学校盖章"},
    ],
    "supplement_deadline": "2026-03-10",
    # D03 (受理); a refusal has accepted: false and reasons
    "accepted": True,
    "reasons": [
        "家庭人均月收入高于当地最低生活保障标准",
        "家庭成员名下有机动车辆（非残疾人代步车、营运谋生车辆）",
    ],
    # D05 – D07
    "investigators": ["王建国", "刘晓燕"],
    "investigation": {
        "planned_on": "2026-02-13",
        "visited_on": "2026-02-13",
        "location": {"address": "示范县第1镇第1村3组27号", "lat": 43.8251, "lng": 87.6012},
        "housing": "自有砖混平房3间，约72平方米，屋内陈设简陋，无贵重家电。",
        "living_conditions": "户主患高血压、糖尿病需长期服药，配偶重度残疾（肢体一级）需专人照料，女儿在镇中学读初三。",
        "income_notes": "家庭承包耕地4.5亩，由户主耕种，年纯收入约5000元；无其他固定收入。",
        "assets_notes": "二轮摩托车1辆（2012年购置），无大型农机具，无经营性资产。",
        "findings": "经入户调查，申请家庭共同生活成员3人，家庭收入低、刚性支出大，生活确有困难，申报情况属实。",
        "photos": [
            {"title": "住房外景", "taken_at": "2026-02-13 10:12"},
            {"title": "室内生活状况", "taken_at": "2026-02-13 10:20"},
            {"title": "调查人员与申请人合影", "taken_at": "2026-02-13 10:35"},
        ],
    },
    "neighbour_visits": [
        {"name": "赵德明", "relation": "邻居", "address": "第1村3组25号",
         "statement": "张家老李前几年干活摔伤后一直瘫在床上，全靠张秀英种地和照顾，日子过得很紧。"},
        {"name": "孙桂芳", "relation": "村民小组长", "address": "第1村3组12号",
         "statement": "该户情况属实，家里没有外出打工的人，孩子还在上学，是组里最困难的几户之一。"},
    ],
    # D08: the verification app's report (jiuzhu.verification.selectors.verification_report)
    "verification": {
        "agency": "示范县居民家庭经济状况核对中心",
        "request": {"requested_at": "2026-02-12T09:20:00+08:00",
                    "completed_at": "2026-02-24T16:05:00+08:00", "status_label": "已完成"},
        "sources": [
            {"name": "公安 户籍", "department": "县公安局", "status_label": "已返回"},
            {"name": "公安 车辆", "department": "县公安局交通警察大队", "status_label": "已返回"},
            {"name": "不动产登记", "department": "县自然资源局", "status_label": "已返回"},
            {"name": "人社 社保/工资", "department": "县人力资源和社会保障局", "status_label": "已返回"},
            {"name": "银行存款", "department": "辖区银行业金融机构", "status_label": "已返回"},
        ],
        "groups": [
            {"name": "李国强", "sources": [
                {"name": "公安 车辆", "lines": [
                    {"label": "机动车", "declared_display": "无", "found_display": "二轮摩托车1辆（2012年登记）",
                     "difference": "多1辆", "matters": False, "status_label": "已采纳",
                     "reason": "属生活必需代步工具，不影响认定"}]}]},
            {"name": "家庭合计", "sources": [
                {"name": "银行存款", "lines": [
                    {"label": "存款余额", "declared_display": "3000.00元", "found_display": "3126.40元",
                     "difference": "+126.40元", "matters": False, "status_label": "已采纳",
                     "reason": "差额较小，按核对结果更新"}]}]},
        ],
        "summary": {"differences": 2, "matters": 0, "accepted": 2, "dismissed": 0, "open": 0},
        "conclusion": "申请家庭申报的收入、财产状况与核对结果基本一致，未发现影响低保认定的收入或财产。",
    },
    # D09
    "appraisal": {
        "held_on": "2026-02-26",
        "place": "第1村村民委员会会议室",
        "host": "陈志刚（第1村村委会主任）",
        "recorder": "周丽（村居协理员）",
        "members_present": 15,
        "votes_for": 14,
        "votes_against": 0,
        "votes_abstain": 1,
        "result": "pass",
        "note": "与会人员一致认为该户家庭成员重病重残、无稳定收入来源，生活困难情况属实。",
    },
    # D10: the rules engine's result and its lines
    "assessment": {
        "standard": "720.00",
        "per_capita_monthly_income": "185.33",
        "benefit_monthly": "1748.00",
        "eligible": True,
        "explanation": {"decision": {
            "reason": "家庭人均月收入 185.33 元低于低保标准 720.00 元，符合低保条件"}},
    },
    "decision_reason": "家庭人均月收入 185.33 元，低于低保标准 720.00 元，符合低保条件",
    "explanation_lines": [
        {"label": "成员收入合计（劳动收入 + 其他收入）", "value": "8872.00", "unit": "元/年",
         "note": "张秀英推算土地经营收入；李国强、李小雨无收入"},
        {"label": "赡养（抚养、扶养）费合计", "value": "0.00", "unit": "元/年"},
        {"label": "刚性支出扣减 D", "value": "2200.00", "unit": "元/年", "note": "医疗自付费用"},
        {"label": "可计算收入 max(0, G − D)", "value": "6672.00", "unit": "元/年"},
        {"label": "家庭人均月收入 P", "value": "185.33", "unit": "元/人/月",
         "note": "6672.00 ÷ 3人 ÷ 12月"},
        {"label": "低保标准", "value": "720.00", "unit": "元/人/月",
         "note": "示范县农村标准（2026年1月1日起）"},
        {"label": "补差 (标准 − P) × n", "value": "1604.00", "unit": "元/月",
         "note": "(720.00 − 185.333…) × 3，按精确值计算"},
        {"label": "分类施保", "value": "144.00", "unit": "元/月",
         "note": "李国强重度残疾 0.20 × 720.00"},
        {"label": "月保障金（四舍五入到元）", "value": "1748.00", "unit": "元/月"},
    ],
    "opinion": {
        "recommend": "approve",
        "reasons": "经入户调查、邻里访问和家庭经济状况核对，该户家庭人均月收入低于当地低保标准，家庭财产状况符合规定，建议纳入最低生活保障范围。",
        "reviewer": "马红梅",
        "date": "2026-02-27",
    },
    # D11
    "notice": {
        "published_on": "2026-02-28",
        "place": "第1村村务公开栏",
        "supervision_phone": "0991-6012345（镇）、0991-6000012（县民政局）",
        "round": 1,
    },
    "objections": [],
    # D12 – D15
    "approved": True,
    "amount": "1748.00",
    "start_month": "2026-04",
    "review_class": "B",
    "decision": {"approver": "杨立新", "decided_on": "2026-03-18", "note": "同意乡镇审核意见。"},
    # D16 – D18
    "change": "decrease",
    "previous_amount": "1748.00",
    "phase_out_until": "2026-12",
    "review": {
        "due_on": "2026-09-15",
        "place": "第1镇便民服务中心社会救助窗口",
        "reviewed_on": "2026-09-15",
        "reviewers": ["王建国", "刘晓燕"],
        "findings": "家庭成员3人，户主仍患慢性病，配偶重度残疾；女儿已高中毕业在县城务工，月工资约2800元。",
        "result": "减发",
    },
    # D19 – D24
    "tipoff": {
        "received_on": "2026-05-06",
        "channel": "12345 政务服务便民热线转办",
        "reporter": "匿名",
        "content": "反映该户家中新购小轿车一辆，不应继续享受低保。",
        "checked_on": "2026-05-09",
        "checkers": ["王建国", "刘晓燕"],
        "findings": "经入户核查并经公安交管部门核对，该户名下无小轿车；举报所称车辆系亲属临时停放。",
        "conclusion": "举报不属实。",
        "handling": "维持原保障待遇，向举报渠道反馈核查结果。",
    },
    "interview": {
        "reason": "你家庭近期收入状况发生变化未按规定及时告知",
        "scheduled_at": "2026-06-12T09:30",
        "place": "第1镇便民服务中心二楼社会救助办公室",
        "contact": "王建国",
        "materials": "身份证、户口簿、家庭成员近6个月收入证明",
    },
    "recovery": {
        "period_from": "2026-04",
        "period_to": "2026-06",
        "amount": "1356.00",
        "deadline": "2026-08-31",
        "account": "示范县民政局社会救助资金专户（开户行：示范县农村信用合作联社，账号：990100000000001）",
    },
    "suspension": {
        "requirements": "携带户口簿、身份证及家庭成员收入证明到镇便民服务中心办理复核",
        "respond_by": "2026-07-31",
    },
    "proposed": {
        "decision": "自2026年8月起停发你家庭的最低生活保障金，并责令退还多领取的保障金1356.00元",
        "facts": "你家庭成员李小雨自2026年4月起在县城务工，月工资约2800元，未按规定告知。",
        "legal_basis": "《社会救助暂行办法》第十三条、第六十八条，《最低生活保障审核确认办法》",
        "respond_by": "2026-07-10",
    },
    "closure": {
        "source": "12345 政务服务便民热线转办举报",
        "summary": "2026年5月6日接到举报，反映张秀英家庭新购小轿车不应继续享受低保。",
        "findings": "经入户核查、信息核对，举报所称车辆不属该户所有，该户家庭经济状况与在保时一致。",
        "decision": "举报不属实，维持原保障待遇。",
        "execution": "已于2026年5月12日向举报渠道反馈核查结果，相关材料归档。",
        "closed_on": "2026-05-12",
        "handler": "王建国",
        "reviewer": "马红梅",
    },
}

# What differs by document in the same case (the reasons of a stop are not a refusal's).
OVERRIDES: dict[str, dict[str, Any]] = {
    "D16": {"amount": "1296.00", "start_month": "2026-10", "reasons": [
        "复核发现家庭成员李小雨已于2026年7月毕业参加工作，取得工资性收入，家庭人均收入增加"]},
    "D17": {"start_month": "2027-01", "reasons": [
        "经复核，家庭人均月收入已连续超过当地最低生活保障标准，渐退期满，不再符合最低生活保障条件"]},
    "D18": {"amount": "1296.00"},
    "D21": {"reasons": [
        "你家庭成员李小雨自2026年4月起取得工资收入，未按规定告知，导致家庭多领取最低生活保障金"]},
    "D22": {"start_month": "2026-07", "reasons": [
        "你家庭未按规定参加定期复核，经两次通知仍未提供复核材料"]},
}

# D25 – D27: an emergency case (急难个案) and its first help.
_EMERGENCY: dict[str, Any] = {
    "case": {"number": "JN99010200120260007", "item_name": "急难救助（先行救助）",
             "cause": "火灾", "occurred_on": "2026-03-18", "opened_on": "2026-03-19",
             "source": "网格员", "level": "红色", "score": 35,
             "narrative": "3月18日夜间住房起火，房屋及家具衣物全部烧毁，一家三口暂住邻居家。",
             "explanation": "E01 今晚无处居住（红色必要项）→ 红色；计分：E06 火灾、自然灾害、房屋倒塌 25 分 + E10 无保险、赔偿或其他救助渠道 10 分 = 35 分"},
    "help": {"amount": "3000.00", "method": "现金", "payee": "张秀英", "fund": "第1镇备用金",
             "approval_level": "乡镇", "state": "已发放", "requested_by": "马红梅",
             "requested_at": "2026-03-19 10:05", "approved_by": "马红梅",
             "approved_at": "2026-03-19 10:05", "override_reason": "", "voucher": "XJ-2026-0031",
             "paid_at": "2026-03-19 11:20", "paid_by": "王建国", "signed": True},
    "papers": {"due": "2026-04-16", "application": "MZ059901020012026000012",
               "item_name": "临时救助（急难型）"},
    "materials": ["临时救助申请书", "身份证明", "受灾或支出证明"],
}
for _code in ("D25", "D26", "D27"):
    OVERRIDES[_code] = _EMERGENCY


def example_context(code: str | None = None) -> dict[str, Any]:
    """A deep copy of the example context, with ``code``'s own values. ``document`` is
    filled here only so that a preview shows a number; ``document_issue`` sets its own."""
    context = copy.deepcopy(EXAMPLE)
    if code:
        context.update(copy.deepcopy(OVERRIDES.get(code, {})))
        context["document"] = {"code": code, "number": "示范县第1镇民低〔2026〕第0001号"}
    return context
