"""Seller API schemas (django-ninja / pydantic). Money is integer fen; inputs refuse unknown fields.

Outputs read the objects the selectors and services return (model rows, dataclasses): a field reads the
attribute of its name, `Field(alias="a.b")` a related one, `resolve_<field>` whatever needs a look-up or a label.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt

from wanshang.aftersales.selectors import REFUND_STATUS_LABELS, refund_items
from wanshang.common.api_paging import PageOut
from wanshang.marketing.selectors import promotion_phase_label
from wanshang.orders.selectors import ORDER_STATUS_LABELS
from wanshang.payments.selectors import SETTLEMENT_STATUSES


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class SpecAxisIn(In):
    name: str = Field(max_length=20)
    values: list[str] = Field(max_length=100)


class SkuIn(In):
    spec_values: list[str] = Field(default_factory=list, max_length=3)
    price_fen: StrictInt
    original_price_fen: StrictInt | None = None
    cost_fen: StrictInt = 0
    barcode: str = Field(default="", max_length=32)
    weight_g: StrictInt = 0
    safety_stock: StrictInt = 0
    stock: StrictInt | None = None


class ProductIn(In):
    title: str = Field(max_length=60)
    category_id: StrictInt
    skus: list[SkuIn] = Field(min_length=1, max_length=600)
    subtitle: str = Field(default="", max_length=120)
    brand_id: StrictInt | None = None
    images: list[str] = Field(default_factory=list, max_length=10)
    video_url: str = Field(default="", max_length=300)
    detail_html: str = Field(default="", max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=10)
    attributes: dict[str, str] = Field(default_factory=dict)
    spec_axes: list[SpecAxisIn] = Field(default_factory=list, max_length=3)
    is_wholesale: bool = False
    min_order_qty: StrictInt = 1
    freight_template_id: StrictInt | None = None
    ship_within_hours: StrictInt | None = Field(
        default=None, description="承诺发货时间：付款后多少小时内发货（1–720）；null 按店铺设置"
    )
    no_return_kind: str = Field(
        default="",
        description="不支持7天无理由的原因（买家下单须确认）：unsealed 拆封后影响安全或品质 / activated 激活或试用后"
        "贬值 / near_expiry 临近保质期 / defect 有瑕疵；空 = 支持（类目法定不支持的除外）",
    )
    no_return_note: str = Field(default="", max_length=100, description="展示给买家的说明；defect 必填")


class ShopSettingsIn(In):
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=2000)
    logo_url: str = Field(default="", max_length=300)
    ship_within_hours: StrictInt | None = Field(
        default=None, description="承诺发货时间：付款后多少小时内发货（1–720）；不传则不变"
    )


class AdlawHitOut(Schema):
    """One 广告法 term found in a text; `start`/`end` index the original text (for highlighting)."""

    field: str = Field("", description="字段")
    term: str
    family: str
    severity: Literal["block", "warn"] = Field(
        description="block 禁止（严格类目中的提醒类用语也是）/ warn 提醒"
    )
    start: int
    end: int
    snippet: str
    explanation: str
    replacements: list[str] = Field(description="建议替换为")
    exempt: bool
    claim_id: int | None


class SellerShopOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    logo_url: str
    ship_within_hours: int = Field(description="承诺发货时间（小时）")
    adlaw_hits: list[AdlawHitOut] = Field([], description="店铺名称与简介中未豁免的广告法用语（保存后提醒）")


class StatusIn(In):
    product_ids: list[StrictInt] = Field(min_length=1, max_length=200)
    status: str


class PriceIn(In):
    price_fen: StrictInt
    original_price_fen: StrictInt | None = None


class StockAdjustIn(In):
    sku_id: StrictInt
    warehouse_id: StrictInt
    on_hand: StrictInt
    reason: str = Field(default="", max_length=200)


class ShipIn(In):
    carrier: str = Field(max_length=10)
    tracking_no: str = Field(default="", max_length=40)


class RejectIn(In):
    note: str = Field(max_length=200)


class PromotionItemIn(In):
    """One SKU of a promotion; which fields apply depends on the kind (money in fen, discounts in 万分比)."""

    sku_id: StrictInt
    price_fen: StrictInt | None = None
    discount_bps: StrictInt | None = None
    stock: StrictInt | None = None
    quantity: StrictInt | None = None
    tiers: list[list[StrictInt]] | None = Field(default=None, max_length=5)
    level_prices: dict[str, StrictInt] | None = None


class PromotionIn(In):
    """A promotion of any kind: `config` holds the kind's rules as `marketing.kinds` validates them (fen, 万分比),
    e.g. coupon {"type": "amount", "amount_fen": 2000, "threshold_fen": 19900}; 满减 {"mode": "tiers",
    "tiers": [[30000, 3000]]}; 拼团 {"size": 3, "hours": 24}; 套餐 {"price_fen": 29900}; all kinds "combine_with"."""

    kind: str = Field(max_length=20)
    name: str = Field(max_length=40)
    starts_at: datetime
    ends_at: datetime | None = None
    scope: str = Field(default="all", max_length=12)
    scope_ids: list[StrictInt] = Field(default_factory=list, max_length=500)
    config: dict = Field(default_factory=dict)
    per_buyer_limit: StrictInt = 0
    total_quantity: StrictInt = 0
    slot_id: StrictInt | None = None
    items: list[PromotionItemIn] = Field(default_factory=list, max_length=200)


class CouponIssueIn(In):
    buyer_ids: list[StrictInt] = Field(min_length=1, max_length=10000)


class MemberLevelIn(In):
    rank: StrictInt
    name: str = Field(max_length=20)
    min_spend_fen: StrictInt = 0
    min_points: StrictInt = 0


class MemberLevelsIn(In):
    levels: list[MemberLevelIn] = Field(max_length=9)


# --- outputs -------------------------------------------------------------------------------------------------


def request_now(request) -> datetime:
    """One clock reading per request: every promotion of an answer is judged at the same instant (the instant
    a list was filtered by phase, too)."""
    if not hasattr(request, "seller_now"):
        request.seller_now = timezone.now()
    return request.seller_now


class SellerSkuOut(Schema):
    id: int
    spec_values: list[str]
    spec_key: str
    price_fen: int
    original_price_fen: int | None
    cost_fen: int
    barcode: str
    weight_g: int
    safety_stock: int
    available: int = Field(0, description="可售库存（各仓实物减占用）；由接口按页批量查询后写在 SKU 上")


class ProductSummaryOut(Schema):
    id: int
    title: str
    status: str
    status_label: str = Field(alias="get_status_display")
    category_id: int
    category_name: str = Field(alias="category.name")
    min_price_fen: int
    sales_count: int
    sku_count: int
    main_image: str
    updated_at: datetime

    @staticmethod
    def resolve_sku_count(obj) -> int:
        return sum(1 for s in obj.skus.all() if s.is_active)


class SellerProductOut(Schema):
    id: int
    title: str
    subtitle: str
    status: str
    category_id: int
    brand_id: int | None
    images: list[str]
    video_url: str
    detail_html: str
    tags: list[str]
    attributes: dict
    spec_axes: list[dict]
    is_wholesale: bool
    min_order_qty: int
    freight_template_id: int | None
    ship_within_hours: int | None
    no_return_kind: str
    no_return_note: str
    min_price_fen: int
    skus: list[SellerSkuOut]
    adlaw_hits: list[AdlawHitOut] = Field([], description="标题、副标题、详情、规格名称中未豁免的广告法用语")


class StockOut(Schema):
    id: int
    sku_id: int
    product_id: int = Field(alias="sku.product_id")
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    warehouse_id: int
    warehouse_name: str = Field(alias="warehouse.name")
    on_hand: int
    reserved: int
    available: int
    safety_stock: int = Field(alias="sku.safety_stock")

    @staticmethod
    def resolve_available(obj) -> int:
        return obj.on_hand - obj.reserved


class WarehouseOut(Schema):
    id: int
    name: str
    district_code: str
    region_text: str
    detail: str
    contact: str
    phone: str
    is_default: bool


class SellerOrderLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    unit_price_fen: int
    quantity: int
    subtotal_fen: int
    discount_fen: int
    payable_fen: int


class SellerOrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_kind: str
    note: str
    created_at: datetime


def _has_late(order) -> bool:
    """Compensated for shipping late (an exemption is not the shop's fault and does not show)."""
    try:
        return not order.late_shipment.exempt_reason
    except ObjectDoesNotExist:
        return False


class SellerLateShipmentOut(Schema):
    deadline: datetime
    amount_fen: int
    points: int
    flagged_at: datetime
    settlement_entry_id: int | None


class SellerOrderOut(Schema):
    """An order as the list shows it; the detail (`SellerOrderDetailOut`) adds its status history."""

    id: int
    no: str
    is_pickup: bool = Field(
        False, description="到店自提：不发货，门店核销提货码后完成（/api/seller/pickups）"
    )
    status: str
    status_label: str
    goods_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    address: dict
    buyer_note: str
    carrier: str
    tracking_no: str
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    lines: list[SellerOrderLineOut]
    ship_deadline: datetime | None = Field(description="最晚发货时间（付款时按承诺发货时间算出）")
    late_shipment: SellerLateShipmentOut | None = Field(description="延迟发货：赔付给买家、从结算扣除的金额")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(ORDER_STATUS_LABELS.get(obj.status, obj.status))

    @staticmethod
    def resolve_late_shipment(obj):
        return getattr(obj, "late_shipment", None) if _has_late(obj) else None


class SellerOrderDetailOut(SellerOrderOut):
    events: list[SellerOrderEventOut]


class RefundItemOut(Schema):
    title: str
    spec_text: str
    quantity: int
    amount_fen: int


class SellerRefundOut(Schema):
    id: int
    no: str
    order_id: int
    order_no: str = Field(alias="order.no")
    amount_fen: int
    reason: str
    status: str
    status_label: str
    seller_note: str
    last_error: str
    created_at: datetime
    decided_at: datetime | None
    refunded_at: datetime | None
    is_full: bool = True
    instant_refund: bool = Field(False, description="极速退款：售后单申请时即由系统同意的退款")
    items: list[RefundItemOut] = []

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(REFUND_STATUS_LABELS.get(obj.status, obj.status))

    @staticmethod
    def resolve_instant_refund(obj) -> bool:
        return bool(obj.case_id and obj.case.instant_refund)

    @staticmethod
    def resolve_items(obj) -> list[dict]:
        return refund_items(refund=obj)


SETTLEMENT_LABELS = dict(SETTLEMENT_STATUSES)


class SettlementOut(Schema):
    id: int
    order_id: int
    order_no: str = Field(alias="order.no")
    kind: str = Field(
        description="sale 订单结算 / late 延迟发货赔付（应结为负）/ refund 退款冲回 / freight 退货运费 / "
        "aff 淘客佣金（应结为负）/ aff_back 淘客佣金退回（结算后退款，应结为正）"
    )
    kind_label: str = Field(alias="get_kind_display")
    ref: str = Field(description="关联单号（同一订单同类多条时区分）")
    gross_fen: int
    commission_fen: int
    net_fen: int
    status: str
    status_label: str
    settleable_at: datetime
    settled_at: datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(SETTLEMENT_LABELS.get(obj.status, obj.status))


class SettlementPage(PageOut):
    """The ledger's page plus the shop's totals by status (all entries, not only this page)."""

    totals: dict[str, int]


class PromotionItemOut(Schema):
    id: int
    sku_id: int
    product_id: int
    price_fen: int | None
    discount_bps: int | None
    level_prices: dict
    tiers: list
    quantity: int
    stock: int
    sold: int


class PromotionOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    status: str
    phase: str
    phase_label: str
    starts_at: datetime
    ends_at: datetime
    scope: str
    scope_ids: list[int]
    config: dict
    per_buyer_limit: int
    total_quantity: int
    issued_count: int
    used_count: int
    slot_id: int | None
    items: list[PromotionItemOut]

    @staticmethod
    def resolve_phase(obj, context) -> str:
        return obj.phase(request_now(context["request"]))

    @staticmethod
    def resolve_phase_label(obj, context) -> str:
        return str(promotion_phase_label(obj, request_now(context["request"])))


class SellerPromotionPreviewOut(Schema):
    sku_id: int = Field(alias="sku.pk")
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    price_fen: int
    promo_price_fen: int | None
    original_fen: int | None
    reference_fen: int | None
    strike_ok: bool
    warnings: list[str]


class SellerStackingRowOut(Schema):
    sku_id: int = Field(alias="sku.pk")
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    quantity: int = Field(description="示例订单的件数：达到最高档门槛的最少件数")
    list_total_fen: int = Field(description="原价合计")
    rule_total_fen: int = Field(description="只按本满减公布的规则计算的价格")
    rule_unit_fen: int
    final_total_fen: int = Field(description="买家到手价（与结算同一套计价规则，不含运费）")
    final_unit_fen: int
    rule_label: str
    discounts: list[str]
    warnings: list[str] = Field(description="折上折提醒；空：无")
    problem: str = Field(description="无法试算的原因（如已售罄）；空：正常")


class IssuedOut(Schema):
    issued: int


class MemberLevelOut(Schema):
    rank: int
    name: str
    min_spend_fen: int
    min_points: int


class PriceAlertOut(Schema):
    id: int
    rule: str
    rule_label: str = Field(alias="get_rule_display")
    sku_id: int
    product_title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    promotion_id: int | None
    message: str
    evidence: list[dict]
    resolved: bool
    created_at: datetime


class Changed(Schema):
    changed: int


class Message(Schema):
    detail: str
    code: str = ""
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")
