"""The demo marketplace loader: `demo_load` builds a deterministic, lived-in marketplace through the real
services; `demo_status` tells whether it is already there; `demo_simulate` gives the 数据中心 a month of
simulated visitors and trade (once); `demo_banner` is what to print for people.

Everything random comes from `random.Random` instances derived from the seed (never the global RNG), so the
same seed gives the same catalogue, shops, buyers and order history (times are relative to the load time).
"""

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from wanshang.accounts.models import User
from wanshang.accounts.selectors import user_find_by_login
from wanshang.aftersales.models import Refund
from wanshang.analytics.models import Event, EventKind
from wanshang.catalog.models import Category, PriceHistory, Product, Sku
from wanshang.common.scheduler import jobs, run_job
from wanshang.demo import content
from wanshang.demo.ads import ads_create
from wanshang.demo.affiliates import affiliates_create, promoter_login
from wanshang.demo.aftersales import aftersales_create
from wanshang.demo.catalog import price_changes_plan, products_create
from wanshang.demo.helpdesk import helpdesk_create
from wanshang.demo.marketing import marketing_create
from wanshang.demo.orders import OrderMaker, cart_fill
from wanshang.demo.people import (
    DEMO_BUYER,
    DEMO_PASSWORD,
    OPERATOR_PHONE,
    buyers_create,
    operator_ensure,
    shared_password_hash,
)
from wanshang.demo.reviews import reviews_create
from wanshang.demo.rules import health_check_run, image_checks_run, rules_publish, shop_copy_create
from wanshang.demo.service import service_create
from wanshang.demo.shipping import shipping_create
from wanshang.demo.shoppages import shoppages_create
from wanshang.demo.shops import (
    applications_pending,
    brands_create,
    categories_create,
    commissions_set,
    shops_open,
)
from wanshang.demo.simulator import SimOptions, market_simulate
from wanshang.demo.stockplan import stockplan_create
from wanshang.demo.stores import store_clerk_login, stores_create
from wanshang.fulfillment.services import regions_ensure_loaded
from wanshang.marketing.models import Coupon, FlashSlot, PointsAccount, Promotion
from wanshang.marketing.types import Kind
from wanshang.merchants.models import MerchantApplication, Shop
from wanshang.merchants.selectors import shop_list
from wanshang.orders.models import Order, OrderStatus
from wanshang.payments.models import SettlementEntry
from wanshang.payments.settlement import settlements_mature

DEFAULT_SEED = 2026
SIMULATE_DAYS = 30
# Visits per simulated day in the demo: 30 days of this add about a minute to the load on SQLite (measured,
# see README); `manage.py simulate_market` takes more.
SIMULATE_VISITORS_PER_DAY = 200
DEFAULT_ADDR = "127.0.0.1:8000"  # what scripts/demo serves unless DEMO_ADDR says otherwise
URLS = [
    ("商城首页（买家）", "/"),
    ("卖家中心", "/seller/"),
    ("平台运营后台", "/platform/"),
    ("API 文档", "/api/docs"),
    ("Django 管理后台", "/django-admin/"),
]


class DemoConflict(Exception):
    """The database holds part of the demo (or data in its way); loading on top would duplicate or fail."""


@dataclass(frozen=True)
class DemoOptions:
    seed: int = DEFAULT_SEED
    products_per_shop: int = 60
    orders: int = 400
    buyers: int = 40


def demo_status() -> str:
    """ "loaded" when the operator and every demo shop exist, "empty" when none of the demo shops does,
    "partial" otherwise."""
    slugs = {s["slug"] for s in content.SHOPS}
    present = set(shop_list().filter(slug__in=slugs).values_list("slug", flat=True))
    operator = user_find_by_login(login=OPERATOR_PHONE)
    if present == slugs and operator is not None and operator.is_staff:
        return "loaded"
    return "empty" if not present else "partial"


def _rng(seed: int, phase: str) -> random.Random:
    """One independent stream per phase, so resizing one phase does not reshuffle the others."""
    return random.Random(f"wanshang-demo:{seed}:{phase}")


def demo_load(*, options: DemoOptions, log: Callable[[str], None] = print) -> dict:
    """Load the demo marketplace in one transaction (all or nothing). Returns the counts.

    Raises DemoConflict when the demo is already (partly) there: check `demo_status()` first.
    """
    status = demo_status()
    if status != "empty":
        raise DemoConflict(
            "演示数据已存在" if status == "loaded" else "数据库中已有部分演示店铺，请换一个空数据库再加载"
        )
    seed = options.seed
    now = timezone.now().replace(microsecond=0)
    started = time.monotonic()

    def phase(title: str):
        log(f"[{time.monotonic() - started:5.1f}s] {title}")

    regions_ensure_loaded()
    with shared_password_hash(DEMO_PASSWORD), transaction.atomic():
        phase("平台：运营账号、类目、佣金、品牌")
        operator = operator_ensure()
        categories = categories_create(log=log)
        commissions_set(categories=categories, log=log)
        brands = brands_create(log=log)

        phase("商家：入驻申请 → 审核开店、店员、仓库、运费模板")
        shops = shops_open(
            operator=operator, categories=categories, now=now, rng=_rng(seed, "shops"), log=log
        )
        applications_pending(
            operator=operator, categories=categories, now=now, rng=_rng(seed, "applications"), log=log
        )

        phase("商品：SPU 与 SKU 矩阵、库存、上下架")
        on_sale = products_create(
            shops=shops,
            categories=categories,
            brands=brands,
            per_shop=options.products_per_shop,
            seed=seed,
            now=now,
            rng=_rng(seed, "catalog"),
            log=log,
        )

        phase("买家与收货地址")
        buyers = buyers_create(count=options.buyers, seed=seed, now=now, rng=_rng(seed, "buyers"), log=log)

        phase(f"订单：约 {options.orders} 个历史订单（近 30 天）与调价记录")
        order_rng = _rng(seed, "orders")
        maker = OrderMaker(
            shops=shops, buyers=buyers, on_sale=on_sale, seed=seed, now=now, rng=order_rng, log=log
        )
        checkouts = maker.plan(options.orders)
        price_events = price_changes_plan(shops=shops, on_sale=on_sale, now=now, rng=_rng(seed, "prices"))
        maker.run(checkouts, price_events)
        log(
            f"  下单 {maker.placed} 个订单（{len(checkouts) - maker.failed} 次结算），调价 {len(price_events)} 次"
        )
        matured = settlements_mature(now=now)
        log(f"  结算单已到期可结算 {matured} 笔")
        if buyers:
            cart_fill(buyer=buyers[0], on_sale=on_sale, rng=order_rng)

        phase("售后：退货地址、退货退款、仅退款与平台介入")
        aftersales_create(shops=shops, log=log)

        phase("营销：店铺活动、平台券、秒杀场次、领券与积分，每店一个店铺活动页")
        _marketing(operator=operator, shops=shops, on_sale=on_sale, buyers=buyers, seed=seed, log=log)
        phase("评价：已收货订单的评价、追评、商家回复与店铺评分")
        reviews_create(buyers=buyers, now=timezone.now(), rng=_rng(seed, "reviews"), log=log)
        phase("库存计划：畅销款补货、在途入库单、活动备货提醒")
        stockplan_create(shops=shops, rng=_rng(seed, "stockplan"), log=log)
        phase("物流：电子面单账户、库位、包裹与沙箱轨迹、物流异常")
        shipping_create(shops=shops, now=timezone.now(), log=log)
        phase("门店：到店自提门店、门店员工、自提订单（待自提与已核销）")
        stores_create(shops=shops, buyers=buyers, on_sale=on_sale, log=log)
        _paid_traffic(
            operator=operator, shops=shops, buyers=buyers, on_sale=on_sale, seed=seed, phase=phase, log=log
        )
        _customer_service(shops=shops, buyers=buyers, now=now, seed=seed, phase=phase, log=log)
        _rules_and_risk(operator=operator, shops=shops, on_sale=on_sale, phase=phase, log=log)
    phase("完成")
    return demo_counts()


def _marketing(*, operator, shops, on_sale, buyers, seed: int, log) -> None:
    """Promotions, the platform coupon, flash slots, claimed coupons and points; then each shop's campaign page
    (it shows the shop's coupons, so it comes after them)."""
    marketing_create(
        operator=operator,
        shops=shops,
        on_sale=on_sale,
        buyers=buyers,
        now=timezone.now(),
        rng=_rng(seed, "marketing"),
        log=log,
    )
    shoppages_create(shops=shops, on_sale=on_sale, now=timezone.now(), log=log)


def _paid_traffic(*, operator, shops, buyers, on_sale, seed: int, phase, log) -> None:
    """付费流量: the shops' ad accounts and keyword plans (ads), then 淘宝客 promoters and their orders (affiliates)."""
    phase("推广中心：推广账户充值、直通车计划、关键词与创意")
    ads_create(shops=shops, on_sale=on_sale, rng=_rng(seed, "ads"), log=log)
    phase("淘宝客：达人、佣金计划、推广链接、点击与推广订单、结算与提现")
    affiliates_create(operator=operator, shops=shops, buyers=buyers, on_sale=on_sale, log=log)


def _customer_service(*, shops, buyers, now, seed: int, phase, log) -> None:
    """客服: the shops' hours, auto-replies, phrases, FAQ and tickets (helpdesk), then buyers' conversations."""
    phase("客服：营业时间、自动回复、快捷短语、常见问题知识库、工单与 SLA")
    helpdesk_create(shops=shops, buyers=buyers, now=now, rng=_rng(seed, "helpdesk"), log=log)
    phase("客服：买家咨询、客服回复、内部备注、满意度")
    service_create(
        shops=shops,
        now=timezone.now(),
        rng=_rng(seed, "service"),
        log=log,
        demo_buyer=buyers[0] if buyers else None,
    )


def _rules_and_risk(*, operator, shops, on_sale, phase, log) -> None:
    """规则与风控 (demo/rules.py): 广告法 hits and exemption claims, the 图片体检, the 规则中心, the 体检中心."""
    phase("规则与风控：店铺简介广告法扫描与豁免申请、图片体检、规则中心、体检中心预警")
    shop_copy_create(operator=operator, shops=shops, log=log)
    image_checks_run(shops=shops, on_sale=on_sale, log=log)
    rules_publish(operator=operator, shops=shops, now=timezone.now(), log=log)
    health_check_run(now=timezone.now(), log=log)
    phase("提交：写入数据库，提交后的任务（搜索索引等）")  # the last phase inside demo_load's transaction


def demo_history_present() -> bool:
    """Whether the 数据中心 already has history: page views from more than an hour ago (the simulator ran, or
    people have been browsing)."""
    return Event.objects.filter(kind=EventKind.PAGE_VIEW, ts__lt=timezone.now() - timedelta(hours=1)).exists()


def demo_simulate(*, days: int, visitors_per_day: int, seed: int, log: Callable[[str], None] = print):
    """Give the 数据中心 history: `days` days of simulated marketplace life ending now (demo/simulator.py),
    then what the scheduler would do next: mature settlements, and the analytics jobs that digest the events
    (the rollup, the anomaly scan) when they are registered. Does nothing when `days` is 0 or there is
    history already. Runs outside a transaction (see market_simulate). Returns the report, or None."""
    if days <= 0 or demo_history_present():
        return None
    report = market_simulate(
        options=SimOptions(days=days, seed=seed, visitors_per_day=visitors_per_day), log=log
    )
    settlements_mature(now=timezone.now())  # orders received over a week ago may be settled, as in demo_load
    analytics_jobs_run(log=log)
    return report


def analytics_jobs_run(*, log: Callable[[str], None] = print) -> None:
    """Run the 数据中心 jobs that digest new events now, as the scheduler would on its next tick."""
    registered = {job.name: job for job in jobs()}
    for name in ("analytics.rollup", "analytics.anomaly_scan"):
        job = registered.get(name)
        if job is not None:
            started = time.monotonic()
            done = run_job(job)
            log(f"  {name}：处理 {done} 项，用时 {time.monotonic() - started:.1f} 秒")


def demo_counts() -> dict:
    """What the demo database holds, for the banner and the report."""

    def by(qs, field):
        return dict(qs.values_list(field).annotate(n=Count("id")).order_by(field))

    return {
        "shops": Shop.objects.count(),
        "applications": by(MerchantApplication.objects, "status"),
        "categories": Category.objects.count(),
        "leaf_categories_used": Product.objects.filter(status="on_sale")
        .values("category")
        .distinct()
        .count(),
        "products": by(Product.objects, "status"),
        "skus": Sku.objects.filter(is_active=True).count(),
        "price_history": PriceHistory.objects.count(),
        "buyers": User.objects.filter(is_staff=False, shop_staff__isnull=True).count(),
        "orders": by(Order.objects, "status"),
        "refunds": by(Refund.objects, "status"),
        "settlements": by(SettlementEntry.objects, "status"),
        "promotions": by(Promotion.objects.exclude(status=Promotion.Status.ENDED), "kind"),
        "flash_slots": FlashSlot.objects.count(),
        "coupons_held": Coupon.objects.count(),
        "points_holders": PointsAccount.objects.filter(balance__gt=0).count(),
    }


def demo_counts_lines(counts: dict) -> list[str]:
    """The counts in words, one line per kind of thing."""

    def words(values: dict, labels) -> str:
        total = sum(values.values())
        parts = "，".join(
            f"{choice.label} {values[choice.value]}" for choice in labels if values.get(choice.value)
        )
        return f"{total}（{parts}）" if parts else "0"

    return [
        f"  店铺 {counts['shops']} 家；入驻申请 {words(counts['applications'], MerchantApplication.Status)}",
        f"  商品 {words(counts['products'], Product.Status)}；SKU {counts['skus']} 个；"
        f"在售商品覆盖三级类目 {counts['leaf_categories_used']} 个；价格记录 {counts['price_history']} 条",
        f"  订单 {words(counts['orders'], OrderStatus)}",
        f"  退款 {words(counts['refunds'], Refund.Status)}；结算单 {words(counts['settlements'], SettlementEntry.Status)}",
        f"  营销活动 {words(counts.get('promotions', {}), Kind)}；秒杀场次 {counts.get('flash_slots', 0)} 个；"
        f"买家持有优惠券 {counts.get('coupons_held', 0)} 张，有积分的买家 {counts.get('points_holders', 0)} 位",
    ]


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, phone, who) for the banner: a buyer, two owners, a warehouse and a service staff member, the
    operator."""
    first, second = content.SHOPS[0], content.SHOPS[1]

    def staff(shop, role):
        return next((m for m in shop.get("staff", []) if m["role"] == role), None)

    rows = [
        ("买家", DEMO_BUYER["phone"], DEMO_BUYER["nickname"]),
        ("店主", first["owner"]["phone"], f"{first['name']} · {first['owner']['nickname']}"),
        ("店主", second["owner"]["phone"], f"{second['name']} · {second['owner']['nickname']}"),
    ]
    for role, label in (("warehouse", "仓库"), ("service", "客服")):
        member = staff(first, role)
        if member:
            rows.append((label, member["phone"], f"{first['name']} · {member['nickname']}"))
    phone, nickname, store = store_clerk_login()
    rows.append(("门店", phone, f"{first['name']} · {store} · {nickname}（自提核销 /seller/pickup/verify/）"))
    phone, nickname = promoter_login()
    rows.append(("达人", phone, f"{nickname}（达人中心 /promoter/）"))
    rows.append(("平台运营", OPERATOR_PHONE, "平台运营后台 /platform/（也可进 /django-admin/）"))
    return rows


def demo_base_url(addr: str | None = None) -> str:
    """The address the demo serves, as a URL: DEMO_ADDR (what scripts/demo hands to runserver: `host:port`,
    or a port alone), else 127.0.0.1:8000. A server on every interface (0.0.0.0, ::) is shown as localhost."""
    addr = (os.environ.get("DEMO_ADDR", "") if addr is None else addr).strip() or DEFAULT_ADDR
    if addr.isdigit():
        addr = f"127.0.0.1:{addr}"
    host, _, port = addr.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::", "0"):  # noqa: S104 - the wildcard is reached through localhost
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}"


def demo_banner() -> list[str]:
    base = demo_base_url()
    line = "=" * 72
    out = [line, " 万商演示商城已就绪 · Wanshang demo marketplace", line]
    out += [f"  {base + path:<38}{label}" for label, path in URLS]
    out.append("-" * 72)
    out.append(f" 演示账号（手机号登录，统一密码 {DEMO_PASSWORD}）：")
    out += [f"  {phone}  {role}：{who}" for role, phone, who in demo_logins()]
    out.append(f" 登录页：{base}/accounts/login/")
    out.append(line)
    return out
