"""The vocabulary marketing shares with other apps and the faces: promotion kinds and scopes, the later-stage
promotions a promotion may allow on the same goods, and the values passed in and out of its services and
selectors. Plain values only: no queries, no rules (a kind's rules live in `promotions/kinds.py`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models


class Kind(models.TextChoices):
    COUPON = "coupon", "优惠券"
    FULL_REDUCTION = "full_reduction", "满减/满折"
    TIME_DISCOUNT = "time_discount", "限时折扣"
    MEMBER_PRICE = "member_price", "会员价"
    FLASH_SALE = "flash_sale", "秒杀"
    GROUP_BUY = "group_buy", "拼团"
    BUNDLE = "bundle", "套餐"
    WHOLESALE = "wholesale", "阶梯批发价"


class Scope(models.TextChoices):
    ALL = "all", "全店/全场"
    PRODUCTS = "products", "指定商品"
    CATEGORIES = "categories", "指定类目"
    SHOPS = "shops", "指定店铺"


ITEM_KINDS = (Kind.TIME_DISCOUNT, Kind.MEMBER_PRICE, Kind.FLASH_SALE, Kind.GROUP_BUY, Kind.WHOLESALE)
# Later-stage promotions a promotion may allow on the same goods ("tokens").
LATER_TOKENS = {
    "item": ("full_reduction", "coupon", "platform_coupon", "points"),
    "bundle": ("full_reduction", "coupon", "platform_coupon", "points"),
    "full_reduction": ("coupon", "platform_coupon", "points"),
    "coupon": ("full_reduction", "platform_coupon", "points"),
    "platform_coupon": ("full_reduction", "coupon", "points"),
}
TOKEN_LABELS = {
    "full_reduction": "满减",
    "coupon": "店铺券",
    "platform_coupon": "平台券",
    "points": "积分抵扣",
}


@dataclass
class PromotionInput:
    """What `promotion_save` takes (the faces build it from a form or an API body)."""

    kind: str
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    scope: str = Scope.ALL
    scope_ids: list[int] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    per_buyer_limit: int = 0
    total_quantity: int = 0
    platform_share_bps: int = 0
    slot_id: int | None = None
    items: list[dict] = field(default_factory=list)  # {"sku_id", "price_fen" | "discount_bps" | ...}


@dataclass
class PreviewRow:
    """One SKU of `promotion_preview`: its price in the promotion and the price-rule warnings."""

    sku: object
    price_fen: int
    promo_price_fen: int | None
    original_fen: int | None
    reference_fen: int | None
    strike_ok: bool
    warnings: list[str] = field(default_factory=list)


@dataclass
class StackingRow:
    """One example basket of `promotion_stacking_preview` (a 满减 stacked with item prices and coupons): what the
    announced 满减 alone makes it cost on the list price, what the buyer really pays through the checkout's
    pricing pipeline, and the 折上折 warnings (docs/promotions.md)."""

    sku: object
    quantity: int
    list_total_fen: int
    rule_total_fen: int  # the list price less the announced 满减 alone
    final_total_fen: int  # the pipeline's payable for the goods (no freight)
    rule_label: str
    discounts: list[str] = field(default_factory=list)  # what applied, in the pipeline's order
    warnings: list[str] = field(default_factory=list)
    problem: str = ""  # the basket could not be priced (sold out …): no figures

    @property
    def final_unit_fen(self) -> int:
        return self.final_total_fen // self.quantity

    @property
    def rule_unit_fen(self) -> int:
        return self.rule_total_fen // self.quantity


@dataclass
class SkuPrice:
    """What one SKU costs a buyer now (`item_prices_for`, `list_prices`)."""

    sku_id: int
    list_price_fen: int
    price_fen: int
    label: str = ""
    kind: str = ""
    ends_at: object = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ProductPromotions:
    """Everything the product page shows about promotions (`product_promotions`)."""

    prices: dict  # sku_id -> SkuPrice
    tags: list[str]
    coupons: list  # claimable public coupons (Promotion)
    full_reductions: list[str]
    bundles: list  # [(Promotion, [(PromotionItem, Sku)], whole_fen)]
    group_buy: object = None  # Promotion or None
    group_items: dict = field(default_factory=dict)  # sku_id -> PromotionItem
    open_teams: list = field(default_factory=list)
    flash: object = None  # Promotion (running or next) or None
    flash_items: dict = field(default_factory=dict)  # sku_id -> PromotionItem
    member_level: str = ""


@dataclass(frozen=True)
class CampaignSkus:
    """An upcoming item-level promotion (限时折扣, 秒杀, 平台活动 enrolment …) of one shop and its SKUs: what
    inventory's campaign-cover check needs (`selectors.upcoming_campaigns`)."""

    promotion_id: int
    shop_id: int
    name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    sku_ids: tuple[int, ...]
