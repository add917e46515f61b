from django.apps import AppConfig


class XingfuConfig(AppConfig):
    name = "jiuzhu.xingfu"
    verbose_name = "幸福云服务"

    def ready(self) -> None:
        from jiuzhu.calendars.services import register_daily
        from jiuzhu.core.access import register_scope
        from jiuzhu.points.services import register_served_families

        from . import rules  # noqa: F401
        from .selectors import (
            need_scope,
            offer_scope,
            order_scope,
            provider_scope,
            served_household_ids,
        )
        from .tasks import roll_offers_now

        # A provider user sees the offers made to them and their orders, the needs through
        # them, and their own provider record — never a household, income or ID number.
        register_scope("xingfu.Provider", "organisation", provider_scope)
        register_scope("xingfu.Offer", "organisation", offer_scope)
        register_scope("xingfu.Order", "organisation", order_scope)
        register_scope("xingfu.ServiceNeed", "organisation", need_scope)
        register_daily(roll_offers_now)
        # 转赠: a volunteer gives points only to a family they served (a confirmed order)
        register_served_families(served_household_ids)
