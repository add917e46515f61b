"""Months as the first day of the month (发放月份): :mod:`jiuzhu.core.months`."""

from jiuzhu.core.months import add_months, month_of, month_parse

__all__ = ["add_months", "month_of", "month_parse"]
