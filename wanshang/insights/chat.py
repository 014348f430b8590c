"""数据中心 · 客服数据: the chat figures of a shop over a date range (Asia/Shanghai calendar days, both ends
included), per shop and per agent. The figures themselves are service's (`service.selectors.service_figures`,
definitions in docs/service.md); this module turns the page's dates into the instants they cover."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wanshang.common.errors import ValidationError
from wanshang.service.selectors import service_figures

MAX_DAYS = 366


def chat_board(*, shop, date_from: date, date_to: date) -> dict:
    """{"date_from", "date_to", "shop": {...}, "agents": [...]}; ValidationError for a reversed or too long range."""
    if date_to < date_from:
        raise ValidationError("结束日期不能早于开始日期", field="date_to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise ValidationError(f"最多查询 {MAX_DAYS} 天", field="date_from")
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(date_from, time.min), tz)
    until = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
    return {
        "date_from": date_from,
        "date_to": date_to,
        **service_figures(shop=shop, since=since, until=until),
    }


def default_range(today: date, days: int = 30) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today
