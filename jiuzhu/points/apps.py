from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "jiuzhu.points"
    verbose_name = "公益积分与爱心超市"
