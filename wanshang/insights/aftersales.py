"""数据中心 · 售后分析: a shop's refund and dispute rates, how long refunds take, and why buyers ask.

Definitions (docs/aftersales.md, "数据中心"):

- 退款率 = 子订单 refunded in the period (lines touched by a refund whose money came back in it) ÷ 子订单 paid
  in the period. The overview's 退款率 is by amount (退款金额 ÷ 支付金额); this one counts lines, as
  生意参谋's service board does.
- 纠纷率 = cases the platform decided against the shop in the period (平台介入: a refund, or a return
  ordered) ÷ 子订单 paid in the period.
- 平均退款时长 = the mean time from the buyer's request (the case; a refund without a case from the refund
  itself) to the money back, over the refunds paid back in the period.
- 退款原因: the products with the most cases opened in the period, each with its three commonest reasons.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from wanshang.aftersales.selectors import (
    ProductReasons,
    shop_aftersales_figures,
    shop_case_reasons_by_product,
)
from wanshang.common.errors import ValidationError
from wanshang.orders.selectors import shop_paid_line_count

PERIOD_DAYS = (7, 30, 90)


@dataclass(frozen=True)
class AfterSalesBoard:
    days: int
    paid_lines: int
    refunded_lines: int
    refund_rate: float | None  # None: nothing paid in the period
    refunds: int
    refund_fen: int
    avg_refund_hours: float | None  # None: no refund paid back in the period
    cases_opened: int
    disputes_lost: int
    dispute_rate: float | None
    products: list[ProductReasons]


def aftersales_board(*, shop, days: int = 30, now=None) -> AfterSalesBoard:
    """The last `days` days (one of PERIOD_DAYS) up to `now`."""
    if days not in PERIOD_DAYS:
        raise ValidationError(f"统计周期只能是 {'、'.join(map(str, PERIOD_DAYS))} 天", field="days")
    until = now or timezone.now()
    since = until - timedelta(days=days)
    paid = shop_paid_line_count(shop=shop, since=since, until=until)
    figures = shop_aftersales_figures(shop=shop, since=since, until=until)
    seconds = figures.refund_seconds
    return AfterSalesBoard(
        days=days,
        paid_lines=paid,
        refunded_lines=len(figures.refunded_line_ids),
        refund_rate=len(figures.refunded_line_ids) / paid if paid else None,
        refunds=figures.refunds,
        refund_fen=figures.refund_fen,
        avg_refund_hours=round(sum(seconds) / len(seconds) / 3600, 1) if seconds else None,
        cases_opened=figures.cases_opened,
        disputes_lost=figures.disputes_lost,
        dispute_rate=figures.disputes_lost / paid if paid else None,
        products=shop_case_reasons_by_product(shop=shop, since=since, until=until),
    )
