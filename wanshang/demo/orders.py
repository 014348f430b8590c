"""Demo order history: a month of checkouts in every state, placed and moved on by the real services.

Each checkout is planned first (state, buyer, shops, when), then all checkouts and the planned price changes
are replayed in time order, so an order placed before a price cut pays the old price. Every checkout runs
through checkout_submit → sandbox_pay → order_ship → order_confirm_receipt (or order_cancel, refund_request →
refund_approve / refund_reject / refund_withdraw) at the current time, and is then back-dated to its planned
timeline (see demo/backdate.py).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from wanshang.aftersales.services import refund_approve, refund_reject, refund_request, refund_withdraw
from wanshang.checkout.services import cart_add, checkout_submit
from wanshang.common.errors import DomainError
from wanshang.common.money import allocate
from wanshang.demo.backdate import (
    NumberMaker,
    Timeline,
    checkout_backdate,
    renumber_gateway_refund,
    renumber_order,
    renumber_payment,
    renumber_refund,
)
from wanshang.demo.catalog import price_change_apply
from wanshang.inventory.models import Stock
from wanshang.orders.models import Order
from wanshang.orders.services import order_cancel, order_confirm_receipt, order_ship
from wanshang.payments.services import sandbox_pay

# State → (weight, minimum age in hours, maximum age in hours) of the checkout.
STATES = {
    "pending": (5, 2 / 60, 25 / 60),
    "cancelled_buyer": (5, 2, 720),
    "cancelled_expired": (4, 2, 720),
    "paid": (9, 0.75, 40),
    "refund_open": (3, 3, 60),
    "shipped": (14, 10, 8.5 * 24),
    "completed": (46, 1.5 * 24, 30 * 24),  # the youngest may not be received yet: they stay shipped
    "refund_rejected": (3, 2 * 24, 30 * 24),
    "refund_withdrawn": (2, 2 * 24, 30 * 24),
    "refunded": (9, 8, 30 * 24),
}
# Shoppers by local hour: quiet at night, a lunch bump, the peak in the evening.
HOUR_WEIGHTS = [3, 1.5, 1, 0.5, 0.4, 0.5, 1, 2.5, 4, 5, 6, 7, 8, 7, 6, 6, 6, 6.5, 7, 9, 12, 14, 13, 7]
SHOP_WEIGHTS = {
    "qinghe-apparel": 1.5,
    "lanxin-digital": 1.2,
    "shanhetian-food": 1.4,
    "lanzhi-beauty": 1.2,
    "qiju-home": 1.0,
    "beiya-baby": 0.9,
    "xingye-outdoor": 0.9,
    "yunchu-appliances": 0.8,
}
CARRIERS = {
    "lanxin-digital": ["SF", "JD"],
    "shanhetian-food": ["SF"],
    "yunchu-appliances": ["JD", "SF"],
    "lanzhi-beauty": ["SF", "YTO", "ZTO"],
}
DEFAULT_CARRIERS = ["ZTO", "YTO", "YUNDA", "JTSD", "STO", "SF"]
BUYER_NOTES = [
    "请尽快发货，谢谢",
    "周末送货，工作日家里没人",
    "送礼用，请不要放价格单",
    "麻烦包装结实一点",
    "放快递柜就行",
    "请发顺丰，可补运费差价",
]
CANCEL_REASONS = ["不想要了", "地址填写错误，重新下单", "商品规格选错了", "重复下单", "想换个颜色/尺码"]
REFUND_REASONS = [
    "拍错了，不想要了",
    "商家发货太慢",
    "地址填错了，重新下单",
    "与客服协商一致退款",
    "价格有变化，想重新下单",
]
REJECT_NOTES = ["商品已打包交给快递，请收到货后申请售后处理", "定制商品已开始制作，暂不支持仅退款，敬请谅解"]


@dataclass
class Checkout:
    index: int
    state: str
    buyer: object
    shop_slugs: list
    created: object
    timeline: Timeline | None = None
    items: list = field(default_factory=list)  # [(sku_id, quantity)], chosen when planning
    address_id: int | None = None
    note: str = ""
    order_ids: list = field(default_factory=list)


def _state_counts(total: int) -> dict[str, int]:
    """Orders per state summing to `total`, every state present when total allows it."""
    names = list(STATES)
    counts = dict(zip(names, allocate(total, [STATES[n][0] for n in names]), strict=True))
    if total >= len(names):
        for name in names:
            while counts[name] == 0:
                richest = max(names, key=lambda n: counts[n])
                counts[richest] -= 1
                counts[name] += 1
    return counts


def _hour_weight(t) -> float:
    local = timezone.localtime(t)
    weekend = 1.2 if local.weekday() >= 5 else 1.0
    return HOUR_WEIGHTS[local.hour] * weekend


def sample_time(rng, now, min_hours: float, max_hours: float):
    """A moment between `max_hours` and `min_hours` ago, following the daily rhythm (rejection sampling).

    Always draws the same number of random values, so which candidate the clock accepts never shifts the
    random stream: loading at another time of day changes the timestamps, not what was bought.
    """
    top = max(HOUR_WEIGHTS) * 1.2
    draws = [(rng.uniform(min_hours, max_hours), rng.random()) for _ in range(24)]
    micro = rng.randrange(10**6)
    chosen = draws[0][0]
    for hours, u in draws:
        if max_hours - min_hours < 6 or u * top < _hour_weight(now - timedelta(hours=hours)):
            chosen = hours
            break
    return (now - timedelta(hours=chosen)).replace(microsecond=micro)


def _working_hours(t, rng):
    """Warehouses ship between 9:00 and 21:00 local time."""
    local = timezone.localtime(t)
    minute = rng.randrange(60)  # drawn either way: the random stream must not depend on the clock
    if local.hour < 9:
        local = local.replace(hour=9, minute=minute)
    elif local.hour >= 21:
        local = (local + timedelta(days=1)).replace(hour=9, minute=minute)
    return local


def _timeline(state: str, created, now, rng) -> Timeline:
    def later(t, lo_min, hi_min):
        return min(t + timedelta(minutes=rng.uniform(lo_min, hi_min)), now - timedelta(minutes=1))

    t = Timeline(created=created)
    if state == "pending":
        return t
    if state == "cancelled_buyer":
        t.cancelled = later(created, 1, 25)
        return t
    if state == "cancelled_expired":
        t.cancelled = created + timedelta(minutes=30, seconds=rng.uniform(1, 30))
        return t
    t.paid = later(created, 0.3, 12)
    if state == "paid":
        return t
    if state in ("refund_open", "refunded"):
        t.refund_requested = later(t.paid, 10, 20 * 60)
        if state == "refunded":
            t.refund_decided = later(t.refund_requested, 20, 10 * 60)
            t.refunded = t.refund_decided
        return t
    ship_from = t.paid
    if state in ("refund_rejected", "refund_withdrawn"):
        t.refund_requested = later(t.paid, 10, 6 * 60)
        ship_from = t.refund_decided = later(t.refund_requested, 20, 8 * 60)
    t.shipped = min(
        _working_hours(ship_from + timedelta(hours=rng.uniform(2, 30)), rng), now - timedelta(minutes=5)
    )
    if state != "shipped":
        received = t.shipped + timedelta(days=rng.uniform(1, 6), hours=rng.uniform(0, 12))
        if received < now - timedelta(minutes=10):
            t.received = received
    if state == "refund_withdrawn":
        t.refund_decided = None  # a withdrawn request has no decision
    return t


class OrderMaker:
    def __init__(self, *, shops, buyers, on_sale: dict, seed: int, now, rng, log):
        self.shops = {d.spec["slug"]: d for d in shops}
        self.shops_by_id = {d.shop.pk: d for d in shops}
        self.buyers = buyers
        self.on_sale = {slug: refs for slug, refs in on_sale.items() if refs}
        self.seed, self.now, self.rng, self.log = seed, now, rng, log
        self.numbers = NumberMaker(random.Random(f"wanshang-demo:{seed}:numbers"))
        self.avail: dict[int, int] = {}
        self._refresh_avail([r.sku_id for refs in self.on_sale.values() for r in refs])
        # Items are chosen when planning, against the starting stock less everything planned before (never
        # given back), so the choice does not depend on the order in which checkouts are replayed.
        self.planned = dict(self.avail)
        # A few bestsellers per shop, a long tail of slow movers; some buyers shop much more than others.
        self.popularity = {
            slug: [rng.paretovariate(1.3) for _ in refs] for slug, refs in self.on_sale.items()
        }
        self.activity = [rng.paretovariate(1.6) for _ in buyers]
        self.placed = 0
        self.failed = 0

    # --- planning -------------------------------------------------------------------------------------

    def plan(self, total_orders: int) -> list[Checkout]:
        rng = self.rng
        slugs = [s for s in self.shops if s in self.on_sale]
        if not slugs or not self.buyers:
            return []
        weights = [SHOP_WEIGHTS.get(s, 1.0) for s in slugs]
        checkouts = []
        for state, count in _state_counts(total_orders).items():
            _, lo, hi = STATES[state]
            first = True
            while count > 0:
                pair = count >= 2 and len(slugs) >= 2 and rng.random() < 0.1
                shops = [rng.choices(slugs, weights)[0]]
                if pair:
                    shops.append(rng.choice([s for s in slugs if s != shops[0]]))
                # The memorable demo buyer (buyers[0]) has an order in every state.
                buyer = (
                    self.buyers[0]
                    if first or rng.random() < 0.04
                    else rng.choices(self.buyers, self.activity)[0]
                )
                created = sample_time(rng, self.now, lo, hi)
                ck = Checkout(
                    index=len(checkouts), state=state, buyer=buyer, shop_slugs=shops, created=created
                )
                ck.timeline = _timeline(state, created, self.now, rng)
                ck.items = [item for slug in shops for item in self._pick_items(slug, rng, self.planned)]
                ids = buyer.address_ids
                ck.address_id = ids[0] if len(ids) == 1 or rng.random() < 0.75 else rng.choice(ids)
                ck.note = rng.choice(BUYER_NOTES) if rng.random() < 0.12 else ""
                checkouts.append(ck)
                count -= len(shops)
                first = False
        return checkouts

    # --- replay ---------------------------------------------------------------------------------------

    def _refresh_avail(self, sku_ids) -> None:
        ids = set(sku_ids)
        for sku_id in ids:
            self.avail[sku_id] = 0
        for sku_id, on_hand, reserved in Stock.objects.filter(sku_id__in=ids).values_list(
            "sku_id", "on_hand", "reserved"
        ):
            self.avail[sku_id] = max(
                self.avail[sku_id], on_hand - reserved
            )  # a line ships from one warehouse

    def _pick_items(self, slug: str, rng, avail: dict) -> list[tuple[int, int]]:
        refs, weights = self.on_sale[slug], self.popularity[slug]
        wanted = rng.choices([1, 2, 3], [70, 22, 8])[0]
        chosen, products = [], set()
        for _ in range(wanted * 10):
            if len(chosen) >= wanted:
                break
            ref = rng.choices(refs, weights)[0]
            if ref.product_id in products:
                continue
            if ref.wholesale_qty:
                if rng.random() > 0.2:
                    continue
                qty = ref.wholesale_qty
            else:
                qty = rng.choices([1, 2, 3, 4], [72, 18, 7, 3])[0]
            if avail.get(ref.sku_id, 0) < qty + 2:
                continue
            avail[ref.sku_id] -= qty
            chosen.append((ref.sku_id, qty))
            products.add(ref.product_id)
        return chosen

    def _place(self, ck: Checkout):
        """checkout_submit the planned items; should the replay find them gone (stock split over two
        warehouses …), pick again from what is left, with a random stream of this checkout's own."""
        error = None
        items = ck.items
        for attempt in range(8):
            if attempt:
                retry_rng = random.Random(f"wanshang-demo:{self.seed}:retry:{ck.index}:{attempt}")
                items = [
                    item
                    for slug in ck.shop_slugs
                    for item in self._pick_items(slug, retry_rng, dict(self.avail))
                ]
            if not items:
                continue
            key = f"demo-{self.seed}-{ck.index}-{attempt}"
            try:
                payment = checkout_submit(
                    user=ck.buyer,
                    items=items,
                    address_id=ck.address_id,
                    idempotency_key=key,
                    buyer_note=ck.note,
                    from_cart=False,
                )
            except DomainError as exc:
                error = exc
                continue
            return payment, key, [sku_id for sku_id, _ in items]
        self.failed += 1
        self.log(f"  跳过一笔下单（{error.message if error else '没有可售商品'}）")
        return None

    def run(self, checkouts: list[Checkout], price_events: list) -> None:
        timeline = [(ck.created, 1, ck) for ck in checkouts] + [(ev[0], 0, ev) for ev in price_events]
        timeline.sort(key=lambda x: (x[0], x[1], x[2].index if x[1] else x[2][2].sku_id))
        step = max(50, len(checkouts) // 8)
        done = 0
        for _, kind, item in timeline:
            if kind == 0:
                price_change_apply(item)
                continue
            self._run_one(item)
            done += 1
            if done % step == 0:
                self.log(f"  … {done}/{len(checkouts)} 笔下单，{self.placed} 个订单")

    def _run_one(self, ck: Checkout) -> None:
        placed = self._place(ck)
        if placed is None:
            return
        payment, key, sku_ids = placed
        t = ck.timeline
        payment.no = self.numbers.make("P", t.created)
        renumber_payment(payment_id=payment.pk, no=payment.no)
        orders = list(Order.objects.filter(payment=payment).order_by("pk"))
        for order in orders:
            renumber_order(order_id=order.pk, no=self.numbers.make("W", t.created))
        ck.order_ids = [o.pk for o in orders]
        self.placed += len(orders)

        # What happens after the checkout draws from a stream of its own: the replay order follows the
        # timestamps, which depend on the load time, and must not change who gets which carrier or reason.
        rng = random.Random(f"wanshang-demo:{self.seed}:checkout:{ck.index}")
        refund_ids = []
        if ck.state == "cancelled_buyer":
            reason = rng.choice(CANCEL_REASONS)
            for order in orders:
                order_cancel(
                    order_id=order.pk,
                    actor=ck.buyer,
                    actor_kind="buyer",
                    reason=reason,
                    buyer=ck.buyer,
                    now=t.cancelled,
                )
        elif ck.state == "cancelled_expired":
            for order in orders:  # what orders_cancel_expired does when the scheduler finds it
                order_cancel(
                    order_id=order.pk, actor_kind="system", reason="超时未付款，系统自动取消", now=t.cancelled
                )
        elif ck.state != "pending":
            sandbox_pay(buyer=ck.buyer, payment_no=payment.no)
            for order in orders:
                refund_ids += self._after_payment(ck, order, rng)
        checkout_backdate(
            buyer_id=ck.buyer.pk,
            idempotency_key=key,
            payment_id=payment.pk,
            payment_no=payment.no,
            order_ids=ck.order_ids,
            t=t,
            refund_ids=refund_ids,
        )
        self._refresh_avail(sku_ids)

    def _after_payment(self, ck: Checkout, order, rng) -> list[int]:
        t = ck.timeline
        demo = self.shops_by_id[order.shop_id]
        refund_ids = []
        if t.refund_requested:
            refund = refund_request(buyer=ck.buyer, order_id=order.pk, reason=rng.choice(REFUND_REASONS))
            renumber_refund(refund_id=refund.pk, no=self.numbers.make("R", t.refund_requested))
            refund_ids.append(refund.pk)
            handler = demo.member("service")
            if ck.state == "refunded":
                refund_approve(shop=demo.shop, refund_id=refund.pk, actor=handler.user)
                renumber_gateway_refund(order_refund_id=refund.pk, no=self.numbers.make("G", t.refunded))
                return refund_ids
            if ck.state == "refund_rejected":
                refund_reject(
                    shop=demo.shop, refund_id=refund.pk, actor=handler.user, note=rng.choice(REJECT_NOTES)
                )
            elif ck.state == "refund_withdrawn":
                refund_withdraw(buyer=ck.buyer, refund_id=refund.pk)
            else:  # refund_open: waiting for the shop
                return refund_ids
        if t.shipped:
            carrier = rng.choice(CARRIERS.get(demo.spec["slug"], DEFAULT_CARRIERS))
            order_ship(
                shop=demo.shop,
                order_id=order.pk,
                carrier=carrier,
                tracking_no=tracking_no(carrier, rng),
                actor=demo.member("warehouse").user,
            )
        if t.received:
            order_confirm_receipt(buyer=ck.buyer, order_id=order.pk)
        return refund_ids


def tracking_no(carrier: str, rng) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(12))
    prefix = {
        "SF": "SF1",
        "JD": "JDVA0",
        "YTO": "YT7",
        "ZTO": "7",
        "YUNDA": "43",
        "JTSD": "JT0",
        "STO": "77",
        "EMS": "98",
    }.get(carrier, "")
    return prefix + digits


def cart_fill(*, buyer, on_sale: dict, rng, count: int = 3) -> int:
    """A few things waiting in the demo buyer's cart."""
    refs = [r for slug in sorted(on_sale) for r in on_sale[slug] if not r.wholesale_qty]
    added = 0
    for ref in rng.sample(refs, min(len(refs), count * 3)):
        if added >= count:
            break
        try:
            cart_add(user=buyer, sku_id=ref.sku_id, quantity=1)
            added += 1
        except DomainError:
            continue
    return added
