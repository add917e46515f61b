import io
from decimal import Decimal

from openpyxl import load_workbook

from jiuzhu.exchange.layout import FIRST_DATA_ROW, HOUSEHOLDS, MEMBERS
from jiuzhu.exchange.reader import workbook_read
from jiuzhu.households.services import household_validate
from jiuzhu.testing import PASSWORD


def _download(client, user):
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/exchange/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_template_opens_with_the_sheets_headers_and_dropdowns(client, window_worker):
    content = _download(client, window_worker)
    workbook = load_workbook(io.BytesIO(content))
    assert {"家庭", "成员", "赡养义务人", "车辆", "说明"} <= set(workbook.sheetnames)

    households = workbook["家庭"]
    labels = [c.value for c in households[1]]
    keys = [c.value for c in households[2]]
    assert labels[:5] == ["家庭编号", "区划代码", "城乡类别", "信息采集日期", "住址"]
    assert keys[:5] == ["household_id", "region_code", "area_type", "assessment_date", "address"]
    assert "expenditures.medical" in keys and "flags.single_parent" in keys

    members = workbook["成员"]
    assert [c.value for c in members[1]][:4] == ["家庭编号", "成员编号", "姓名", "身份证号"]
    health = MEMBERS.by_key["health"]
    column = [c.key for c in MEMBERS.columns].index("health") + 1
    dropdowns = {str(dv.sqref): dv for dv in members.data_validations.dataValidation}
    letter = members.cell(row=1, column=column).column_letter
    validation = dropdowns[f"{letter}{FIRST_DATA_ROW}:{letter}1048576"]
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(label for _, label in health.labels) + '"'
    assert "健康" in validation.formula1 and "healthy" not in validation.formula1

    supporters = workbook["赡养义务人"]
    assert "supports" in [c.value for c in supporters[2]]
    instructions = [row[1] for row in workbook["说明"].iter_rows(values_only=True)]
    assert any(isinstance(t, str) and "第 1 行是中文列名" in t for t in instructions)


def test_example_household_is_valid_for_the_downloading_worker(client, window_worker):
    content = _download(client, window_worker)
    parsed = workbook_read(io.BytesIO(content))
    assert parsed.errors == []
    [example] = parsed.households
    assert example.row == FIRST_DATA_ROW
    assert example.data["region_code"] == window_worker.region.code
    assert len(example.data["members"]) == 3
    assert example.data["supporters"][0]["supports"] == ["M1", "M2"]
    assert example.data["assets"]["vehicles"] == [{"kind": "motorcycle",
                                                   "value": Decimal("2500.00")}]
    household_validate(actor=window_worker, data=example.data)  # raises if anything is wrong


def test_template_needs_a_login(client, db):
    response = client.get("/exchange/template.xlsx")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_every_household_column_has_a_distinct_label_and_key():
    labels = [c.label for c in HOUSEHOLDS.columns]
    keys = [c.key for c in HOUSEHOLDS.columns]
    assert len(set(labels)) == len(labels) and len(set(keys)) == len(keys)
