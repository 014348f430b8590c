"""What the marketplace simulator works with: the shops and products on sale, and the people who visit.

Read once at the start of a run. Shops get a quality (a conversion multiplier) and an appeal (a traffic
multiplier), products a popularity; buyers a shopping habit and their devices (visitor id, pc/h5). All of it
comes from random streams derived from the seed and from what the database holds in primary-key order, so the
same seed on the same database gives the same marketplace.
"""

import itertools
import random
from bisect import bisect
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from wanshang.accounts.models import Address, User
from wanshang.accounts.services import address_create
from wanshang.catalog.models import Product, Sku
from wanshang.demo import content
from wanshang.demo.backdate import user_backdate
from wanshang.demo.orders import SHOP_WEIGHTS
from wanshang.demo.people import DEMO_BUYER_PHONE, DEMO_PASSWORD, shared_password_hash, user_ensure
from wanshang.marketing.models import Promotion, PromotionItem
from wanshang.merchants.models import Shop, ShopStaff

SIM_BUYER_PREFIX = "166"  # simulated buyers' logins: 166 + 8 digits (the demo's buyers use 139)
PC_SHARE = 0.35
RETURNING_ANONYMOUS = 0.25  # of anonymous visits, the share by someone seen before (same visitor cookie)
SECOND_DEVICE = 0.15  # of a buyer's visits, the share from their other device
WHOLESALE_APPEAL = (
    0.25  # few visitors buy by the case: wholesale items draw a quarter of a retail item's interest
)


def hex_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


class Weighted:
    """Items drawn by weight in O(log n) (cumulative weights, one random number per draw)."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random):
        return self.items[min(bisect(self.cum, rng.random() * self.cum[-1]), len(self.items) - 1)]

    def __bool__(self):
        return bool(self.items)


@dataclass
class SimShop:
    id: int
    slug: str
    name: str
    quality: float  # conversion multiplier: how often a look becomes a cart, an order, a payment
    appeal: float  # traffic multiplier
    shop: object  # the Shop, for the seller-side services
    shipper: object  # the user who ships (warehouse staff, else the owner)
    service: object  # the user who handles refunds (customer service, else the owner)


@dataclass
class SimProduct:
    id: int
    shop_id: int
    category_id: int
    words: list[str]
    sku_ids: list[int]  # what a buyer may put in the cart (empty: only looked at)
    min_qty: int
    weight: float


@dataclass
class Shopper:
    """Who is behind a visit: a buyer (logged in) or an anonymous visitor."""

    visitor: str
    terminal: str
    user: object = None
    address_id: int | None = None


class Catalog:
    """Open shops and their products on sale, with draw-by-weight helpers for the ways visitors find things."""

    def __init__(self, *, shops: list[SimShop], products: list[SimProduct]):
        self.shops = {s.id: s for s in shops}
        self.shops_by_slug = {s.slug: s for s in shops}
        self.products = products
        self.by_id = {p.id: p for p in products}
        self.all = Weighted(products, [p.weight for p in products])
        self._groups: dict[tuple, Weighted] = {}

    def _group(self, key: tuple, match) -> Weighted:
        group = self._groups.get(key)
        if group is None:
            chosen = [p for p in self.products if match(p)]
            group = self._groups[key] = Weighted(chosen, [p.weight for p in chosen])
        return group

    def in_shop(self, shop_id: int) -> Weighted:
        return self._group(("shop", shop_id), lambda p: p.shop_id == shop_id)

    def in_category(self, category_id: int) -> Weighted:
        return self._group(("category", category_id), lambda p: p.category_id == category_id)

    def matching(self, word: str) -> Weighted:
        return self._group(("word", word), lambda p: word in p.words)


MARKETING_WORDS = frozenset(
    {"官方正品", "官方", "正品", "新品", "新品上市", "爆款", "热卖", "包邮", "旗舰店"}
)


def catalog_load(*, seed: int) -> Catalog:
    """The open shops with products on sale. Quality and appeal come from the seed and the shop's slug (the
    demo's shop weights give its big shops more traffic); popularity is heavy-tailed: a few bestsellers."""
    shops = {}
    for shop in Shop.objects.filter(status=Shop.Status.OPEN).order_by("pk"):
        rng = random.Random(f"wanshang-sim:{seed}:shop:{shop.slug}")
        quality = min(2.2, max(0.45, rng.lognormvariate(0, 0.4)))
        appeal = SHOP_WEIGHTS.get(shop.slug, 1.0) * min(2.5, max(0.4, rng.lognormvariate(0, 0.3)))
        staff = {}
        for member in (
            ShopStaff.objects.for_shop(shop).filter(is_active=True).select_related("user").order_by("pk")
        ):
            staff.setdefault(member.role, member.user)
        owner = staff.get("owner")
        if owner is None:
            continue
        shops[shop.pk] = SimShop(
            id=shop.pk,
            slug=shop.slug,
            name=shop.name,
            quality=quality,
            appeal=appeal,
            shop=shop,
            shipper=staff.get("warehouse", owner),
            service=staff.get("service", owner),
        )
    # A flash sale runs at the real time, not back then: its SKUs are not bought in simulated history (the
    # engine would give them the flash price and take the sale's set-aside stock).
    flash = set(
        PromotionItem.objects.filter(promotion__kind="flash_sale")
        .exclude(promotion__status=Promotion.Status.ENDED)
        .values_list("sku_id", flat=True)
    )
    skus: dict[int, list[int]] = {}
    for sku_id, product_id in (
        Sku.objects.filter(is_active=True, product__status=Product.Status.ON_SALE)
        .order_by("pk")
        .values_list("pk", "product_id")
    ):
        skus.setdefault(product_id, [])
        if sku_id not in flash:
            skus[product_id].append(sku_id)
    rng = random.Random(f"wanshang-sim:{seed}:popularity")
    products = []
    for pk, shop_id, category_id, category_name, title, wholesale, min_qty in (
        Product.objects.filter(status=Product.Status.ON_SALE, shop_id__in=list(shops))
        .order_by("pk")
        .values_list(
            "pk", "shop_id", "category_id", "category__name", "title", "is_wholesale", "min_order_qty"
        )
    ):
        popularity = rng.paretovariate(1.3)
        if pk not in skus:
            continue
        # what a buyer types: the kind of thing (its category) or a descriptive part of the title, not the
        # shop's marketing words (官方正品, 2026新品)
        chunks = [w for w in title.split() if 2 <= len(w) <= 12 and not any(c.isdigit() for c in w)]
        words = [category_name, *(w for w in chunks if w not in MARKETING_WORDS)]
        products.append(
            SimProduct(
                id=pk,
                shop_id=shop_id,
                category_id=category_id,
                words=words,
                sku_ids=skus[pk],
                min_qty=max(1, min_qty) if wholesale else 1,
                weight=popularity * shops[shop_id].appeal * (WHOLESALE_APPEAL if wholesale else 1.0),
            )
        )
    return Catalog(
        shops=[s for s in shops.values() if any(p.shop_id == s.id for p in products)], products=products
    )


@dataclass
class Buyer:
    user: object
    address_id: int
    devices: list[tuple[str, str]] = field(default_factory=list)  # (visitor id, terminal); the first is usual


class People:
    """The buyers (logged in) and the anonymous visitors a run draws its visits from."""

    def __init__(self, *, buyers: list[Buyer], activity: list[float]):
        self.buyers = Weighted(buyers, activity)
        self.seen: deque[tuple[str, str]] = deque(maxlen=5000)

    def buyer(self, rng: random.Random) -> Shopper:
        buyer = self.buyers.pick(rng)
        visitor, terminal = buyer.devices[1] if rng.random() < SECOND_DEVICE else buyer.devices[0]
        return Shopper(visitor=visitor, terminal=terminal, user=buyer.user, address_id=buyer.address_id)

    def anonymous(self, rng: random.Random) -> Shopper:
        returning = rng.random() < RETURNING_ANONYMOUS
        pick = rng.random()
        if returning and self.seen:
            visitor, terminal = self.seen[int(pick * len(self.seen))]
        else:
            visitor, terminal = hex_id(rng), "pc" if pick < PC_SHARE else "h5"
            self.seen.append((visitor, terminal))
        return Shopper(visitor=visitor, terminal=terminal)


def people_ensure(*, count: int, seed: int, joined_before, log) -> People:
    """At least `count` buyers with an address: the database's buyers first (the demo's), then simulated ones
    registered through `user_register` with logins 16600000001, 16600000002, … (the same ones on every run)."""

    def existing() -> list[Buyer]:
        defaults: dict[int, int] = {}
        # The memorable demo buyer is left as the demo made them (their coupons, carts and orders are shown).
        for user_id, address_id in (
            Address.objects.filter(user__is_staff=False, user__is_active=True, user__shop_staff__isnull=True)
            .exclude(user__phone=DEMO_BUYER_PHONE)
            .order_by("user_id", "-is_default", "pk")
            .values_list("user_id", "pk")
        ):
            defaults.setdefault(user_id, address_id)
        users = User.objects.filter(pk__in=list(defaults)).order_by("pk")
        return [Buyer(user=u, address_id=defaults[u.pk]) for u in users]

    buyers = existing()
    missing = count - len(buyers)
    if missing > 0:
        rng = random.Random(f"wanshang-sim:{seed}:joined")
        people = content.buyers(count, "simulator")
        made = 0
        with shared_password_hash(DEMO_PASSWORD), transaction.atomic():
            for i, person in enumerate(people, start=1):
                if made >= missing:
                    break
                login = f"{SIM_BUYER_PREFIX}{i:08d}"
                user = user_ensure(login=login, nickname=person["nickname"])
                if user.addresses.exists():
                    continue
                addr = person["addresses"][0]
                address_create(
                    user=user,
                    receiver=addr["receiver"],
                    phone=login,
                    district_code=addr["district_code"],
                    detail=addr["detail"],
                    is_default=True,
                )
                user_backdate(user_id=user.pk, joined=joined_before - timedelta(days=rng.uniform(1, 400)))
                made += 1
        log(f"  模拟买家：新注册 {made} 位（登录名 {SIM_BUYER_PREFIX}…，密码同演示账号）")
        buyers = existing()
    rng = random.Random(f"wanshang-sim:{seed}:people")
    activity = []
    for buyer in buyers:
        # Some buyers come back every other day, most now and then: repurchase and RFM have something to find.
        activity.append(rng.paretovariate(1.4))
        buyer.devices = [(hex_id(rng), "pc" if rng.random() < PC_SHARE else "h5") for _ in range(2)]
    return People(buyers=buyers, activity=activity)
