#!/usr/bin/env python
"""How long the pricing engine takes to price a promotion-heavy cart (`pricing.engine.price_items`).

    .venv/bin/python bench/pricing_cart.py                      # SQLite ($WANSHANG_VAR_DIR/promotions.sqlite3)
    .venv/bin/python bench/pricing_cart.py --db postgres        # postgres://…/wanshang_bench_promo
    .venv/bin/python bench/pricing_cart.py --runs 1000 --profile
    .venv/bin/python bench/pricing_cart.py --reuse              # the data an earlier run seeded (same data, no seed)

Seeds a throwaway database (bench/_promo.py) through the real services: 5 shops × 40 products, 200 running shop
promotions (per shop: 8 限时折扣, 1 shop-wide and 5 per-SKU 会员价, 5 秒杀, 4 拼团, 4 阶梯价, 4 套餐, 4 满减 of the
three modes, 5 shop coupons) and 3 platform coupons; one buyer at the top member level holding all 28 coupons and
5,000 points. The cart has 20 lines, 4 from each shop, touching item prices, bundles, 满减 and coupons.

Prints p50/p95/p99 of `price_items` for that cart (the engine picks coupons, points on), the CPU time of the calling
thread per call (p50: what the call costs without the wait for a core on a busy machine) and its SQL queries per call;
the same cart with the marketing steps switched off (what the engine costs without promotions); the pure choice of
满减/coupons/platform coupon (`marketing.steps.discounts.choose`) on the already item-priced lines; with --profile the top
functions by own and by cumulative time. One `RESULT {json}` line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
import _promo  # noqa: E402

SHOPS, PRODUCTS = 5, 40


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--runs", type=int, default=500, help="timed price_items calls")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--profile", action="store_true", help="also profile the timed calls with cProfile")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="price the cart an earlier run seeded (its database and $WANSHANG_VAR_DIR/pricing_cart-DB.json) "
        "instead of seeding anew: before/after runs then price the very same data",
    )
    return p.parse_args(argv)


def state_path(db: str) -> Path:
    return Path(os.environ.get("WANSHANG_VAR_DIR", _common.DEFAULT_VAR_DIR)) / f"pricing_cart-{db}.json"


def reuse_or_seed(db: str, reuse: bool):
    """seed(), or the buyer, address, cart and counts an earlier seed() wrote to `state_path()`."""
    if not reuse:
        buyer, address, items, counts = seed()
        state = {"buyer": buyer.pk, "address": address.pk, "items": items, "counts": counts}
        state_path(db).write_text(json.dumps(state))
        return buyer, address, items, counts
    from wanshang.accounts.models import Address, User

    state = json.loads(state_path(db).read_text())
    buyer, address = User.objects.get(pk=state["buyer"]), Address.objects.get(pk=state["address"])
    return buyer, address, [tuple(pair) for pair in state["items"]], state["counts"]


def seed():
    """Shops, products, promotions and the buyer; returns (buyer, address, cart items, counts)."""
    from wanshang.accounts.services import address_create, user_register
    from wanshang.marketing.services import coupon_claim, member_levels_save, points_change

    op = _promo.operator()
    leaf = _promo.category_leaf()
    promotions, coupons, items = [], [], []
    for s in range(SHOPS):
        shop = _promo.open_shop(s + 1, leaf, op)
        skus = [
            _promo.add_product(
                shop, leaf, title=f"店{s + 1}商品{i + 1:02d}", price_fen=1990 + 1500 * i + 100 * s, stock=1000
            )
            for i in range(PRODUCTS)
        ]
        member_levels_save(
            shop=shop,
            levels=[
                {"rank": 1, "name": "普通会员", "min_spend_fen": 0},
                {"rank": 2, "name": "金卡会员", "min_points": 1000},
            ],
        )

        def add(kind, name, shop=shop, **kw):
            promotions.append(_promo.promotion(shop, shop.owner, kind, name=name, **kw))
            return promotions[-1]

        for k in range(8):  # SKUs 0–15
            add(
                "time_discount",
                f"限时折扣{k}",
                items=[
                    {"sku_id": skus[2 * k].pk, "discount_bps": 8000 + 100 * k},
                    {"sku_id": skus[2 * k + 1].pk, "price_fen": skus[2 * k + 1].price_fen - 500},
                ],
            )
        add("member_price", "全店会员折扣", config={"level_bps": {"1": 9800, "2": 9500}})
        for k in range(5):  # SKUs 16–20
            add(
                "member_price",
                f"会员价{k}",
                items=[
                    {
                        "sku_id": skus[16 + k].pk,
                        "level_prices": {
                            "1": skus[16 + k].price_fen - 300,
                            "2": skus[16 + k].price_fen - 800,
                        },
                    }
                ],
            )
        for k in range(5):  # SKUs 21–25
            add(
                "flash_sale",
                f"秒杀{k}",
                items=[{"sku_id": skus[21 + k].pk, "price_fen": skus[21 + k].price_fen // 2, "stock": 100}],
                per_buyer_limit=2,
            )
        for k in range(4):  # SKUs 26–29
            add(
                "group_buy",
                f"拼团{k}",
                config={"size": 3, "hours": 24},
                items=[{"sku_id": skus[26 + k].pk, "price_fen": skus[26 + k].price_fen - 1000}],
            )
        for k in range(4):  # SKUs 30–33
            p = skus[30 + k].price_fen
            add(
                "wholesale",
                f"阶梯价{k}",
                items=[{"sku_id": skus[30 + k].pk, "tiers": [[3, p - 200], [10, p - 600]]}],
            )
        for k, (a, b) in enumerate([(34, 35), (36, 37), (38, 39), (34, 36)]):
            add(
                "bundle",
                f"套餐{k}",
                config={"price_fen": skus[a].price_fen + skus[b].price_fen - 1500},
                items=[{"sku_id": skus[a].pk}, {"sku_id": skus[b].pk}],
            )
        frs = [
            {"mode": "tiers", "tiers": [[10000, 1000], [30000, 4000], [60000, 9000]]},
            {"mode": "every", "every_fen": 20000, "off_fen": 2000, "cap_fen": 10000},
            {"mode": "qty", "tiers": [[2, 9500], [3, 9000]], "combine_with": ["platform_coupon", "points"]},
            {"mode": "tiers", "tiers": [[50000, 6000]]},
        ]
        for k, config in enumerate(frs):  # 满减 over disjoint tens of products
            add(
                "full_reduction",
                f"满减{k}",
                config=config,
                scope="products",
                scope_ids=[sku.product_id for sku in skus[10 * k : 10 * k + 10]],
            )
        shop_coupons = [
            ({"type": "amount", "threshold_fen": 0, "amount_fen": 500}, {}),
            ({"type": "amount", "threshold_fen": 30000, "amount_fen": 3000}, {}),
            ({"type": "percent", "discount_bps": 9000, "cap_fen": 5000}, {}),
            (
                {"type": "amount", "threshold_fen": 10000, "amount_fen": 1500},
                {"scope": "products", "scope_ids": [sku.product_id for sku in skus[:20]]},
            ),
            (
                {
                    "type": "amount",
                    "threshold_fen": 200000,
                    "amount_fen": 20000,
                    "combine_with": ["platform_coupon"],
                },
                {},
            ),
        ]
        for k, (config, scope) in enumerate(shop_coupons):
            coupons.append(add("coupon", f"店铺券{k}", config=config, total_quantity=1000, **scope))
        # 4 lines per shop: a 限时折扣 SKU ×2, a 会员价 SKU, the two SKUs of 套餐0
        items += [(skus[s * 2].pk, 2), (skus[16 + s].pk, 1), (skus[34].pk, 1), (skus[35].pk, 1)]
    for k, (config, share) in enumerate(
        [
            ({"type": "amount", "threshold_fen": 50000, "amount_fen": 5000}, 5000),
            ({"type": "percent", "discount_bps": 9500, "cap_fen": 8000}, 10000),
            ({"type": "amount", "threshold_fen": 0, "amount_fen": 800}, 0),
        ]
    ):
        coupons.append(
            _promo.promotion(
                None,
                op,
                "coupon",
                name=f"平台券{k}",
                config=config,
                total_quantity=1000,
                platform_share_bps=share,
            )
        )
    buyer = user_register(login="13500000000", password=_common.BENCH_PASSWORD)
    address = address_create(
        user=buyer,
        receiver="张三",
        phone="13800138000",
        district_code=_promo.DISTRICT,
        detail="望京街道阜通东大街6号",
        is_default=True,
    )
    for c in coupons:
        coupon_claim(buyer=buyer, promotion_id=c.pk)
    points_change(user=buyer, delta=5000, reason="grant")
    return (
        buyer,
        address,
        items,
        {"shop_promotions": len(promotions), "platform_coupons": 3, "coupons_held": len(coupons)},
    )


def timed(fn, runs: int, cpu: list | None = None) -> list[float]:
    """Wall-clock ms per call, sorted; with `cpu`, this thread's CPU ms per call are appended to it (sorted).

    On a shared machine the wall clock includes waiting for a core; the CPU time is what the call itself
    costs (the database's own work in another process is not in it)."""
    out, used = [], []
    for _ in range(runs):
        c0, t0 = time.thread_time(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
        used.append((time.thread_time() - c0) * 1000)
    if cpu is not None:
        cpu.extend(sorted(used))
    return sorted(out)


def item_priced_state(cart):
    """The groups as the shop stage saw them: shop/platform discounts taken off again, item-level ones kept."""
    for line in cart.valid_lines:
        line.adjustments = [a for a in line.adjustments if a.stage == "item"]
        line.discount_fen = sum(a.amount_fen for a in line.adjustments)
    groups = [g for g in cart.groups if g.valid_lines]
    for g in groups:
        g.adjustments = [a for a in g.adjustments if a.stage == "item"]
    return groups


def profile_top(fn, runs: int, n: int = 15) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(runs):
        fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(n)
    stats.sort_stats("cumulative").print_stats(n + 10)
    return out.getvalue()


def main(argv=None) -> int:
    args = parse_args(argv)
    t_seed = time.perf_counter()
    reuse = args.reuse and state_path(args.db).exists()
    url = _promo.fresh_database(args.db, keep=reuse)
    label = _common.db_label(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wanshang.marketing.steps import discounts
    from wanshang.pricing.engine import PricingOptions, price_items

    buyer, address, items, counts = reuse_or_seed(args.db, reuse)
    seeded_s = time.perf_counter() - t_seed
    options = PricingOptions(use_points=True)

    def price():
        return price_items(buyer=buyer, items=items, district_code=address.district_code, options=options)

    cart = price()
    assert len(cart.valid_lines) == 20 and not cart.problems, cart.problems
    with CaptureQueriesContext(connection) as queries:
        price()
    load_before = _common.loadavg()
    for _ in range(args.warmup):
        price()
    cpu: list[float] = []
    lat = timed(price, args.runs, cpu)

    ctx = cart.context["marketing"]
    groups = item_priced_state(price())
    now = ctx.now

    def choose():
        for g in groups:
            g.hints.clear()
        return discounts.choose(groups, ctx, ctx.coupons, now)

    choose()
    pure = timed(choose, args.runs)

    from wanshang.pricing import engine

    steps_all = list(engine._STEPS)
    engine._STEPS[:] = [st for st in steps_all if not st.name.startswith("marketing.")]
    try:  # the same cart with no promotion steps: what the engine costs without marketing
        base = timed(price, args.runs)
    finally:
        engine._STEPS[:] = steps_all
    out = {
        "db": label,
        "lines": len(cart.valid_lines),
        "shops": len(cart.groups),
        **counts,
        "runs": args.runs,
        "queries_per_price": len(queries),
        "price_p50_ms": round(_common.percentile(lat, 50), 2),
        "price_p95_ms": round(_common.percentile(lat, 95), 2),
        "price_p99_ms": round(_common.percentile(lat, 99), 2),
        "price_cpu_p50_ms": round(_common.percentile(cpu, 50), 2),
        "no_marketing_p50_ms": round(_common.percentile(base, 50), 2),
        "no_marketing_p99_ms": round(_common.percentile(base, 99), 2),
        "choose_p50_ms": round(_common.percentile(pure, 50), 3),
        "choose_p99_ms": round(_common.percentile(pure, 99), 3),
        "goods_fen": cart.goods_fen,
        "discount_fen": cart.discount_fen,
        "payable_fen": cart.payable_fen,
        "coupons_chosen": [v.label for v in cart.coupons if v.chosen],
        "points_used": cart.points_used,
        "seed_s": round(seeded_s, 1),
        "loadavg_before": load_before,
        "loadavg_after": _common.loadavg(),
    }
    print(
        f"[{label}] price_items, 20 lines from {out['shops']} shops, {out['shop_promotions']} shop promotions + "
        f"{out['platform_coupons']} platform coupons, buyer holds {out['coupons_held']} coupons: "
        f"p50 {out['price_p50_ms']} ms, p95 {out['price_p95_ms']} ms, p99 {out['price_p99_ms']} ms over "
        f"{args.runs} runs (this process's CPU per call p50 {out['price_cpu_p50_ms']} ms), "
        f"{out['queries_per_price']} SQL queries per call",
        flush=True,
    )
    print(
        f"[{label}] the same cart with the marketing steps switched off (base prices, stock, freight): "
        f"p50 {out['no_marketing_p50_ms']} ms, p99 {out['no_marketing_p99_ms']} ms",
        flush=True,
    )
    print(
        f"[{label}] pure choice (discounts.choose: 满减 × shop coupons × platform coupon, all shops): "
        f"p50 {out['choose_p50_ms']} ms, p99 {out['choose_p99_ms']} ms",
        flush=True,
    )
    print(
        f"[{label}] the cart: goods ¥{cart.goods_fen / 100:.2f}, discounts ¥{cart.discount_fen / 100:.2f} "
        f"(item-level ¥{cart.item_discount_fen / 100:.2f} more in prices), pays ¥{cart.payable_fen / 100:.2f}; "
        f"coupons chosen: {', '.join(out['coupons_chosen']) or 'none'}; points used {cart.points_used} "
        f"(seeded in {seeded_s:.1f}s; 1-min load average before/after {load_before}/{out['loadavg_after']})",
        flush=True,
    )
    if args.profile:
        print(profile_top(price, args.runs), flush=True)
    print("RESULT " + json.dumps({"bench": "pricing_cart", **out}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
