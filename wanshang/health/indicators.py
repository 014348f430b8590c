"""The indicator registry: what the 体检中心 measures, how, and when a value is a warning.

An indicator is a batch function over all shops — `compute(shop_ids=…, since=…, until=…) -> {shop_id: Reading}`,
one query (or a few) for every shop at once — with its label, its definition (shown on the seller's page), its
direction and its default rule (threshold, smallest base, points). `HEALTH_RULES` in settings overrides a
rule per key. Other apps' figures plug in with `register(Indicator(...))`; a count selector of the shape
`f(*, shop_ids, since) -> dict[int, int]` (adlaw's `shop_hit_counts`) plugs in through `count_of(f)`:

    register(Indicator(key="adlaw_hits", label="广告法违规用语", definition="…", unit=COUNT,
                       compute=count_of(adlaw.selectors.shop_hit_counts), threshold=0, points=2,
                       auto_verify=True))
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wanshang.adlaw.selectors import shop_hit_counts
from wanshang.aftersales.selectors import shops_cases_by_reason, shops_disputes_decided, shops_refunded_orders
from wanshang.catalog.selectors import shop_image_problem_counts
from wanshang.compliance.selectors import shops_open_price_alerts
from wanshang.orders.selectors import shops_due_and_late, shops_paid_orders
from wanshang.reviews.selectors import shops_dsr
from wanshang.service.selectors import shops_first_responses

RATE, COUNT, SCORE = "rate", "count", "score"


@dataclass(frozen=True)
class Reading:
    value: float | None  # None: nothing to judge
    numerator: int = 0
    denominator: int = 0


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    unit: str  # RATE (0–1, shown as %), COUNT, SCORE
    compute: Callable[..., dict[int, Reading]]  # (*, shop_ids, since, until)
    threshold: float
    points: int  # what an item of this indicator earns when unfixed at its deadline
    higher_is_worse: bool = True
    min_base: int = 0  # a rate is judged only on at least this many orders / conversations / cases
    # True: an item is verified when the indicator, computed again for the shop, is back within its threshold
    # (counts of problems the shop can clear: price alerts resolved, terms removed). False: an operator verifies.
    auto_verify: bool = False
    order: int = 100

    def warns(self, reading: Reading) -> bool:
        if reading.value is None or reading.denominator < self.min_base:
            return False
        if self.higher_is_worse:
            return reading.value > self.threshold
        return reading.value < self.threshold


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    _REGISTRY[indicator.key] = indicator
    return indicator


def ruled(indicator: Indicator) -> Indicator:
    """The indicator with the published rule of `HEALTH_RULES[key]` (threshold, min_base, points) applied."""
    rule = settings.WANSHANG.get("HEALTH_RULES", {}).get(indicator.key) or {}
    fields = {k: rule[k] for k in ("threshold", "min_base", "points") if k in rule}
    return replace(indicator, **fields) if fields else indicator


def indicators() -> list[Indicator]:
    return sorted((ruled(i) for i in _REGISTRY.values()), key=lambda i: (i.order, i.key))


def indicator(key: str) -> Indicator | None:
    found = _REGISTRY.get(key)
    return ruled(found) if found else None


def count_of(selector: Callable[..., dict[int, int]]) -> Callable[..., dict[int, Reading]]:
    """Adapt a count selector `f(*, shop_ids, since) -> {shop_id: n}` to a compute function."""

    def compute(*, shop_ids, since, until):
        counts = selector(shop_ids=shop_ids, since=since)
        return {shop_id: Reading(float(n), int(n), 1) for shop_id, n in counts.items()}

    return compute


def _rate(num: int, den: int) -> Reading:
    return Reading(num / den if den else None, num, den)


# --- the built-in indicators ---------------------------------------------------------------------------------


def late_shipment(*, shop_ids, since, until):
    return {
        s: _rate(late, due)
        for s, (due, late) in shops_due_and_late(shop_ids=shop_ids, since=since, until=until).items()
    }


def _paid(shop_ids, since, until) -> dict[int, int]:
    return {s: n for s, (n, _fen) in shops_paid_orders(shop_ids=shop_ids, since=since, until=until).items()}


def not_as_described(*, shop_ids, since, until):
    cases = shops_cases_by_reason(shop_ids=shop_ids, reason="描述不符", since=since, until=until)
    paid = _paid(shop_ids, since, until)
    return {s: _rate(cases.get(s, 0), paid.get(s, 0)) for s in set(cases) | set(paid)}


def refund_rate(*, shop_ids, since, until):
    refunded = shops_refunded_orders(shop_ids=shop_ids, since=since, until=until)
    paid = _paid(shop_ids, since, until)
    return {s: _rate(refunded.get(s, 0), paid.get(s, 0)) for s in set(refunded) | set(paid)}


def dispute_loss(*, shop_ids, since, until):
    rows = shops_disputes_decided(shop_ids=shop_ids, since=since, until=until)
    return {s: _rate(lost, decided) for s, (decided, lost) in rows.items()}


def dsr(*, shop_ids, since, until):
    return {
        s: Reading(value, counted, counted) for s, (value, counted) in shops_dsr(shop_ids=shop_ids).items()
    }


def price_rule_hits(*, shop_ids, since, until):
    return {
        s: Reading(float(n), n, 1) for s, n in shops_open_price_alerts(shop_ids=shop_ids, since=since).items()
    }


def slow_response(*, shop_ids, since, until):
    rows = shops_first_responses(shop_ids=shop_ids, since=since, until=until)
    return {s: _rate(asked - quick, asked) for s, (asked, quick) in rows.items()}


register(
    Indicator(
        key="late_shipment",
        label=_("延迟发货率"),
        definition=_("近30天发货截止时间已到的订单中，未按承诺时间发货（延迟发货判定且未豁免）的订单占比。"),
        unit=RATE,
        compute=late_shipment,
        threshold=0.05,
        min_base=10,
        points=3,
        order=10,
    )
)
register(
    Indicator(
        key="not_as_described",
        label=_("描述不符投诉率"),
        definition=_(
            "近30天买家以“描述不符”发起的售后单数 ÷ 近30天支付订单数；平台介入判定商家无责（驳回买家）的不计。"
        ),
        unit=RATE,
        compute=not_as_described,
        threshold=0.02,
        min_base=10,
        points=4,
        order=20,
    )
)
register(
    Indicator(
        key="refund_rate",
        label=_("退款率"),
        definition=_("近30天退款成功的订单数（去重）÷ 近30天支付订单数。"),
        unit=RATE,
        compute=refund_rate,
        threshold=0.15,
        min_base=10,
        points=2,
        order=30,
    )
)
register(
    Indicator(
        key="dispute_loss",
        label=_("纠纷败诉率"),
        definition=_("近30天平台介入已判定的售后单中，判商家责任（全额/部分退款、先退货后退款）的占比。"),
        unit=RATE,
        compute=dispute_loss,
        threshold=0.3,
        min_base=3,
        points=4,
        order=40,
    )
)
register(
    Indicator(
        key="dsr",
        label=_("店铺评分（DSR）"),
        definition=_(
            "描述相符、服务态度、物流服务三项评分的平均（评价中心的滚动窗口，默认180天，每位买家每月计入有限次数）。"
        ),
        unit=SCORE,
        compute=dsr,
        threshold=4.5,
        min_base=20,
        points=2,
        higher_is_worse=False,
        order=50,
    )
)
register(
    Indicator(
        key="price_rule_hits",
        label=_("价格违规（明码标价）"),
        definition=_(
            "近30天触发的价格规则提醒（§16 划线价高于7天最低成交价、§17 先提价后打折）中尚未处理的条数。"
        ),
        unit=COUNT,
        compute=price_rule_hits,
        threshold=0,
        points=2,
        auto_verify=True,
        order=60,
    )
)
register(
    Indicator(
        key="slow_response",
        label=_("客服慢响应率"),
        definition=_(
            "近30天买家发起的咨询中，客服未在3分钟内首次回复的占比（与数据中心·客服数据的3分钟回复率互补）。"
        ),
        unit=RATE,
        compute=slow_response,
        threshold=0.5,
        min_base=20,
        points=1,
        order=70,
    )
)


def image_problems(*, shop_ids, since, until):
    """Open now, so that a shop that replaced its pictures is verified at once (a 30-day count would keep a
    fixed problem for a month)."""
    counts = shop_image_problem_counts(shop_ids=shop_ids, since=since, open_only=True)
    return {shop_id: Reading(float(n), n, 1) for shop_id, n in counts.items()}


register(
    Indicator(
        key="adlaw_hits",
        label=_("广告法违规用语"),
        definition=_(
            "买家可见的文字（商品标题、详情、店铺简介、优惠券与活动名称、推广创意、客服话术、评价回复）中，"
            "近30天出现且仍未修改、未获豁免的广告法禁用或慎用用语条数。"
        ),
        unit=COUNT,
        compute=count_of(shop_hit_counts),
        threshold=0,
        points=2,
        auto_verify=True,
        order=65,
    )
)
register(
    Indicator(
        key="image_problems",
        label=_("商品图片问题"),
        definition=_(
            "在售商品当前未解决的图片问题数：主图分辨率不足、非1:1、模糊、主图数量不足、同店重复使用，"
            "以及标记含品牌标识或人物肖像却缺少或被驳回授权文件的图片。"
        ),
        unit=COUNT,
        compute=image_problems,
        threshold=0,
        points=1,
        auto_verify=True,
        order=67,
    )
)
