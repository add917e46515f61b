"""The data-source adapters: department export files, the demo source, the registry."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from jiuzhu.testing import member_dict
from jiuzhu.verification.adapters import (
    SOURCES,
    DemoAdapter,
    FileExportAdapter,
    SourceAdapter,
    SourceUnavailable,
)

from .conftest import write_csv

ZHANG = member_dict(name="张三", birth=date(1980, 1, 2))
LI = member_dict(member_id="M2", name="李四", relation="spouse", birth=date(1982, 3, 4))
WANG = member_dict(member_id="M3", name="王五", relation="child", birth=date(2005, 6, 7))


def test_csv_in_utf8_with_several_rows_per_person(exports):
    write_csv(exports, "vehicles", [
        ["身份证号", "号牌号码", "车辆类型", "评估价值（元）"],
        [ZHANG["id_number"], "示A12345", "小型轿车", "85,000"],
        [ZHANG["id_number"], "示B00001", "二轮摩托车", "3000.5"],
        ["990102199001011234", "示C99999", "小型轿车", "999999"],  # someone else
    ])
    result = FileExportAdapter("vehicles").query(members=[ZHANG, LI])
    assert result.facts == {ZHANG["id_number"]: {"vehicles": [
        {"kind": "car", "value": Decimal("85000.00"), "plate": "示A12345"},
        {"kind": "motorcycle", "value": Decimal("3000.50"), "plate": "示B00001"},
    ]}}
    # The payload keeps only the rows asked about, as written.
    assert result.payload["encoding"] == "utf-8-sig"
    assert result.payload["headers"] == ["身份证号", "号牌号码", "车辆类型", "评估价值（元）"]
    assert [r["评估价值（元）"] for r in result.payload["rows"]] == ["85,000", "3000.5"]
    assert len(result.payload["sha256"]) == 64


def test_csv_in_gbk(exports):
    write_csv(exports, "social_insurance", [
        ["身份证号码", "单位名称", "年工资收入", "年养老金"],
        [LI["id_number"], "示范县纺织厂", "36000", ""],
        [LI["id_number"], "示范县物流公司", "12000.00", ""],
        [ZHANG["id_number"], "", "", "14400"],
    ], encoding="gbk")
    result = FileExportAdapter("social_insurance").query(members=[ZHANG, LI, WANG])
    assert result.payload["encoding"] == "gb18030"
    assert result.facts[LI["id_number"]] == {"wages": Decimal("48000.00"), "pension": Decimal(0)}
    assert result.facts[ZHANG["id_number"]] == {"wages": Decimal(0), "pension": Decimal("14400.00")}
    assert WANG["id_number"] not in result.facts
    assert result.payload["rows"][0]["单位名称"] == "示范县纺织厂"


def test_xlsx(exports):
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "不动产单元号", "坐落", "建筑面积(㎡)"])
    sheet.append([ZHANG["id_number"], "990102001001GB00001F0001", "人民路1号", 80])
    sheet.append([LI["id_number"], "990102001001GB00001F0001", "人民路1号", 80])  # co-owned
    sheet.append([LI["id_number"], "990102001001GB00002F0002", "解放路9号", 95.5])
    book.save(exports / "real_estate.xlsx")
    result = FileExportAdapter("real_estate").query(members=[ZHANG, LI])
    assert result.facts[LI["id_number"]] == {"homes": [
        {"unit": "990102001001GB00001F0001", "area_m2": Decimal("80.00")},
        {"unit": "990102001001GB00002F0002", "area_m2": Decimal("95.50")},
    ]}
    assert result.payload["rows"][2]["建筑面积(㎡)"] == "95.5"


def test_the_newer_of_xlsx_and_csv_is_read(exports):
    old = write_csv(exports, "deposits", [["身份证号", "存款余额"], [ZHANG["id_number"], "1"]])
    os.utime(old, (1_000_000, 1_000_000))
    book = Workbook()
    book.active.append(["身份证号", "存款余额", "证券市值"])
    book.active.append([ZHANG["id_number"], 20000, 5000])
    book.save(exports / "deposits.xlsx")
    result = FileExportAdapter("deposits").query(members=[ZHANG])
    assert result.facts[ZHANG["id_number"]] == {"financial_assets": Decimal("25000.00")}


def test_a_missing_file_is_a_source_that_is_down(exports):
    with pytest.raises(SourceUnavailable, match="未找到车辆数据的导出文件"):
        FileExportAdapter("vehicles").query(members=[ZHANG])


def test_a_missing_column_or_an_unreadable_cell_is_named(exports):
    write_csv(exports, "vehicles", [["身份证号", "车辆类型"], [ZHANG["id_number"], "小型轿车"]])
    with pytest.raises(SourceUnavailable, match="缺少列：评估价值"):
        FileExportAdapter("vehicles").query(members=[ZHANG])
    write_csv(exports, "vehicles", [["身份证号", "车辆类型", "评估价值"],
                                    [ZHANG["id_number"], "飞艇", "1"]])
    with pytest.raises(SourceUnavailable, match="第 2 行.*车辆类型“飞艇”无法识别"):
        FileExportAdapter("vehicles").query(members=[ZHANG])


def test_hukou_business_and_housing_fund_files(exports):
    write_csv(exports, "hukou", [["身份证号", "姓名", "人员状态"],
                                 [ZHANG["id_number"], "张叁", "正常"],
                                 [LI["id_number"], "李四", "死亡注销"]])
    write_csv(exports, "business", [["身份证号", "企业名称", "登记状态"],
                                    [ZHANG["id_number"], "示范县张三商店", "存续"],
                                    [LI["id_number"], "已关的公司", "注销"]])
    write_csv(exports, "housing_fund", [["身份证号", "月缴存基数", "年缴存额"],
                                        [ZHANG["id_number"], "4000", "11520"],
                                        [LI["id_number"], "", "7200"]])
    hukou = FileExportAdapter("hukou").query(members=[ZHANG, LI]).facts
    assert hukou[ZHANG["id_number"]]["name"] == "张叁"
    assert hukou[ZHANG["id_number"]]["alive"] is True
    assert hukou[LI["id_number"]]["alive"] is False
    business = FileExportAdapter("business").query(members=[ZHANG, LI]).facts
    assert business[ZHANG["id_number"]]["business_registration"] is True
    assert business[LI["id_number"]]["business_registration"] is False
    fund = FileExportAdapter("housing_fund").query(members=[ZHANG, LI]).facts
    assert fund[ZHANG["id_number"]]["implied_wages"] == Decimal(48000)
    assert fund[LI["id_number"]]["implied_wages"] == Decimal("30000.00")  # 7200 / 24 %


def _people(n: int) -> list[dict]:
    return [member_dict(member_id=f"M{i}", name=f"成员{i}", birth=date(1970 + i % 30, 1, 1),
                        income={"wages": 10000}) for i in range(n)]


def test_the_demo_is_deterministic_and_mostly_matches_the_declaration():
    people = _people(300)
    for code in SOURCES:
        first = DemoAdapter(code).query(members=people)
        again = DemoAdapter(code).query(members=people)
        assert first.facts == again.facts and first.payload == again.payload
    wages = DemoAdapter("social_insurance").query(members=people).facts
    extra = [p for p in people if wages[p["id_number"]]["wages"] != Decimal(10000)]
    assert 0 < len(extra) < len(people) // 3
    cars = DemoAdapter("vehicles").query(members=people).facts
    assert 0 < len(cars) < len(people) // 3


def test_the_demo_attributes_the_declared_assets_to_the_head():
    declared = {"assessment_date": "2026-03-01", "assets": {
        "vehicles": [{"kind": "motorcycle", "value": 2000}], "homes_owned": 2,
        "housing_area_m2": 101, "financial_assets": 1234.5}}
    adapter = DemoAdapter("real_estate").for_household(declared)
    head = {**ZHANG, "relation": "head"}
    homes = adapter.query(members=[head, LI]).facts[head["id_number"]]["homes"]
    assert len(homes) >= 2
    assert homes[0]["area_m2"] + homes[1]["area_m2"] == Decimal(101)


def test_the_registry_prefers_the_export_file_then_the_demo(settings, tmp_path):
    assert isinstance(SOURCES["vehicles"], DemoAdapter)
    write_csv(tmp_path / "exports", "vehicles", [["身份证号", "车辆类型", "评估价值"]])
    assert isinstance(SOURCES["vehicles"], FileExportAdapter)
    settings.VERIFICATION_DEMO = False
    assert isinstance(SOURCES["deposits"], FileExportAdapter)
    assert set(SOURCES) == {"hukou", "vehicles", "real_estate", "social_insurance", "business",
                            "housing_fund", "deposits"}
    assert all(isinstance(SOURCES[code], SourceAdapter) for code in SOURCES)


def test_a_zip_bomb_export_file_is_a_source_that_is_down(exports):
    """A department's file is refused before it is unpacked, like an upload."""
    import io
    import zipfile

    book = Workbook()
    book.active.append(["身份证号", "存款余额", "证券市值"])
    book.active.append([ZHANG["id_number"], 20000, 5000])
    real = io.BytesIO()
    book.save(real)
    with zipfile.ZipFile(io.BytesIO(real.getvalue())) as source, \
            zipfile.ZipFile(exports / "deposits.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/zeros.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(SourceUnavailable, match="压缩炸弹"):
        FileExportAdapter("deposits").query(members=[ZHANG])
