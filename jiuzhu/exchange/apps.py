from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "jiuzhu.exchange"
    verbose_name = "数据交换（Excel 导入导出）"
