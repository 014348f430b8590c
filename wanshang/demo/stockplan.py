"""Demo 库存计划: each shop's best sellers run low (a 盘点 after a busy month), suppliers' receipts are on the way
(在途), one partly received, one received, one still a draft; and one shop's upcoming 限时折扣 on a SKU that
will not last raises the 活动库存不足 alert through the real job. All through the real services."""

import math
from datetime import timedelta

from django.utils import timezone

from wanshang.common.errors import DomainError
from wanshang.insights.services import stock_cover_alerts_scan
from wanshang.inventory.selectors import stock_plan
from wanshang.inventory.services import (
    plan_settings_save,
    receipt_create,
    receipt_receive,
    sku_plan_save,
    stock_set_default_warehouse,
)
from wanshang.marketing.services import PromotionInput, promotion_save
from wanshang.marketing.types import Kind

SUPPLIERS = ["义乌鑫达针织厂", "东莞捷诚电子有限公司", "佛山美乐家电制造厂", "杭州青禾服装厂", "宁波安派贸易"]


def stockplan_create(*, shops, now=None, rng, log) -> dict:
    """Low stock on the best sellers, receipts in each state, pack sizes, and the campaign alert."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"low": 0, "receipts": 0, "alerts": 0}
    best = []  # (rate, demo, row): the campaign goes to the marketplace's best seller
    for n, demo in enumerate(shops):
        shop, actor = demo.shop, demo.owner.user
        plan_settings_save(
            shop=shop,
            lead_days=7 if n % 2 == 0 else 10,
            safety_days=3,
            safety_units=None,
            review_days=7,
            window_days=28,
            campaign_uplift_pct=300,
            campaign_horizon_days=14,
        )
        sellers = [r for r in stock_plan(shop=shop, sort="-rate") if r.rate > 0][:6]
        if not sellers:
            continue
        for i, row in enumerate(sellers[:4]):  # a busy month: the best sellers are down to a few days
            left = max(1, math.floor(row.rate * (2 + i)))
            if left < row.available:
                stock_set_default_warehouse(
                    shop=shop, sku=row.sku, on_hand=left + _reserved(row), actor=actor, reason="月末盘点"
                )
                counts["low"] += 1
        if len(sellers) > 1:
            sku_plan_save(shop=shop, sku_id=sellers[1].sku.pk, lead_days=None, safety_units=None, pack_size=6)
        counts["receipts"] += _receipts(demo, sellers, today=today, rng=rng)
        best.append((sellers[0].rate, n, demo, sellers[0]))
    for _rate, _n, demo, row in sorted(best, key=lambda b: (-b[0], b[1])):
        if _campaign(demo, row, now=now, log=log):
            break
    counts["alerts"] = stock_cover_alerts_scan(now=now)
    log(
        f"  库存计划：{counts['low']} 个畅销 SKU 库存偏低，入库单 {counts['receipts']} 张，"
        f"活动库存不足提醒 {counts['alerts']} 条"
    )
    return counts


def _reserved(row) -> int:
    return sum(s.reserved for s in row.sku.stocks.all())


def _receipts(demo, sellers, *, today, rng) -> int:
    shop, actor = demo.shop, demo.owner.user
    warehouses = demo.warehouses or []
    if not warehouses:
        return 0
    supplier = SUPPLIERS[rng.randrange(len(SUPPLIERS))]
    made = 0
    others = sellers[1:]  # the best seller is kept short: the campaign alert is about it
    plans = [
        # (SKUs, days until expected, then)
        (others[1:3] or others[:1], 3, "in_transit"),
        (others[3:5] or others[:1], 9, "partly"),
        (others[-1:], 1, "received"),
        (others[:1], 12, "draft"),
    ]
    for i, (rows, days, then) in enumerate(plans):
        if not rows:
            continue
        lines = [(r.sku.pk, max(r.suggested, math.ceil(r.rate * 14), 10)) for r in rows]
        try:
            receipt = receipt_create(
                shop=shop,
                warehouse_id=warehouses[i % len(warehouses)].pk,
                supplier_name=supplier if i % 2 == 0 else SUPPLIERS[(i + 2) % len(SUPPLIERS)],
                expected_date=today + timedelta(days=days),
                lines=lines,
                actor=actor,
                note="按库存计划建议补货" if i == 0 else "",
                submit=then != "draft",
            )
        except DomainError:
            continue
        made += 1
        if then == "partly":
            first = receipt.lines.order_by("pk").first()
            receipt_receive(
                shop=shop, receipt_id=receipt.pk, quantities={first.pk: first.quantity // 2}, actor=actor
            )
        elif then == "received":
            receipt_receive(
                shop=shop,
                receipt_id=receipt.pk,
                quantities={line.pk: line.quantity for line in receipt.lines.all()},
                actor=actor,
            )
    return made


def _campaign(demo, row, *, now, log) -> bool:
    """A 限时折扣 in three days for five days on the shop's best seller, which is short of stock."""
    start = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    try:
        promotion_save(
            shop=demo.shop,
            actor=demo.owner.user,
            data=PromotionInput(
                kind=Kind.TIME_DISCOUNT,
                name="周末爆款限时折扣",
                starts_at=start,
                ends_at=start + timedelta(days=5),
                items=[{"sku_id": row.sku.pk, "discount_bps": 8800}],
            ),
            now=now,
        )
    except DomainError as exc:
        log(f"  {demo.shop.name}：活动未创建（{exc.message}）")
        return False
    return True
