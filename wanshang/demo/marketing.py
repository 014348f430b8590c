"""Demo promotions: every shop runs a few promotions of different kinds, the platform a cross-shop coupon and
two flash-sale sessions the shops enrolled in; buyers already hold coupons and points.

Everything goes through the marketing services (promotion_save, member_levels_save, flash_slot_save,
coupon_claim, points_change). SKUs are picked with the phase's own random stream from the shops' on-sale SKUs,
so the same seed gives the same promotions; times are relative to the load time. Running it again on a
database that already holds the demo promotions adds nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from wanshang.catalog.selectors import price_changes_between, seller_skus_by_id
from wanshang.common.errors import DomainError
from wanshang.demo.content import nice_price_fen
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import platform_promotions, yuan
from wanshang.marketing.services import (
    PromotionInput,
    coupon_claim,
    flash_slot_save,
    member_levels_save,
    points_change,
    promotion_save,
)

PLATFORM_COUPON_NAME = "跨店满减 · 满299减30"
MEMBER_LEVELS = [
    {"rank": 1, "name": "普通会员", "min_spend_fen": 0, "min_points": 0},
    {"rank": 2, "name": "银卡会员", "min_spend_fen": 50000, "min_points": 2000},
    {"rank": 3, "name": "金卡会员", "min_spend_fen": 200000, "min_points": 8000},
]
MEMBER_BPS = {"1": 9800, "2": 9500, "3": 9200}
# Full-reduction thresholds, cheapest first: a shop's tiers start at the first one above its median price.
LADDER_FEN = [9900, 19900, 29900, 49900, 99900, 199900, 299900, 499900, 999900]
DEMO_BUYER_POINTS = 3000  # ¥30 at checkout, and 银卡会员 in every shop (min_points 2000)
WELCOME_NOTE = "新用户注册奖励"


@dataclass
class Tally:
    kinds: dict = field(default_factory=dict)
    flash_items: int = 0
    claimed: int = 0
    points_buyers: int = 0
    skipped: list = field(default_factory=list)

    def add(self, kind: str) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


def demo_marketing_present() -> bool:
    return platform_promotions(kind="coupon").filter(name=PLATFORM_COUPON_NAME).exists()


def marketing_create(*, operator, shops, on_sale: dict, buyers: list, now, rng, log) -> Tally:
    """Promotions for every shop, the platform coupon, two flash slots with enrolments, coupons claimed and
    points given. Does nothing when the demo's platform coupon is already there."""
    tally = Tally()
    if demo_marketing_present():
        log("  营销活动已存在，跳过")
        return tally
    platform_coupon = _platform_coupon(operator=operator, now=now)
    running, upcoming = _flash_slots(operator=operator, now=now)
    shop_coupons = []
    for i, demo in enumerate(shops):
        pool = _SkuPool(demo=demo, refs=on_sale.get(demo.spec["slug"], []), rng=rng)
        if not pool.skus:
            continue
        plan = _ShopPlan(demo=demo, pool=pool, now=now, rng=rng, tally=tally)
        plan.member_levels()
        plan.full_reduction()
        shop_coupons.append(plan.coupon())
        plan.time_discount(with_price_rise=i == 0)
        if i % 2 == 0:
            plan.group_buy()
        else:
            plan.bundle()
        plan.member_price()
        plan.wholesale()
        plan.flash(running)
        if i % 2 == 0:
            plan.flash(upcoming)
    tally.add("platform_coupon")
    _coupons_claim(
        buyers=buyers,
        platform_coupon=platform_coupon,
        shop_coupons=[c for c in shop_coupons if c],
        rng=rng,
        tally=tally,
    )
    _points_give(buyers=buyers, rng=rng, tally=tally)
    labels = {
        "full_reduction": "满减",
        "coupon": "店铺券",
        "time_discount": "限时折扣",
        "member_price": "会员价",
        "group_buy": "拼团",
        "bundle": "套餐",
        "wholesale": "阶梯价",
        "flash_sale": "秒杀报名",
        "platform_coupon": "平台券",
    }
    log("  营销活动：" + "，".join(f"{labels[k]} {n}" for k, n in tally.kinds.items() if k in labels))
    log(
        f"  秒杀场次 2 个（{running.name}进行中，{upcoming.name}即将开始），秒杀商品 {tally.flash_items} 个；"
        f"买家已领券 {tally.claimed} 张，{tally.points_buyers} 位买家获赠积分"
    )
    for line in tally.skipped:
        log(f"  （跳过 {line}）")
    return tally


# --- platform ----------------------------------------------------------------------------------------------------


def _platform_coupon(*, operator, now):
    return promotion_save(
        shop=None,
        actor=operator,
        data=PromotionInput(
            kind="coupon",
            name=PLATFORM_COUPON_NAME,
            starts_at=now - timedelta(days=2),
            ends_at=now + timedelta(days=20),
            total_quantity=10000,
            per_buyer_limit=1,
            platform_share_bps=5000,
            config={
                "type": "amount",
                "threshold_fen": 29900,
                "amount_fen": 3000,
                "valid_days": 0,
                "public": True,
            },
        ),
        now=now,
    )


def _flash_slots(*, operator, now):
    """One session running now (it began within the last two hours), one starting in three to four hours."""
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    slots = []
    for start, hours in ((hour - timedelta(hours=1), 4), (hour + timedelta(hours=4), 2)):
        slots.append(
            flash_slot_save(
                actor=operator,
                name=f"{start:%H}点场 · 限时秒杀",
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                is_open=True,
            )
        )
    return slots


# --- shops -------------------------------------------------------------------------------------------------------


class _SkuPool:
    """The shop's retail SKUs on sale with their current price and stock, handed out without repeats: each
    product's SKUs come after one SKU of every other product, so promotions spread over the range."""

    def __init__(self, *, demo, refs, rng):
        retail = [r for r in refs if not r.wholesale_qty]
        self.wholesale = [r for r in refs if r.wholesale_qty]
        skus = seller_skus_by_id(shop=demo.shop, sku_ids=[r.sku_id for r in refs])
        self.available = available_by_sku(sku_ids=list(skus))
        self.skus = skus
        order = rng.sample(retail, len(retail))
        seen, first, rest = set(), [], []
        for ref in order:
            (rest if ref.product_id in seen else first).append(ref)
            seen.add(ref.product_id)
        self.queue = [r.sku_id for r in first + rest if skus[r.sku_id].price_fen >= 1000]
        self.small = len(self.queue) < 14  # a small demo (--products-per-shop): fewer SKUs per promotion

    def take(self, n: int, *, min_stock: int = 0, prefer=()) -> list:
        chosen = [i for i in prefer if i in self.queue][:n]
        for sku_id in self.queue:
            if len(chosen) >= n:
                break
            if sku_id not in chosen and self.available.get(sku_id, 0) >= min_stock:
                chosen.append(sku_id)
        self.queue = [i for i in self.queue if i not in chosen]
        return [self.skus[i] for i in chosen]


def _off(threshold: int, pct: float) -> int:
    """A discount of about `pct` of the threshold in whole ¥5 steps (at least ¥5)."""
    return max(500, int(threshold * pct / 500 + 0.5) * 500)


class _ShopPlan:
    def __init__(self, *, demo, pool, now, rng, tally):
        self.demo, self.pool, self.now, self.rng, self.tally = demo, pool, now, rng, tally
        prices = sorted(s.price_fen for s in pool.skus.values())
        median = prices[len(prices) // 2]
        self.step = next((k for k, v in enumerate(LADDER_FEN) if v >= median), len(LADDER_FEN) - 3)
        self.step = min(self.step, len(LADDER_FEN) - 3)
        self.short = demo.spec["name"].replace("官方旗舰店", "").replace("旗舰店", "")

    def _save(self, kind: str, name: str, *, days_ago: float, days_left: float | None, **fields):
        start = self.now - timedelta(days=days_ago, minutes=self.rng.randrange(60))
        end = None if days_left is None else self.now + timedelta(days=days_left)
        try:
            promo = promotion_save(
                shop=self.demo.shop,
                actor=self.demo.member("operations").user,
                now=self.now,
                data=PromotionInput(kind=kind, name=name[:40], starts_at=start, ends_at=end, **fields),
            )
        except DomainError as exc:  # a rule the demo data happens to break (e.g. a SKU too cheap): skip it
            self.tally.skipped.append(f"{self.short} {name}：{exc.message}")
            return None
        self.tally.add(kind)
        return promo

    def member_levels(self) -> None:
        member_levels_save(shop=self.demo.shop, levels=MEMBER_LEVELS)

    def full_reduction(self):
        tiers = []
        for k, pct in zip(range(self.step, self.step + 3), (0.06, 0.1, 0.14), strict=True):
            threshold = LADDER_FEN[k]
            off = _off(threshold, pct)
            if tiers and off <= tiers[-1][1]:
                off = tiers[-1][1] + 500
            tiers.append([threshold, off])

        return self._save(
            "full_reduction",
            f"{self.short}店铺满减 满{yuan(tiers[0][0])}减{yuan(tiers[0][1])}起",
            days_ago=self.rng.uniform(1, 4),
            days_left=self.rng.uniform(10, 25),
            config={"mode": "tiers", "tiers": tiers},
        )

    def coupon(self):
        threshold = LADDER_FEN[self.step]
        amount = _off(threshold, 0.05)
        return self._save(
            "coupon",
            f"{self.short}店铺券 满{yuan(threshold)}减{yuan(amount)}",
            days_ago=self.rng.uniform(1, 3),
            days_left=self.rng.uniform(12, 30),
            total_quantity=500,
            per_buyer_limit=1,
            config={
                "type": "amount",
                "threshold_fen": threshold,
                "amount_fen": amount,
                "valid_days": 7,
                "public": True,
            },
        )

    def time_discount(self, *, with_price_rise: bool = False):
        prefer = _raised_recently(self.pool, self.now) if with_price_rise else []
        skus = self.pool.take(2 if self.pool.small else 3, prefer=prefer[:1])
        if not skus:
            return None
        items = [{"sku_id": skus[0].pk, "price_fen": _below(skus[0].price_fen, 0.8)}]
        items += [{"sku_id": s.pk, "discount_bps": self.rng.choice([8500, 8800, 9000])} for s in skus[1:]]
        return self._save(
            "time_discount",
            f"{self.short}限时折扣 · 爆款直降",
            days_ago=self.rng.uniform(0.5, 2),
            days_left=self.rng.uniform(2, 6),
            items=items,
        )

    def member_price(self):
        skus = self.pool.take(2 if self.pool.small else 3)
        items = [
            {
                "sku_id": s.pk,
                "level_prices": {r: _exact(s.price_fen, bps / 10000) for r, bps in MEMBER_BPS.items()},
            }
            for s in skus
        ]
        if not items:
            return None
        return self._save(
            "member_price",
            f"{self.short}会员专享价",
            days_ago=self.rng.uniform(5, 20),
            days_left=None,
            items=items,
        )

    def group_buy(self):
        skus = self.pool.take(2)
        if not skus:
            return None
        return self._save(
            "group_buy",
            f"{self.short}拼团 · 好友一起买更省",
            days_ago=self.rng.uniform(1, 5),
            days_left=self.rng.uniform(7, 20),
            per_buyer_limit=2,
            config={"size": self.rng.choice([2, 3]), "hours": 24},
            items=[{"sku_id": s.pk, "price_fen": _below(s.price_fen, 0.75)} for s in skus],
        )

    def bundle(self):
        skus = self.pool.take(2)
        if len(skus) < 2:
            return None
        whole = sum(s.price_fen for s in skus)
        return self._save(
            "bundle",
            f"{self.short}超值套餐 · 两件组合",
            days_ago=self.rng.uniform(2, 10),
            days_left=self.rng.uniform(20, 45),
            config={"price_fen": _below(whole, 0.85)},
            items=[{"sku_id": s.pk, "quantity": 1} for s in skus],
        )

    def wholesale(self):
        refs = self.pool.wholesale
        if not refs:
            return None
        first = refs[0].product_id
        items = []
        for ref in [r for r in refs if r.product_id == first][:4]:
            price, moq = self.pool.skus[ref.sku_id].price_fen, ref.wholesale_qty
            tiers = [[moq * mult, _exact(price, pct)] for mult, pct in ((1, 0.96), (2, 0.92), (5, 0.88))]
            if len({t[1] for t in tiers}) == 3 and tiers[-1][1] < tiers[1][1] < tiers[0][1] < price:
                items.append({"sku_id": ref.sku_id, "tiers": tiers})
        if not items:
            return None
        return self._save(
            "wholesale",
            f"{self.short}批发阶梯价",
            days_ago=self.rng.uniform(10, 30),
            days_left=None,
            items=items,
        )

    def flash(self, slot):
        skus = self.pool.take(1 if self.pool.small else self.rng.choice([1, 2]), min_stock=5)
        if not skus:
            return None
        items = [
            {
                "sku_id": s.pk,
                "price_fen": _below(s.price_fen, self.rng.choice([0.55, 0.6, 0.65])),
                "stock": min(self.rng.randint(10, 30), self.pool.available.get(s.pk, 0)),
            }
            for s in skus
        ]
        try:
            promo = promotion_save(
                shop=self.demo.shop,
                actor=self.demo.member("operations").user,
                now=self.now,
                data=PromotionInput(
                    kind="flash_sale",
                    name=f"{self.short}限时秒杀",
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    slot_id=slot.pk,
                    per_buyer_limit=1,
                    items=items,
                ),
            )
        except DomainError as exc:
            self.tally.skipped.append(f"{self.short} 秒杀：{exc.message}")
            return None
        self.tally.add("flash_sale")
        self.tally.flash_items += len(items)
        return promo


def _below(price_fen: int, ratio: float) -> int:
    """A promotion price about `ratio` of the price, marketplace-rounded (¥59.90, ¥129), always below it."""
    cut = nice_price_fen(price_fen * ratio)
    return cut if cut < price_fen else _exact(price_fen, ratio)


def _exact(price_fen: int, ratio: float) -> int:
    """`ratio` of the price rounded down to 10 fen, at least 1 fen below it (member and wholesale tiers)."""
    cut = int(price_fen * ratio) // 10 * 10
    return max(1, min(cut, price_fen - 1))


def _raised_recently(pool: _SkuPool, now) -> list[int]:
    """SKUs whose list price went back up within the last 30 days (a price cut that ended): putting one of them
    in a discount shows the §17 check at work on the platform's 价格合规 page."""
    out = []
    end = now - timedelta(days=2, hours=1)  # before any demo discount starts: inside its §17 window
    changes = price_changes_between(sku_ids=pool.queue, start=end - timedelta(days=27), end=end)
    for sku_id in pool.queue:
        rows = changes.get(sku_id, [])
        if len(rows) >= 2 and rows[-1]["price_fen"] >= min(r["price_fen"] for r in rows) * 11 // 10:
            out.append(sku_id)
    return out


# --- buyers ------------------------------------------------------------------------------------------------------


def _coupons_claim(*, buyers, platform_coupon, shop_coupons, rng, tally) -> None:
    """The demo buyer holds the platform coupon and three shop coupons; other buyers a random few."""
    for n, buyer in enumerate(buyers):
        wanted = (
            [platform_coupon] + shop_coupons[:3]
            if n == 0
            else (
                ([platform_coupon] if rng.random() < 0.5 else [])
                + [c for c in shop_coupons if rng.random() < 0.15]
            )
        )
        for promo in wanted:
            try:
                coupon_claim(buyer=buyer, promotion_id=promo.pk)
            except DomainError:
                continue
            tally.claimed += 1


def _points_give(*, buyers, rng, tally) -> None:
    """Besides the points completed orders earned: a welcome bonus for the demo buyer and some others."""
    for n, buyer in enumerate(buyers):
        points = (
            DEMO_BUYER_POINTS if n == 0 else (rng.choice([200, 500, 800, 1000]) if rng.random() < 0.4 else 0)
        )
        if points and points_change(
            user=buyer, delta=points, reason="earn", note=WELCOME_NOTE, ref=f"demo:welcome:{buyer.pk}"
        ):
            tally.points_buyers += 1
