"""The pricing pipeline: one function prices every cart, checkout and order (web and API alike).

    base prices → item steps → shop steps → platform steps → freight → totals

Promotions plug in as steps (`register_step`): an item step may lower a line's unit price (member price,
flash sale …); a shop or platform step adds an `Adjustment` to a shop group or the whole cart, and the
engine allocates it over the lines with exact fen rounding. The marketing app registers its steps
(`wanshang/marketing/steps/`); this module knows no promotion kind.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from wanshang.common.errors import ValidationError
from wanshang.common.money import allocate
from wanshang.fulfillment.selectors import freight_for_shop, freight_templates_of_shops
from wanshang.inventory.selectors import available_in_warehouse, buyable_with_stock

STAGES = ("item", "shop", "platform")


@dataclass
class Adjustment:
    code: str  # e.g. "coupon:42"
    label: str  # shown to the buyer: "满200减20"
    amount_fen: int  # discount, positive
    stage: str
    platform_fen: int = 0  # the part the platform pays (platform coupons, points); the shop pays the rest


@dataclass
class PricingOptions:
    """What the buyer chose: coupons (None: the engine picks the best), points, a group-buy team."""

    coupon_ids: list[int] | None = None
    use_points: bool = False
    group_buy: dict[int, int] = field(default_factory=dict)  # sku_id -> team id (0: open a new team)
    # 到店自提: shop_id -> the chosen store's warehouse id. That shop's goods come from this warehouse only
    # and carry no freight.
    pickup_warehouses: dict[int, int] = field(default_factory=dict)
    # A seller's preview prices for a made-up example buyer instead of `buyer` (the promotion steps read it:
    # marketing's which coupon promotions that buyer holds and whether they reached the top member level).
    # Empty for every real buyer: checkout never sets it.
    example: dict = field(default_factory=dict)


@dataclass
class ItemPrice:
    """The item-level price a line got (member price, flash sale …) and what it may combine with."""

    code: str
    label: str
    kind: str
    promotion_id: int
    item_id: int
    combine_with: tuple = ()


@dataclass
class PricedLine:
    sku: object
    product: object
    quantity: int
    unit_price_fen: int
    ok: bool = True
    problem: str = ""
    available: int = 0
    discount_fen: int = 0
    adjustments: list[Adjustment] = field(default_factory=list)
    list_price_fen: int = 0  # the price before item-level promotions
    item_price: ItemPrice | None = None
    notes: list[str] = field(default_factory=list)  # "限购2件，超出按原价" …
    stock_short: bool = False  # the stock cannot cover the quantity (the problem says how many are left)
    promo_sold_out: bool = (
        False  # a flash sale's own units could not cover it: the line fell back to list price
    )

    @property
    def platform_fen(self) -> int:
        return sum(a.platform_fen for a in self.adjustments)

    @property
    def item_discount_fen(self) -> int:
        return (self.list_price_fen - self.unit_price_fen) * self.quantity

    def allows(self, token: str) -> bool:
        return self.item_price is None or token in self.item_price.combine_with

    def add_discount(self, adjustment: Adjustment, share: int, platform_share: int = 0) -> None:
        self.discount_fen += share
        self.adjustments.append(
            Adjustment(adjustment.code, adjustment.label, share, adjustment.stage, platform_share)
        )

    @property
    def sku_id(self) -> int:
        return self.sku.pk

    @property
    def subtotal_fen(self) -> int:
        return self.unit_price_fen * self.quantity

    @property
    def payable_fen(self) -> int:
        return self.subtotal_fen - self.discount_fen


@dataclass
class ShopGroup:
    shop: object
    lines: list[PricedLine]
    adjustments: list[Adjustment] = field(default_factory=list)
    freight_fen: int = 0
    problem: str = ""
    hints: list[str] = field(default_factory=list)  # "再买¥38减50" …

    @property
    def platform_fen(self) -> int:
        return sum(line.platform_fen for line in self.valid_lines)

    @property
    def item_discount_fen(self) -> int:
        return sum(line.item_discount_fen for line in self.valid_lines)

    @property
    def valid_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if line.ok]

    @property
    def breakdown(self) -> list[Adjustment]:
        """Every discount on this shop's lines, summed by promotion (a platform coupon: this shop's share)."""
        return summarise(self.valid_lines)

    @property
    def subtotal_fen(self) -> int:
        return sum(line.subtotal_fen for line in self.valid_lines)

    @property
    def discount_fen(self) -> int:
        return sum(line.discount_fen for line in self.valid_lines)

    @property
    def total_fen(self) -> int:
        return self.subtotal_fen - self.discount_fen + self.freight_fen


@dataclass
class PricedCart:
    buyer: object
    groups: list[ShopGroup]
    district_code: str | None
    adjustments: list[Adjustment] = field(default_factory=list)
    options: PricingOptions = field(default_factory=PricingOptions)
    coupons: list = field(default_factory=list)  # every coupon of the buyer that touches this cart, with why
    points_used: int = 0
    points_available: int = 0
    points_max: int = 0
    context: dict = field(default_factory=dict)  # data steps share (loaded promotions …)

    @property
    def lines(self) -> list[PricedLine]:
        return [line for g in self.groups for line in g.lines]

    @property
    def valid_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if line.ok]

    @property
    def goods_fen(self) -> int:
        return sum(g.subtotal_fen for g in self.groups)

    @property
    def discount_fen(self) -> int:
        return sum(g.discount_fen for g in self.groups)

    @property
    def freight_fen(self) -> int:
        return sum(g.freight_fen for g in self.groups)

    @property
    def payable_fen(self) -> int:
        return sum(g.total_fen for g in self.groups if g.valid_lines)

    @property
    def platform_fen(self) -> int:
        return sum(g.platform_fen for g in self.groups)

    @property
    def item_discount_fen(self) -> int:
        return sum(g.item_discount_fen for g in self.groups)

    @property
    def problems(self) -> list[str]:
        out = [f"{line.product.title}：{line.problem}" for line in self.lines if not line.ok]
        out += [f"{g.shop.name}：{g.problem}" for g in self.groups if g.problem]
        return out


def summarise(lines: list[PricedLine]) -> list[Adjustment]:
    out: dict[str, Adjustment] = {}
    for line in lines:
        for a in line.adjustments:
            if a.code in out:
                out[a.code].amount_fen += a.amount_fen
                out[a.code].platform_fen += a.platform_fen
            else:
                out[a.code] = Adjustment(a.code, a.label, a.amount_fen, a.stage, a.platform_fen)
    return list(out.values())


@dataclass(frozen=True)
class Step:
    stage: str
    order: int
    name: str
    func: Callable


_STEPS: list[Step] = []


def register_step(*, stage: str, order: int = 100, name: str | None = None):
    """Register a promotion step. `func(cart: PricedCart, now) -> None` adds discounts to the cart."""
    if stage not in STAGES:
        raise ValueError(f"unknown pricing stage {stage}")

    def deco(func):
        _STEPS.append(Step(stage=stage, order=order, name=name or func.__name__, func=func))
        _STEPS.sort(key=lambda s: (STAGES.index(s.stage), s.order, s.name))
        return func

    return deco


def apply_discount(lines: list[PricedLine], adjustment: Adjustment, *, platform_bps: int = 0) -> int:
    """Spread a discount over `lines` by their payable amount; parts sum to the whole, no line goes below 0.

    The amount is capped at what the lines still cost less one fen (a payment is never for nothing: gateways
    take at least ¥0.01). `platform_bps` of each share is paid by the platform. Returns the amount applied.
    """
    payable = [(line, fen) for line in lines if (fen := line.payable_fen) > 0]
    lines = [line for line, _ in payable]
    weights = [fen for _, fen in payable]
    amount = min(adjustment.amount_fen, sum(weights) - 1)
    if amount <= 0:
        return 0
    adjustment.amount_fen = amount
    shares = allocate(amount, weights)
    platform = allocate(amount * platform_bps // 10000, shares) if platform_bps else [0] * len(shares)
    for line, share, plat in zip(lines, shares, platform, strict=True):
        line.add_discount(adjustment, share, plat)
    return amount


def apply_group_discount(group: ShopGroup, adjustment: Adjustment) -> None:
    """Spread a shop-level discount over the group's valid lines."""
    if apply_discount(group.valid_lines, adjustment):
        group.adjustments.append(adjustment)


def check_quantity(quantity) -> int:
    limit = settings.WANSHANG["MAX_LINE_QUANTITY"]
    if isinstance(quantity, bool):
        raise ValidationError("购买数量须为整数", field="quantity")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ValidationError("购买数量须为整数", field="quantity") from None
    if quantity < 1:
        raise ValidationError("购买数量至少为 1", field="quantity")
    if quantity > limit:
        raise ValidationError(f"单个商品最多购买 {limit} 件", field="quantity")
    return quantity


def _pickup_stock(cart: PricedCart) -> None:
    """A group collected at a store (到店自提) can have only what that store's warehouse holds."""
    for group in cart.groups:
        warehouse_id = cart.options.pickup_warehouses.get(group.shop.pk)
        if warehouse_id is None:
            continue
        there = available_in_warehouse(
            sku_ids=[line.sku_id for line in group.lines], warehouse_id=warehouse_id
        )
        for line in group.lines:
            line.available = there.get(line.sku_id, 0)


def price_items(
    *,
    buyer,
    items: list[tuple[int, int]],
    district_code: str | None = None,
    now=None,
    options: PricingOptions | None = None,
) -> PricedCart:
    """Price (sku_id, quantity) pairs for `buyer`, shipping to `district_code` when known.

    Unknown SKUs raise ValidationError; SKUs that exist but cannot be bought come back as lines with
    `ok=False` and a `problem` the buyer can read (下架, 库存不足 …).
    """
    now = now or timezone.now()
    merged: dict[int, int] = {}
    order: list[int] = []
    for sku_id, quantity in items:
        try:
            sku_id = int(sku_id)
        except (TypeError, ValueError):
            raise ValidationError("商品规格无效", field="sku_id") from None
        if sku_id not in merged:
            order.append(sku_id)
        merged[sku_id] = merged.get(sku_id, 0) + check_quantity(quantity)
    for sku_id in order:
        check_quantity(merged[sku_id])
    found, stock = buyable_with_stock(sku_ids=order)  # one statement for both
    missing = [i for i in order if i not in found]
    if missing:
        raise ValidationError(f"商品规格不存在：{missing[0]}", field="sku_id")

    groups: dict[int, ShopGroup] = {}
    for sku_id in order:
        info = found[sku_id]
        qty = merged[sku_id]
        line = PricedLine(
            sku=info.sku,
            product=info.product,
            quantity=qty,
            unit_price_fen=info.sku.price_fen,
            available=stock.get(sku_id, 0),
            list_price_fen=info.sku.price_fen,
        )
        if not info.ok:
            line.ok, line.problem = False, info.reason
        elif info.product.is_wholesale and qty < info.product.min_order_qty:
            line.ok, line.problem = False, f"批发商品 {info.product.min_order_qty} 件起批"
        shop = info.product.shop
        groups.setdefault(shop.pk, ShopGroup(shop=shop, lines=[])).lines.append(line)

    cart = PricedCart(
        buyer=buyer,
        groups=list(groups.values()),
        district_code=district_code,
        options=options or PricingOptions(),
    )
    _pickup_stock(cart)
    # Item-level steps run before the stock check: a flash-sale price brings the units set aside for it
    # (`line.available` is raised by the step), which normal buyers cannot take.
    for step in _STEPS:
        if step.stage == "item":
            step.func(cart, now)
    for line in cart.valid_lines:
        if line.available <= 0:
            line.ok, line.problem, line.stock_short = False, "已售罄", True
        elif line.quantity > line.available:
            line.ok, line.problem, line.stock_short = False, f"库存不足，仅剩 {line.available} 件", True
    for step in _STEPS:
        if step.stage != "item":
            step.func(cart, now)
    pickup = cart.options.pickup_warehouses
    shipping = [g for g in cart.groups if g.valid_lines and g.shop.pk not in pickup]
    templates = (
        freight_templates_of_shops(shop_ids=[g.shop.pk for g in shipping])
        if district_code and shipping
        else {}
    )
    for group in shipping:
        valid = group.valid_lines
        fen, problem = freight_for_shop(
            shop_id=group.shop.pk,
            items=[(line.product, line.quantity, line.sku.weight_g, line.payable_fen) for line in valid],
            district_code=district_code,
            templates=templates.get(group.shop.pk, {}),
        )
        group.freight_fen, group.problem = fen, problem
    return cart
