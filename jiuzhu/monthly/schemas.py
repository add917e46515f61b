"""Typed shapes of ``GET /api/v1/reports/monthly`` (50-api.md): the five programmes with
``households``, ``persons``, ``expenditure`` (yuan, two decimals) and their rows per
sub-region, plus 一门受理 per department, the closing and the notes."""

from __future__ import annotations

from ninja import Field, Schema


class ProgrammeFigures(Schema):
    households: int = Field(description="户数")
    persons: int = Field(description="人数（月末登记的家庭成员）")
    expenditure: str = Field(description="当月支出（元，两位小数，已确认花名册）", examples=["12345.00"])
    female: int | None = Field(None, description="其中女性")
    elderly: int | None = Field(None, description="其中老年人（月末满60岁）")
    minors: int | None = Field(None, description="其中未成年人（月末未满18岁）")
    disabled: int | None = Field(None, description="其中残疾人")
    average: str | None = Field(None, description="月人均补助水平 / 次均救助水平（元，按分四舍五入）")
    standard: list[str] | None = Field(None, description="保障标准 [最低, 最高]（元/人·月）")
    standard_urban: list[str] | None = Field(None, description="特困基本生活标准（城市）")
    standard_rural: list[str] | None = Field(None, description="特困基本生活标准（农村）")
    concentrated: int | None = Field(None, description="特困：集中供养人数")
    dispersed: int | None = Field(None, description="特困：分散供养人数")
    times: int | None = Field(None, description="临时救助人次")
    emergency: int | None = Field(None, description="临时救助：急难型人次")
    expense: int | None = Field(None, description="临时救助：支出型人次")
    non_local: int | None = Field(None, description="临时救助：非本地户籍人次")
    recognised_households: int | None = Field(None, description="低收入：认定的低保边缘户数")
    recognised_persons: int | None = Field(None, description="低收入：认定的低保边缘人数")
    monitored_households: int | None = Field(None, description="低收入：其中纳入监测户数（信息圈3–4）")
    monitored_persons: int | None = Field(None, description="低收入：其中纳入监测人数")


class ProgrammeRow(ProgrammeFigures):
    code: str = Field(description="下级区划代码")
    name: str


class ProgrammeOut(ProgrammeFigures):
    rows: list[ProgrammeRow] = Field(description="各下级区划（合计即本对象）")


class DepartmentOut(Schema):
    department: str = Field(description="部门代码；total 为合计")
    name: str
    received: int = Field(description="受理件数")
    finished: int = Field(description="办结")
    on_time: int = Field(description="按时办结件数")
    on_time_rate: str | None = Field(description="按时办结率（无办结为 null）", examples=["87.5%"])
    transferred: int = Field(description="转办")
    cohandled: int = Field(description="协办")
    overdue: int = Field(description="超时（月末仍未办结且已过期限）")


class MonthlyOut(Schema):
    region: str = Field(description="区划代码")
    region_name: str
    month: str = Field(examples=["2026-11"])
    urban_dibao: ProgrammeOut
    rural_dibao: ProgrammeOut
    tekun: ProgrammeOut
    temporary: ProgrammeOut
    low_income: ProgrammeOut
    one_window: list[DepartmentOut] = Field(description="一门受理，各部门及合计")
    closed: bool = Field(description="该月已关账（数字为关账时保存的数字）")
    closed_at: str | None
    notes: list[str] = Field(description="差异说明：上月关账后数据变动")
