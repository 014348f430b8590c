"""The marketplace simulator (`manage.py simulate_market`, and `load_demo`): days of visitors browsing,
favouriting, adding to cart, ordering and paying through the real services, so the 数据中心 has history.

Time. The window [end − days, end) is cut into hours and days × visitors-per-day visits are shared out over
them by the daily rhythm (demo/orders.HOUR_WEIGHTS: quiet 1–7 h, a lunch bump, the 20–22 h peak; weekends
×1.2), a little day-to-day noise and a slow growth. Each visit is a `Visit` whose clock is the simulated time,
made current while it runs, so what the services record of it (page views, stays, favourites, carts, 下单)
carries simulated time. What the services stamp with the real time (orders, payments, order events, stock
movements, refunds and the money events) is back-dated right after each checkout (demo/backdate.py).

Determinism. Everything random comes from streams derived from the seed; the number of visits is fixed by
days × visitors-per-day, and what a visitor does never depends on the clock, so the same seed on the same
database with the same end time gives the same visits, orders and amounts (only ids the services draw
themselves differ; order, payment and refund numbers are redrawn from the seed as in the demo).

Paid traffic. Search pages run the real ad auction on the shops' plans and some visitors click an ad, charged
through the ad account (demo/ads.AdTraffic); visitors by a promoter's link are clicks on it (demo/affiliates.
AffiliateTraffic). Both land on the product as 付费流量, and their paid orders are attributed at the simulated
payment time. Ad ties in the auction are broken by each page view's random id, so with tied ad ranks two runs of
one seed may show (and charge) different ads and their visitors browse on differently (docs/ads.md).

Incidents. A shop's payments can break for some hours: its orders are still placed, none is paid, and the
order-timeout cancels them — the gap the 支付异常 detector (insights/anomaly.py) is there to find.
"""

import heapq
import math
import random
import time as wall
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from wanshang.aftersales.services import refund_approve, refund_request
from wanshang.analytics.collector import ingest
from wanshang.analytics.services import stay_record, stay_token
from wanshang.analytics.tracking import Visit, track, visit_begin, visit_end
from wanshang.catalog.services import favourite_add
from wanshang.checkout.services import cart_add, checkout_submit
from wanshang.common.errors import DomainError, InvalidTransition
from wanshang.common.money import allocate, fen_to_yuan_str
from wanshang.demo.ads import AdTraffic
from wanshang.demo.affiliates import AffiliateTraffic
from wanshang.demo.backdate import (
    NumberMaker,
    Timeline,
    checkout_backdate,
    renumber_gateway_refund,
    renumber_order,
    renumber_payment,
    renumber_refund,
    stock_movements_backdate,
)
from wanshang.demo.market import Catalog, People, Shopper, catalog_load, hex_id, people_ensure
from wanshang.demo.orders import (
    CARRIERS,
    DEFAULT_CARRIERS,
    HOUR_WEIGHTS,
    REFUND_REASONS,
    _working_hours,
    tracking_no,
)
from wanshang.inventory.models import Stock, StockMovement
from wanshang.inventory.services import stock_set
from wanshang.orders.models import Order
from wanshang.orders.selectors import order_facts
from wanshang.orders.services import order_cancel, order_confirm_receipt, order_ship
from wanshang.payments.services import sandbox_pay
from wanshang.search.services import query_click, query_record

WEEKEND = 1.2
DAY_NOISE = 0.12  # sd of the log of a day's traffic multiplier
GROWTH = (0.8, 1.2)  # traffic multiplier of the first and the last day
BUYER_SHARE = 0.35  # visits by a logged-in buyer; the rest browse anonymously
VISITS_PER_BUYER = 8  # sizes the buyer pool: on average a buyer comes back this often in a run
SOURCES = {  # how a visit begins; "ads": a search for an advertised word whose first ad is clicked
    "direct": 20,
    "search": 24,
    "home": 15,
    "category": 11,
    "activity": 8,
    "external": 14,
    "ads": 6,
    "affiliate": 2,
}
EXTERNAL_HOSTS = {
    "www.baidu.com": 30,
    "mp.weixin.qq.com": 25,
    "www.xiaohongshu.com": 20,
    "www.douyin.com": 15,
    "weibo.com": 10,
}
STAY_SECONDS = {"product": 35, "shop": 20, "cart": 15, "checkout": 25, "order": 10}  # median time on a page
STAY_DEFAULT = 12
BEACON_RATE = 0.7  # pages whose time-on-page beacon arrives
CONTINUE_FIRST = 0.6  # after the landing page; the rest bounce
CONTINUE = 0.7
MAX_PAGES = 12
FAV_RATE = 0.035  # per product page of a logged-in buyer, times the shop's quality
CART_RATE = 0.1
ORDER_RATE = 0.45  # a visit with a cart ends in an order, times the shops' quality
PAY_RATE = 0.9  # the rest leave the order unpaid; the order timeout cancels it
REFUND_RATE = 0.05  # of paid checkouts, divided by the shops' quality
EXPIRE_REASON = "超时未付款，系统自动取消"  # what orders_cancel_expired writes
DEFAULT_INCIDENT_HOUR, DEFAULT_INCIDENT_HOURS = 17, 6  # through the evening peak, where a gap shows most


@dataclass(frozen=True)
class Incident:
    """A shop whose payments fail from `hour`:00 on `day` (local time) for `hours` hours."""

    shop_slug: str
    day: date
    hour: int
    hours: int

    def window(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.day, time(self.hour)))
        return start, start + timedelta(hours=self.hours)

    def label(self) -> str:
        start, end = self.window()
        end = timezone.localtime(end)
        return f"{self.shop_slug} {self.day:%Y-%m-%d} {self.hour:02d}:00–{end:%m-%d %H:%M} 支付中断"


def incident_parse(text: str, *, today: date) -> Incident:
    """`SHOP_SLUG:DAY:HOUR:HOURS`; DAY is a date (2026-05-01) or days before today (0 today, 1 yesterday).
    Raises ValueError with a readable message."""
    parts = (text or "").split(":")
    if len(parts) != 4 or not parts[0]:
        raise ValueError("格式为 店铺标识:日期或几天前:开始小时:持续小时，例如 qinghe-apparel:2:18:4")
    slug, day_text, hour_text, hours_text = parts
    try:
        day = date.fromisoformat(day_text) if "-" in day_text else today - timedelta(days=int(day_text))
        hour, hours = int(hour_text), int(hours_text)
    except ValueError:
        raise ValueError(f"无法解析事故 {text!r}：日期、小时须为数字") from None
    if not 0 <= hour <= 23 or not 1 <= hours <= 72:
        raise ValueError("开始小时须为 0–23，持续 1–72 小时")
    return Incident(shop_slug=slug, day=day, hour=hour, hours=hours)


@dataclass(frozen=True)
class SimOptions:
    days: int = 30
    seed: int = 2026
    visitors_per_day: int = 400
    incidents: tuple[Incident, ...] | None = None  # None: one on the second-to-last full day; (): none
    end: datetime | None = None  # None: now


@dataclass
class IncidentTally:
    incident: Incident
    shop_id: int = 0
    placed: int = 0  # the shop's orders placed in the window
    paid: int = 0  # … and paid in it (0 unless the incident failed to break anything)

    def covers(self, shop_id: int, when: datetime) -> bool:
        start, end = self.incident.window()
        return shop_id == self.shop_id and start <= when < end


@dataclass
class SimReport:
    days: int = 0
    visits: int = 0
    page_views: int = 0
    stays: int = 0
    favourites: int = 0
    carts: int = 0
    cart_refused: int = 0
    checkouts: int = 0
    checkout_refused: int = 0
    orders: int = 0
    placed_fen: int = 0
    paid_orders: int = 0
    paid_fen: int = 0
    expired: int = 0
    refunds: int = 0
    refunded_fen: int = 0
    shipped: int = 0
    restocked: int = 0
    events: int = 0
    seconds: float = 0.0
    incidents: list[IncidentTally] = field(default_factory=list)

    def lines(self) -> list[str]:
        rate = self.events / self.seconds if self.seconds else 0
        out = [
            f"  模拟 {self.days} 天：访客访问 {self.visits} 次，浏览 {self.page_views} 次，停留 {self.stays} 条，"
            f"收藏 {self.favourites} 次，加购 {self.carts} 次",
            f"  下单 {self.orders} 个（{self.checkouts} 次结算，¥{fen_to_yuan_str(self.placed_fen)}），"
            f"支付 {self.paid_orders} 个 ¥{fen_to_yuan_str(self.paid_fen)}，超时取消 {self.expired} 个，"
            f"退款 {self.refunds} 笔 ¥{fen_to_yuan_str(self.refunded_fen)}，已发货 {self.shipped} 个",
            f"  用时 {self.seconds:.1f} 秒，入库页面侧事件 {self.events} 条（约 {rate:.0f} 条/秒）；"
            f"加购被拒 {self.cart_refused} 次，结算被拒 {self.checkout_refused} 次，补货 {self.restocked} 个 SKU",
        ]
        for tally in self.incidents:
            out.append(
                f"  注入事故：{tally.incident.label()}：窗口内下单 {tally.placed} 个，支付 {tally.paid} 个"
            )
        return out


@dataclass
class _Unpaid:
    buyer_id: int
    key: str
    payment_id: int
    payment_no: str
    order_ids: list[int]
    created: datetime
    delay: float


def _weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), list(table.values()))[0]


class MarketSimulator:
    def __init__(self, *, options: SimOptions, log: Callable[[str], None] = print):
        self.options = options
        self.log = log
        self.end = (options.end or timezone.now()).replace(microsecond=0)
        self.start = self.end - timedelta(days=options.days)
        seed = options.seed
        self.seed = seed
        self.rng = random.Random(f"wanshang-sim:{seed}:visits")
        self.arrivals = random.Random(f"wanshang-sim:{seed}:arrivals")
        self.numbers = NumberMaker(random.Random(f"wanshang-sim:{seed}:numbers"))
        self.tag = f"{seed}-{int(self.end.timestamp())}"
        self.timeout = timedelta(minutes=settings.WANSHANG["ORDER_PAYMENT_TIMEOUT_MINUTES"])
        self.report = SimReport(days=options.days)
        self.unpaid: list[tuple[datetime, int, _Unpaid]] = []
        self.short: set[int] = (
            set()
        )  # SKUs a buyer found sold out: the shop restocks them at the end of the day
        self.catalog: Catalog | None = None
        self.people: People | None = None
        self.ads: AdTraffic | None = None
        self.affiliates: AffiliateTraffic | None = None
        self.stay_tokens: dict[tuple, str] = {}

    # --- the run --------------------------------------------------------------------------------------------

    def run(self) -> SimReport:
        if "sandbox" not in settings.WANSHANG["PAYMENT_GATEWAYS"]:
            raise ValueError("模拟需要沙箱支付：PAYMENT_GATEWAYS 须包含 sandbox（仅限演示与测试环境）")
        began = wall.monotonic()
        report = self.report
        self.catalog = catalog_load(seed=self.seed)
        if not self.catalog.products:
            self.log("  没有营业中的店铺或在售商品，跳过模拟")
            return report
        total = self.options.days * self.options.visitors_per_day
        pool = min(3000, max(20, math.ceil(total * BUYER_SHARE / VISITS_PER_BUYER)))
        self.people = people_ensure(count=pool, seed=self.seed, joined_before=self.start, log=self.log)
        self.incidents = [
            IncidentTally(incident=i, shop_id=self.catalog.shops_by_slug[i.shop_slug].id)
            for i in self._incidents()
        ]
        report.incidents = self.incidents
        self.ads = AdTraffic(seed=self.seed)
        self.affiliates = AffiliateTraffic(seed=self.seed, products={p.id for p in self.catalog.products})
        counts = self._hourly_counts(total)
        for day in range(self.options.days):
            for hour in range(24):
                slot = self.start + timedelta(hours=day * 24 + hour)
                self._expire(until=slot)
                for offset in sorted(self.arrivals.random() for _ in range(counts[day * 24 + hour])):
                    self._visit(slot + timedelta(seconds=offset * 3600))
            self._restock(when=min(self.start + timedelta(days=day + 1), self.end))
            report.events += ingest()
            self.ads.day_done(min(self.start + timedelta(days=day + 1), self.end))
            self.log(
                f"  [{wall.monotonic() - began:5.1f}s] 第 {day + 1}/{self.options.days} 天：访问 {report.visits}，"
                f"订单 {report.orders}，支付 {report.paid_orders}"
            )
        self._expire(until=self.end)
        report.events += ingest()
        self.ads.finish(log=self.log)
        self.affiliates.finish(end=self.end, log=self.log)
        report.seconds = wall.monotonic() - began
        return report

    def _incidents(self) -> list[Incident]:
        if self.options.incidents is not None:
            for incident in self.options.incidents:
                if incident.shop_slug not in self.catalog.shops_by_slug:
                    raise ValueError(f"事故店铺 {incident.shop_slug} 不存在、未营业或没有在售商品")
            return list(self.options.incidents)
        # The busiest shop, on the second-to-last full day (else the last one), through the evening peak.
        busiest = max(self.catalog.shops.values(), key=lambda s: (s.appeal * s.quality, -s.id))
        today = timezone.localdate(self.end)
        for back in (2, 1):
            incident = Incident(
                shop_slug=busiest.slug,
                day=today - timedelta(days=back),
                hour=DEFAULT_INCIDENT_HOUR,
                hours=DEFAULT_INCIDENT_HOURS,
            )
            start, end = incident.window()
            if self.start <= start and end <= self.end:
                return [incident]
        return []

    def _hourly_counts(self, total: int) -> list[int]:
        """Visits per hour of the window: `total` shared out by the rhythm, the weekday, noise and growth."""
        days = self.options.days
        noise = [self.arrivals.lognormvariate(0, DAY_NOISE) for _ in range(days)]
        weights = []
        for k in range(days * 24):
            local = timezone.localtime(self.start + timedelta(minutes=60 * k + 30))
            day = k // 24
            growth = GROWTH[0] + (GROWTH[1] - GROWTH[0]) * day / max(1, days - 1)
            weight = (
                HOUR_WEIGHTS[local.hour] * (WEEKEND if local.weekday() >= 5 else 1.0) * noise[day] * growth
            )
            weights.append(round(weight * 1000))
        return allocate(total, weights)

    # --- one visit ------------------------------------------------------------------------------------------

    def _visit(self, when: datetime) -> None:
        rng = self.rng
        self.report.visits += 1
        who = self.people.buyer(rng) if rng.random() < BUYER_SHARE else self.people.anonymous(rng)
        source = _weighted(rng, SOURCES)
        ref_host = _weighted(rng, EXTERNAL_HOSTS) if source == "external" else ""
        visit = Visit(
            visitor=who.visitor,
            session=hex_id(rng),
            user_id=who.user.pk if who.user else None,
            terminal=who.terminal,
            clock=when,
        )
        token = visit_begin(visit)
        try:
            _Browse(self, visit, who, source, ref_host, rng).run()
        finally:
            visit_end(token)

    # --- checkout, payment and what follows ---------------------------------------------------------------

    def checkout(self, visit, who: Shopper, items: list[tuple[int, int]], rng: random.Random) -> bool:
        """Place the order; pay it (unless the buyer leaves, or the shop's payments are broken) and move it on
        through shipping, receipt or a refund at later simulated times. Returns whether it was paid."""
        report = self.report
        index = report.visits
        wants_to_pay = rng.random() < PAY_RATE
        after = random.Random(f"wanshang-sim:{self.seed}:after:{index}")
        pay_after = timedelta(minutes=after.uniform(0.3, 6))
        created = visit.now()
        key = f"sim-{self.tag}-{index}"
        try:
            payment = checkout_submit(
                user=who.user, items=items, address_id=who.address_id, idempotency_key=key, from_cart=True
            )
        except DomainError as exc:
            report.checkout_refused += 1
            self._note_short(exc, [sku_id for sku_id, _ in items])
            return False
        orders = list(
            Order.objects.filter(payment_id=payment.pk)
            .order_by("pk")
            .values_list("pk", "shop_id", "total_fen")
        )
        payment_no = self.numbers.make("P", created)
        renumber_payment(payment_id=payment.pk, no=payment_no)
        for order_id, _, _ in orders:
            renumber_order(order_id=order_id, no=self.numbers.make("W", created))
        order_ids = [o[0] for o in orders]
        report.checkouts += 1
        report.orders += len(orders)
        report.placed_fen += sum(o[2] for o in orders)
        broken = False
        for tally in self.incidents:
            placed = sum(1 for _, shop_id, _ in orders if tally.covers(shop_id, created))
            tally.placed += placed
            broken = broken or placed > 0
        paid = created + pay_after
        t = Timeline(created=created)
        refund_ids: list[int] = []
        if wants_to_pay and not broken and paid < self.end:
            visit.clock = paid
            sandbox_pay(buyer=who.user, payment_no=payment_no)
            t.paid = paid
            report.paid_orders += len(orders)
            report.paid_fen += sum(o[2] for o in orders)
            for tally in self.incidents:  # 0 by construction: counted so the summary shows what happened
                tally.paid += sum(1 for _, shop_id, _ in orders if tally.covers(shop_id, paid))
            self._attribute(order_ids, paid)
            refund_ids = self._after_payment(who, orders, t, after)
        else:
            heapq.heappush(
                self.unpaid,
                (
                    created + self.timeout,
                    index,
                    _Unpaid(
                        buyer_id=who.user.pk,
                        key=key,
                        payment_id=payment.pk,
                        payment_no=payment_no,
                        order_ids=order_ids,
                        created=created,
                        delay=after.uniform(1, 30),
                    ),
                ),
            )
        with transaction.atomic():
            checkout_backdate(
                buyer_id=who.user.pk,
                idempotency_key=key,
                payment_id=payment.pk,
                payment_no=payment_no,
                order_ids=order_ids,
                t=t,
                refund_ids=refund_ids,
            )
        self.affiliates.received_at(order_ids=order_ids, received=t.received)
        return t.paid is not None

    def _attribute(self, order_ids: list[int], paid: datetime) -> None:
        """Ad conversions and affiliate commissions of orders paid at simulated time `paid`."""
        if not (self.ads.tally.clicks or self.affiliates.links):
            return
        facts = [order_facts(o) for o in Order.objects.filter(pk__in=order_ids).prefetch_related("lines")]
        self.ads.conversions_at(facts=facts, paid=paid)
        self.affiliates.commissions_at(facts=facts, paid=paid)

    def _after_payment(self, who: Shopper, orders: list, t: Timeline, after: random.Random) -> list[int]:
        """A few paid checkouts are refunded before shipping (more at worse shops); the rest are shipped
        within working hours and received days later — each step only if its time has come by the end."""
        shops = [self.catalog.shops[shop_id] for _, shop_id, _ in orders]
        quality = sum(s.quality for s in shops) / len(shops)
        refunding = after.random() < REFUND_RATE / quality
        requested = t.paid + timedelta(hours=after.uniform(10 / 60, 20))
        decided = requested + timedelta(hours=after.uniform(20 / 60, 10))
        reason = after.choice(REFUND_REASONS)
        shipped = _working_hours(t.paid + timedelta(hours=after.uniform(2, 30)), after)
        received = shipped + timedelta(days=after.uniform(1, 6), hours=after.uniform(0, 12))
        refund_ids = []
        if refunding:
            if decided >= self.end - timedelta(minutes=1):
                return refund_ids  # asked too late to be decided by now: the order just stays paid
            for (order_id, _, _), shop in zip(orders, shops, strict=True):
                refund = refund_request(buyer=who.user, order_id=order_id, reason=reason)
                renumber_refund(refund_id=refund.pk, no=self.numbers.make("R", requested))
                refund = refund_approve(shop=shop.shop, refund_id=refund.pk, actor=shop.service)
                renumber_gateway_refund(order_refund_id=refund.pk, no=self.numbers.make("G", decided))
                refund_ids.append(refund.pk)
                self.report.refunds += 1
                self.report.refunded_fen += refund.amount_fen
            t.refund_requested, t.refund_decided, t.refunded = requested, decided, decided
            return refund_ids
        if shipped >= self.end - timedelta(minutes=5):
            return refund_ids
        for (order_id, _, _), shop in zip(orders, shops, strict=True):
            carrier = after.choice(CARRIERS.get(shop.slug, DEFAULT_CARRIERS))
            order_ship(
                shop=shop.shop,
                order_id=order_id,
                carrier=carrier,
                tracking_no=tracking_no(carrier, after),
                actor=shop.shipper,
            )
        t.shipped = shipped
        self.report.shipped += len(orders)
        if received < self.end - timedelta(minutes=10):
            for order_id, _, _ in orders:
                order_confirm_receipt(buyer=who.user, order_id=order_id)
            t.received = received
        return refund_ids

    def _expire(self, *, until: datetime) -> None:
        """What the order-timeout job does: cancel unpaid orders whose deadline passed (at that moment)."""
        while self.unpaid and self.unpaid[0][0] <= until:
            deadline, _, unpaid = heapq.heappop(self.unpaid)
            cancelled = deadline + timedelta(seconds=unpaid.delay)
            for order_id in unpaid.order_ids:
                try:
                    order_cancel(order_id=order_id, actor_kind="system", reason=EXPIRE_REASON, now=cancelled)
                except InvalidTransition:
                    continue
                self.report.expired += 1
            with transaction.atomic():
                checkout_backdate(
                    buyer_id=unpaid.buyer_id,
                    idempotency_key=unpaid.key,
                    payment_id=unpaid.payment_id,
                    payment_no=unpaid.payment_no,
                    order_ids=unpaid.order_ids,
                    t=Timeline(created=unpaid.created, cancelled=cancelled),
                    refund_ids=[],
                )

    # --- stock ----------------------------------------------------------------------------------------------

    def _note_short(self, exc, sku_ids) -> None:
        message = getattr(exc, "message", str(exc))
        if "库存" in message or "售罄" in message:
            self.short.update(sku_ids)

    def note_cart_refused(self, exc, sku_id: int) -> None:
        self.report.cart_refused += 1
        self._note_short(exc, [sku_id])

    def _restock(self, *, when: datetime) -> None:
        """Shops restock what buyers found sold out that day (a 盘点 adjustment in the SKU's warehouse)."""
        if not self.short:
            return
        last = StockMovement.objects.aggregate(m=Max("pk"))["m"] or 0
        rows = (
            Stock.objects.filter(sku_id__in=sorted(self.short))
            .select_related("sku", "warehouse", "shop")
            .order_by("sku_id", "-on_hand", "pk")
        )
        done: set[int] = set()
        for stock in rows:
            shop = self.catalog.shops.get(stock.shop_id)
            if stock.sku_id in done or shop is None:
                continue
            done.add(stock.sku_id)
            extra = 20 + (stock.sku_id * 7919 + self.seed) % 180  # deterministic, no draw from the streams
            stock_set(
                shop=stock.shop,
                sku=stock.sku,
                warehouse=stock.warehouse,
                on_hand=stock.on_hand + extra,
                actor=shop.shipper,
                reason="补货",
            )
            self.report.restocked += 1
        self.short.clear()
        ids = list(StockMovement.objects.filter(pk__gt=last).values_list("pk", flat=True))
        stock_movements_backdate(movement_ids=ids, when=when)


class _Browse:
    """One visit's pages: the landing page by source, product pages (with stays, favourites and carts),
    maybe the shop's page, and for a buyer with something in the cart, the checkout."""

    def __init__(self, sim: MarketSimulator, visit, who: Shopper, source: str, ref_host: str, rng):
        self.sim, self.visit, self.who, self.source, self.ref_host, self.rng = (
            sim,
            visit,
            who,
            source,
            ref_host,
            rng,
        )
        self.catalog = sim.catalog
        self.carted: list[tuple[object, int, int]] = []
        self.ad_first = None  # the product of an audience ad clicked on the visit's first page

    def page(self, page_type: str, *, product=None, shop_id=None, category_id=None, query: str = "") -> bool:
        """A page view now, what the visitor does there, then the time spent on it (reported by the beacon,
        mostly). False once the window is over."""
        product_id = None
        if product is not None:
            shop_id, product_id, category_id = product.shop_id, product.id, product.category_id
        track(
            "pv",
            shop_id=shop_id,
            product_id=product_id,
            category_id=category_id,
            page_type=page_type,
            source=self.source,
            ref_host=self.ref_host,
            query=query,
        )
        self.sim.report.page_views += 1
        if product is not None and self.who.user is not None:
            self.buyer_acts(product)
        rng = self.rng
        seconds = min(1800.0, rng.lognormvariate(math.log(STAY_SECONDS.get(page_type, STAY_DEFAULT)), 0.8))
        self.visit.clock += timedelta(seconds=seconds)
        if self.visit.clock >= self.sim.end:
            return False  # still on the page when the window ends: no beacon yet
        if rng.random() < BEACON_RATE:
            context = (page_type, shop_id, product_id, category_id)
            token = self.sim.stay_tokens.get(context)
            if token is None:  # what the page would embed for its beacon; signed once per page
                token = self.sim.stay_tokens[context] = stay_token(
                    page_type=page_type, shop_id=shop_id, product_id=product_id, category_id=category_id
                )
            stay_record(token=token, duration_ms=max(1, int(seconds * 1000)))
            self.sim.report.stays += 1
        return self.visit.clock < self.sim.end

    def buyer_acts(self, product) -> None:
        """On a product page a logged-in buyer may favourite it or add it to the cart."""
        rng = self.rng
        quality = self.catalog.shops[product.shop_id].quality
        if rng.random() < FAV_RATE * quality and _favourite(self.who.user, product):
            self.sim.report.favourites += 1
        if rng.random() < CART_RATE * quality and product.sku_ids:
            sku_id = rng.choice(product.sku_ids)
            quantity = product.min_qty if product.min_qty > 1 else rng.choices([1, 2, 3], [80, 15, 5])[0]
            try:
                cart_add(user=self.who.user, sku_id=sku_id, quantity=quantity)
            except DomainError as exc:
                self.sim.note_cart_refused(exc, sku_id)
                return
            self.sim.report.carts += 1
            self.carted.append((product, sku_id, quantity))

    def _paid_landing(self, searched, *, intent: bool):
        """The product a paid visit lands on, its pages from then on counted under the paid source: an ad clicked
        on this visit's search page, or a promoter's link. None for an unpaid visit (and a promoter visit when
        the demo has no links: it browses as a direct one)."""
        if searched is not None:
            landing = self.sim.ads.search(visit=self.visit, word=searched.text, intent=intent)
            if landing is None:
                return None
            self.source, product_id = landing.source, landing.product_id
        elif self.source == "affiliate":
            product_id = self.sim.affiliates.land(visit=self.visit)
            if product_id is None:
                self.source = "direct"
                return None
        else:
            return None
        return self.catalog.by_id.get(product_id)

    def _arrive(self):
        """The visit's first page by its source: (the pool it browses, whether a landing page was shown, still
        alive, the search logged or None, whether it came for an advertised product)."""
        rng, catalog = self.rng, self.catalog
        pool, landing, searched = catalog.all, True, None
        intent = self.sim.ads.intent_word() if self.source == "ads" else None
        if self.source == "ads" and intent is None:
            self.source = "search"  # no live ads: an organic search
        if self.source in ("search", "ads"):
            word = intent or rng.choice(catalog.all.pick(rng).words)
            pool = catalog.matching(word)
            searched = query_record(
                text_typed=word,
                results=len(pool.items),
                user=self.who.user,
                visitor=self.visit.visitor,
                at=self.visit.clock,
            )
            self.source = "search"  # the results page itself is free traffic; a clicked ad's landing is paid
            # an ad keyword that no product's words hold: the visitor browses on elsewhere
            pool = pool or catalog.all
            alive = self.page("search", query=word)
        elif self.source == "category":
            category_id = catalog.all.pick(rng).category_id
            pool = catalog.in_category(category_id)
            alive = self.page("category", category_id=category_id)
        elif self.source in ("home", "activity") or (self.source == "direct" and rng.random() < 0.5):
            home = self.source != "activity"
            alive = self.page("home" if home else "activity")
            self.ad_first = self._placement_landing("home", None) if alive and home else None
        else:  # straight onto a product page: a bookmark, a link from outside, a promoter's link
            landing = False
            alive = True
        return pool, landing, alive, searched, intent is not None

    def _placement_landing(self, placement: str, product_id: int | None):
        """The product of an audience ad card clicked on this page (the visit's pages from then on are paid
        traffic), or None."""
        landing = self.sim.ads.placement(visit=self.visit, placement=placement, product_id=product_id)
        if landing is None:
            return None
        self.source = landing.source
        return self.catalog.by_id.get(landing.product_id)

    def run(self) -> None:
        rng, catalog = self.rng, self.catalog
        pool, landing, alive, searched, intent = self._arrive()
        first = self._paid_landing(searched, intent=intent) if alive else None
        first = first or self.ad_first
        if first is not None:
            landing, searched = False, None  # the ad's product opens at once; no organic result was clicked
        pages = 0
        while alive and (pages < MAX_PAGES or first is not None and pages < 2 * MAX_PAGES):
            # an ad card clicked on the last page still opens its product (the landing is a product page view)
            if landing and first is None and rng.random() > (CONTINUE_FIRST if pages == 0 else CONTINUE):
                break  # an ad card just clicked opens its product: no leaving in between
            landing = True
            product, first = first or pool.pick(rng), None
            alive = self.page("product", product=product)
            first = self._placement_landing("product", product.id) if alive else None
            if searched is not None:  # the first product opened from the results: the query's click
                query_click(query_id=searched.pk, product_id=product.id)
                searched = None
            pages += 1
            step = rng.random()
            if step < 0.45:
                pool = catalog.in_shop(product.shop_id)
            elif step < 0.55:
                pool = catalog.in_shop(product.shop_id)
                alive = alive and self.page("shop", shop_id=product.shop_id)
            elif step < 0.8:
                pool = catalog.in_category(product.category_id)
            else:
                pool = catalog.all
        if not (self.carted and alive):
            return
        quality = sum(catalog.shops[p.shop_id].quality for p, _, _ in self.carted) / len(self.carted)
        if rng.random() >= min(0.9, ORDER_RATE * quality):
            return
        if not (self.page("cart") and self.page("checkout")):
            return
        items: dict[int, int] = {}
        for _, sku_id, quantity in self.carted:
            items[sku_id] = items.get(sku_id, 0) + quantity
        if self.sim.checkout(self.visit, self.who, list(items.items()), rng):
            self.page("order")


def _favourite(user, product) -> bool:
    """收藏 through the favourites service. Returns whether it was new (a product already in the buyer's
    favourites records nothing)."""
    try:
        _, added = favourite_add(user=user, product_id=product.id)
    except DomainError:
        return False
    return added


def market_simulate(*, options: SimOptions, log: Callable[[str], None] = print) -> SimReport:
    """Simulate `options.days` days of the marketplace ending at `options.end` (now). Must run outside a
    transaction, like a web request: the services record carts and favourites after their commit, and the
    visit's clock must still be current then. Raises ValueError for an incident in an unknown shop, or
    when the sandbox payment gateway is off."""
    return MarketSimulator(options=options, log=log).run()
