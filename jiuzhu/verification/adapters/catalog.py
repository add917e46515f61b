"""The data sources a verification may query (核对数据源), in report order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceInfo:
    code: str
    name: str
    department: str


SOURCE_INFO: dict[str, SourceInfo] = {
    info.code: info
    for info in (
        SourceInfo("hukou", "户籍", "公安 户籍管理"),
        SourceInfo("vehicles", "车辆", "公安 交通管理"),
        SourceInfo("real_estate", "不动产", "自然资源 不动产登记"),
        SourceInfo("social_insurance", "社保/工资", "人力资源和社会保障"),
        SourceInfo("business", "工商", "市场监督管理 工商登记"),
        SourceInfo("housing_fund", "公积金", "住房公积金管理中心"),
        SourceInfo("deposits", "存款", "银行存款/证券"),
    )
}
SOURCE_CODES: tuple[str, ...] = tuple(SOURCE_INFO)


def source_name(code: str) -> str:
    info = SOURCE_INFO.get(code)
    return info.name if info else code
