"""JSON shapes of the storefront API. Inputs forbid unknown fields: a tampered `price_fen` is refused (422)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from wanshang.storefront.promo_display import GIVE_BACK_RULES, POINTS_REASONS, mask_name, team_status_label


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- inputs ---------------------------------------------------------------------------------------------------


class CartItemIn(In):
    sku_id: StrictInt
    quantity: StrictInt = Field(1, description="购买数量（1–9999）")


class CartItemPatch(In):
    quantity: StrictInt | None = None
    selected: StrictBool | None = None


class OrderItemIn(In):
    sku_id: StrictInt
    quantity: StrictInt


class StorePickupChoiceIn(In):
    shop_id: StrictInt
    store_id: StrictInt = Field(description="该店铺开启到店自提的门店（预览 groups[].pickup_stores）")


class OrderCreateIn(In):
    items: list[OrderItemIn] = Field(
        default_factory=list, max_length=120, description="直接购买的商品；与 from_cart 二选一"
    )
    from_cart: StrictBool = Field(False, description="true：结算购物车中已勾选的商品")
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)
    expected_payable_fen: StrictInt | None = Field(
        None, description="客户端展示的应付金额（分）；与服务端计算不一致时拒绝下单（409）"
    )
    coupon_ids: list[StrictInt] | None = Field(
        None, max_length=20, description="使用的优惠券（我的优惠券 id）；不传：系统自动选最优组合；[]：不用券"
    )
    use_points: StrictBool = Field(False, description="true：使用积分抵扣")
    confirm_no_return: StrictBool = Field(
        False,
        description="true：买家已确认知晓商家声明不支持7天无理由退货的商品（预览中 needs_confirm 的行）；"
        "有这类商品而未确认时拒绝下单（400，code=no_return_confirmation_required）",
    )
    pickup: list[StorePickupChoiceIn] = Field(
        default_factory=list,
        max_length=50,
        description="到店自提：按店铺选门店（免运费，从门店仓库扣库存，付款后获得提货码）；未列出的店铺快递配送",
    )


class CancelIn(In):
    reason: str = Field("", max_length=200)


class RefundLineIn(In):
    line_id: int
    quantity: int = Field(..., ge=1)


class RefundIn(In):
    reason: str = Field(..., max_length=200)
    lines: list[RefundLineIn] | None = Field(
        None, description="部分退款：订单行与件数；不传则退整单（含运费）"
    )


class AddressIn(In):
    receiver: str = Field(..., max_length=40)
    phone: str = Field(..., max_length=11)
    district_code: str = Field(..., max_length=12, description="区/县行政区划代码，例如 110105")
    detail: str = Field(..., max_length=200)
    is_default: StrictBool = False


class TokenIn(In):
    login: str = Field(..., max_length=150, description="手机号或邮箱")
    password: str = Field(..., max_length=128)
    name: str = Field("api", max_length=60)


# --- outputs --------------------------------------------------------------------------------------------------
#
# Answers are read from the domain objects the selectors and services return: a field reads the attribute of
# its name, `Field(alias="a.b")` another attribute (a dotted path follows relations), and `resolve_<field>`
# computes what the object does not hold. What a page needs from a batch look-up (this buyer's card prices, the
# SKUs' stock, the coupons already claimed) is set on the objects by the view first (`Rows(…, prepare)` for a
# paged list), under the attribute names documented on each schema.


class Error(Schema):
    detail: str
    code: str = "invalid"
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")


# The error answers each kind of endpoint documents (`response={200: …, **ERRORS}`): 401 not logged in,
# 422 a parameter or body field out of its schema; the rest from the services' domain errors.
PUBLIC_ERRORS = {404: Error, 422: Error}
AUTHED_ERRORS = {401: Error, 422: Error}
ERRORS = {400: Error, 404: Error, 409: Error, **AUTHED_ERRORS}
# A write (POST / PATCH / DELETE) through a logged-in browser session without its CSRF token: 403 csrf_failed.
CSRF_ERRORS = {403: Error}


class CategoryOut(Schema):
    """A category-tree node; `kids` (set by category_tree) holds its children."""

    id: int
    name: str
    slug: str
    level: int
    children: list["CategoryOut"] = Field([], alias="kids")


CategoryOut.model_rebuild()


class ShopBrief(Schema):
    id: int
    name: str
    slug: str
    logo_url: str = ""


class StoreShopOut(ShopBrief):
    """A shop; `product_count` is set by the view."""

    description: str
    company_name: str
    product_count: int
    credit_level: int | None = Field(None, description="信用等级 1–5 钻（体检中心每日计算；未计算为 null）")


def _card_price(product):
    """This buyer's promotion price of a listed product (`card_price`, set by promo_display.with_card_prices),
    or None: no running promotion, or a card shown without prices (a favourite no longer on sale)."""
    return getattr(product, "card_price", None)


class ProductCard(Schema):
    """A product as a list shows it; `card_price` / `card_tags` come from promo_display.with_card_prices."""

    id: int
    title: str
    subtitle: str
    image: str = Field(alias="main_image")
    min_price_fen: int
    price_fen: int = Field(
        ..., description="该买家现在的最低价（含限时折扣、会员价、秒杀等商品级优惠），与商品页、结算一致"
    )
    price_label: str = Field("", description="price_fen 所用的优惠，如 限时折扣；空：无")
    tags: list[str] = Field(default_factory=list, description="促销标签：限时折扣、秒杀、拼团 …")
    sales_count: int
    is_wholesale: bool
    min_order_qty: int
    shop: ShopBrief

    @staticmethod
    def resolve_price_fen(product) -> int:
        price = _card_price(product)
        return price.price_fen if price else product.min_price_fen

    @staticmethod
    def resolve_price_label(product) -> str:
        price = _card_price(product)
        promoted = bool(price and price.label and price.price_fen < price.list_price_fen)
        return price.label if promoted else ""

    @staticmethod
    def resolve_tags(product) -> list[str]:
        return list(getattr(product, "card_tags", ()))


class StoreSkuOut(Schema):
    """A SKU; `available` (its stock) is set by the view."""

    id: int
    spec_values: list[str]
    spec_text: str
    price_fen: int
    original_price_fen: int | None
    available: int


class ReturnPolicyOut(Schema):
    """catalog.ReturnPolicy: 7天无理由退货 of a product."""

    eligible: bool = Field(description="true：支持7天无理由退货")
    kind: str = Field(description="不支持的原因代码（类目法定或商家声明）")
    reason: str
    note: str = Field(description="商家的补充说明")
    needs_confirm: bool = Field(description="商家声明不支持：下单时须 confirm_no_return=true")


class NoReturnLineOut(Schema):
    product_id: int
    title: str
    policy: ReturnPolicyOut


class StoreProductOut(ProductCard):
    """The product page; `shown_skus` (its active SKUs, each with `available`), `return_policy` and
    `ship_within_hours` are set by the view."""

    return_policy: ReturnPolicyOut
    ship_within_hours: int = Field(
        alias="ship_promise_hours", description="承诺发货时间：付款后多少小时内发货"
    )

    images: list[str]
    video_url: str
    detail_html: str
    attributes: dict
    spec_axes: list[dict]
    category_id: int
    brand: str | None
    skus: list[StoreSkuOut] = Field(alias="shown_skus")

    @staticmethod
    def resolve_brand(product) -> str | None:
        return product.brand.name if product.brand else None


class AdjustmentOut(Schema):
    code: str
    label: str
    amount_fen: int


class BreakdownOut(AdjustmentOut):
    stage: str = Field(
        ..., description="item（套餐）/ shop（满减、店铺券）/ platform（平台券、积分的本店分摊）"
    )
    platform_fen: int = Field(0, description="其中平台承担的部分")


class CouponViewOut(Schema):
    """A coupon the buyer holds that touches this cart: applied or not, and why."""

    coupon_id: int = Field(alias="coupon.pk")
    promotion_id: int = Field(alias="coupon.promotion_id")
    label: str
    shop_id: int | None = Field(alias="coupon.shop_id")
    usable: bool
    chosen: bool
    amount_fen: int
    reason: str = Field("", description="未使用的原因，如“还差38元可用”")
    valid_until: datetime = Field(alias="coupon.valid_until")


class LineOut(Schema):
    """A priced line (pricing.PricedLine); `selected` is set on cart lines."""

    sku_id: int
    product_id: int = Field(alias="product.pk")
    title: str = Field(alias="product.title")
    spec_text: str = Field(alias="sku.spec_text")
    image: str = Field(alias="product.main_image")
    unit_price_fen: int
    quantity: int
    subtotal_fen: int
    discount_fen: int
    payable_fen: int
    available: int
    ok: bool
    problem: str
    selected: bool | None = None
    list_price_fen: int = Field(0, description="商品级优惠前的单价")
    promotion_label: str = Field("", description="单价所用的商品级优惠，如 限时折扣 / 会员价（金卡）/ 秒杀价")
    item_discount_fen: int = 0
    notes: list[str] = Field(default_factory=list, description="如“秒杀每人限购 2 件，超出按原价购买”")

    @staticmethod
    def resolve_promotion_label(line) -> str:
        return line.item_price.label if line.item_price else ""

    @staticmethod
    def resolve_item_discount_fen(line) -> int:
        return line.item_discount_fen if line.ok else 0


class StorePickupStoreOut(Schema):
    """A store where a buyer may collect (到店自提)."""

    id: int
    name: str
    region_text: str
    detail: str
    phone: str
    hours: str
    latitude: float | None
    longitude: float | None


class GroupOut(Schema):
    """One shop's part of a priced cart (pricing.ShopGroup)."""

    pickup_stores: list[StorePickupStoreOut] = Field(
        default_factory=list, description="可选的自提门店；空：该店铺只能快递配送"
    )
    pickup_store_id: int | None = Field(None, description="已选的自提门店（运费为 0）")

    shop: ShopBrief
    lines: list[LineOut]
    adjustments: list[AdjustmentOut]
    subtotal_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    problem: str
    breakdown: list[BreakdownOut] = Field(default_factory=list, description="本店各项优惠（按活动汇总）")
    hints: list[str] = Field(default_factory=list, description="如“再买¥38可减¥50”")
    item_discount_fen: int = 0


def _chosen_lines(priced) -> list:
    return [line for line in priced.valid_lines if getattr(line, "selected", False)]


class CartOut(Schema):
    """The buyer's cart priced (pricing.PricedCart)."""

    groups: list[GroupOut]
    line_count: int
    selected_quantity: int
    selected_fen: int
    adjustments: list[AdjustmentOut] = Field(default_factory=list, description="平台级优惠：平台券、积分")
    coupons: list[CouponViewOut] = Field(default_factory=list)

    @staticmethod
    def resolve_line_count(priced) -> int:
        return len(priced.lines)

    @staticmethod
    def resolve_selected_quantity(priced) -> int:
        return sum(line.quantity for line in _chosen_lines(priced))

    @staticmethod
    def resolve_selected_fen(priced) -> int:
        return sum(line.payable_fen for line in _chosen_lines(priced))


class AddressOut(Schema):
    id: int
    receiver: str
    phone: str
    province_code: str
    city_code: str
    district_code: str
    region_text: str
    detail: str
    is_default: bool


class StorePreviewOut(Schema):
    """A checkout priced (pricing.PricedCart); `ship_to` (the address, or None) is set by the view."""

    groups: list[GroupOut]
    address: AddressOut | None = Field(alias="ship_to")
    adjustments: list[AdjustmentOut]
    goods_fen: int
    discount_fen: int
    freight_fen: int
    payable_fen: int
    problems: list[str]
    can_submit: bool
    item_discount_fen: int = 0
    coupons: list[CouponViewOut] = Field(default_factory=list)
    coupon_ids: list[int] = Field(
        default_factory=list, description="实际使用的优惠券；下单时原样传回即按此计价"
    )
    points_used: int = 0
    points_available: int = 0
    points_max: int = Field(0, description="本单最多可用积分")
    no_return: list[NoReturnLineOut] = Field(
        default_factory=list, description="不支持7天无理由退货的商品（needs_confirm 的须在下单时确认）"
    )
    needs_return_confirm: bool = Field(False, description="true：下单须传 confirm_no_return=true")

    @staticmethod
    def resolve_can_submit(priced) -> bool:
        return priced.ship_to is not None and bool(priced.valid_lines) and not priced.problems

    @staticmethod
    def resolve_coupon_ids(priced) -> list[int]:
        return [v.coupon.pk for v in priced.coupons if v.chosen]


class StoreOrderLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    unit_price_fen: int
    quantity: int
    subtotal_fen: int
    discount_fen: int
    payable_fen: int
    list_price_fen: int = 0
    promotion_label: str = ""
    discounts: list[dict] = Field(default_factory=list, description="本行分摊到的各项优惠")
    refunded_qty: int = 0
    refunded_fen: int = 0
    no_reason_return: bool = Field(True, description="下单时是否支持7天无理由退货")
    no_return_reason: str = Field("", description="不支持的原因（下单时展示给买家的）")
    no_reason_return_last_day: date | None = Field(
        None, description="可申请7天无理由退货的最后一天（签收次日起算，北京时间）；订单详情中返回"
    )

    @staticmethod
    def resolve_no_reason_return_last_day(line):
        return getattr(line, "return_last_day", None)


class StoreLateShipmentOut(Schema):
    deadline: datetime = Field(description="最晚发货时间")
    amount_fen: int = Field(description="赔付金额（分）")
    points: int = Field(description="已发放的积分")
    flagged_at: datetime


class StoreOrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_kind: str
    note: str
    created_at: datetime


class StoreRefundOut(Schema):
    id: int
    no: str
    status: str
    status_label: str = Field(alias="get_status_display")
    amount_fen: int
    reason: str
    seller_note: str
    created_at: datetime
    is_full: bool = True


class StoreOrderOut(Schema):
    id: int
    no: str
    status: str
    status_label: str = Field(alias="get_status_display")
    shop: ShopBrief
    payment_no: str = Field(alias="payment.no")
    goods_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    created_at: datetime
    pay_deadline: datetime
    lines: list[StoreOrderLineOut]
    item_discount_fen: int = 0
    points_used: int = 0


class StoreOrderPickupOut(Schema):
    """到店自提 of an order: the store, the 8-digit code and its QR code (SVG) while it can be collected."""

    status: str = Field(description="unpaid / waiting（待自提）/ picked_up / expired / cancelled")
    status_label: str = Field(alias="get_status_display")
    code: str | None = Field(None, description="提货码（仅待自提时返回）")
    qr_svg: str | None = Field(None, description="提货码二维码（SVG，仅待自提时返回）")
    expires_at: datetime | None
    picked_up_at: datetime | None
    store: StorePickupStoreOut

    @staticmethod
    def resolve_code(obj):
        return obj.code if obj.status == "waiting" else None

    @staticmethod
    def resolve_qr_svg(obj):
        return getattr(obj, "qr", None) if obj.status == "waiting" else None


class OrderDetailOut(StoreOrderOut):
    """An order; `current_refund` (aftersales.order_for_refund) is set by the view."""

    is_pickup: bool = Field(False, description="到店自提订单：无需发货，凭提货码到店核销后完成")
    pickup: StoreOrderPickupOut | None = Field(None, alias="pickup_info")

    address: dict
    buyer_note: str
    adjustments: list[dict]
    carrier: str
    tracking_no: str
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    events: list[StoreOrderEventOut]
    refund: StoreRefundOut | None = Field(alias="current_refund")
    ship_deadline: datetime | None = Field(None, description="最晚发货时间（付款后按承诺发货时间）")
    late_shipment: StoreLateShipmentOut | None = Field(
        None, alias="late", description="延迟发货：平台按规则赔付给你的积分"
    )


class PaymentOrderOut(Schema):
    id: int
    no: str
    status: str
    shop: ShopBrief
    total_fen: int


class PaymentOut(Schema):
    """A payment at the cashier; `gateways` ((code, name) pairs) is set by the view."""

    payment_no: str = Field(alias="no")
    amount_fen: int
    status: str
    status_label: str = Field(alias="get_status_display")
    paid_at: datetime | None
    pay_deadline: datetime | None
    orders: list[PaymentOrderOut]
    gateways: list[dict]

    @staticmethod
    def resolve_pay_deadline(payment) -> datetime | None:
        pending = [o.pay_deadline for o in payment.orders.all() if o.status == "pending_payment"]
        return min(pending) if pending else None

    @staticmethod
    def resolve_gateways(payment) -> list[dict]:
        return [{"code": code, "name": name} for code, name in payment.gateways]


class SandboxPayOut(Schema):
    outcome: str
    payment: PaymentOut


class RegionOut(Schema):
    code: str
    name: str
    level: int


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    user_id: int
    display_name: str


# --- promotions -------------------------------------------------------------------------------------------------


class FlashBuyIn(In):
    quantity: StrictInt = Field(1, description="抢购数量（受每人限购约束）")
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)


class GroupBuyIn(In):
    team_id: StrictInt | None = Field(None, description="参加的团；不传则发起新团")
    quantity: StrictInt = 1
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)


class SkuPriceOut(Schema):
    """A SKU's price on the product page (promo_display.SkuDisplay)."""

    sku_id: int = Field(alias="sku.pk")
    list_price_fen: int = Field(..., alias="price.list_price_fen", description="售价")
    price_fen: int = Field(..., alias="price.price_fen", description="该买家现在的单价（与列表页、结算一致）")
    label: str = Field("", description="限时折扣 / 会员价（…）/ 秒杀价 …；空：无商品级优惠")
    ends_at: datetime | None
    notes: list[str] = Field(alias="price.notes")
    original_price_fen: int | None = Field(
        None, alias="original_fen", description="可划线展示的划线价（已按活动前 7 日最低价校验）；null 不展示"
    )
    msrp_fen: int | None = Field(None, description="厂商指导价：标注展示，不划线")
    available: int = Field(alias="stock")

    @staticmethod
    def resolve_label(row) -> str:
        return row.price.label if row.promoted else ""

    @staticmethod
    def resolve_ends_at(row) -> datetime | None:
        return row.price.ends_at if row.promoted else None


class CouponOfferOut(Schema):
    """A public coupon that can be claimed now (a coupon Promotion with `label`); `claimed` is set by the view."""

    promotion_id: int = Field(alias="pk")
    name: str
    label: str
    shop: ShopBrief | None
    threshold_fen: int
    starts_at: datetime
    ends_at: datetime
    valid_days: int = Field(0, description="领取后有效天数；0：至活动结束")
    per_buyer_limit: int
    claimed: int = Field(0, description="当前买家已领张数（未登录为 0）")
    can_claim: bool

    @staticmethod
    def resolve_threshold_fen(promo) -> int:
        return promo.config.get("threshold_fen", 0)

    @staticmethod
    def resolve_valid_days(promo) -> int:
        return promo.config.get("valid_days") or 0

    @staticmethod
    def resolve_can_claim(promo) -> bool:
        return not promo.per_buyer_limit or promo.claimed < promo.per_buyer_limit


class MyCouponOut(Schema):
    id: int
    promotion_id: int
    name: str = Field(alias="promotion.name")
    label: str
    shop: ShopBrief | None
    status: str
    valid_from: datetime
    valid_until: datetime
    used_at: datetime | None

    @staticmethod
    def resolve_label(coupon) -> str:
        return getattr(coupon, "label", coupon.promotion.name)


class StoreFlashItemOut(Schema):
    """A flash-sale item: a row `{"item", "sku", "product"}` as marketing's flash_sale_board gives it."""

    item_id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    price_fen: int
    list_price_fen: int
    stock: int
    left: int
    sold_out: bool

    @staticmethod
    def resolve_item_id(row) -> int:
        return row["item"].pk

    @staticmethod
    def resolve_sku_id(row) -> int:
        return row["sku"].pk

    @staticmethod
    def resolve_product_id(row) -> int:
        return row["product"].pk

    @staticmethod
    def resolve_title(row) -> str:
        return row["product"].title

    @staticmethod
    def resolve_spec_text(row) -> str:
        return row["sku"].spec_text

    @staticmethod
    def resolve_image(row) -> str:
        return row["product"].main_image

    @staticmethod
    def resolve_price_fen(row) -> int:
        return row["item"].price_fen

    @staticmethod
    def resolve_list_price_fen(row) -> int:
        return row["sku"].price_fen

    @staticmethod
    def resolve_stock(row) -> int:
        return row["item"].stock

    @staticmethod
    def resolve_left(row) -> int:
        return max(row["item"].stock - row["item"].sold, 0)

    @staticmethod
    def resolve_sold_out(row) -> bool:
        return row["item"].sold >= row["item"].stock


class FlashOut(Schema):
    """The product's flash sale (a Promotion); `running` and `shown_items` (item rows) are set by the view."""

    promotion_id: int = Field(alias="pk")
    name: str
    starts_at: datetime
    ends_at: datetime
    running: bool
    per_buyer_limit: int
    items: list[StoreFlashItemOut] = Field(alias="shown_items")


class FlashSessionOut(Schema):
    """A session of marketing's flash_sale_board."""

    name: str
    starts_at: datetime
    ends_at: datetime
    running: bool
    items: list[StoreFlashItemOut]


class GroupItemOut(Schema):
    """A group-buy item (PromotionItem); `shown_sku` (its SKU, already loaded) is set by the view."""

    item_id: int = Field(alias="pk")
    sku_id: int = Field(alias="shown_sku.pk")
    price_fen: int
    list_price_fen: int = Field(alias="shown_sku.price_fen")


class TeamBriefOut(Schema):
    id: int
    leader: str = Field(..., description="团长昵称（已打码）")
    item_id: int
    size: int
    paid_count: int
    missing: int = Field(..., description="还差几人（按已付款计）")
    expires_at: datetime

    @staticmethod
    def resolve_leader(team) -> str:
        return mask_name(team.leader.display_name)

    @staticmethod
    def resolve_missing(team) -> int:
        return max(team.size - team.paid_count, 0)


class GroupBuyOut(Schema):
    """The product's group buy (a Promotion); `shown_items` (item rows) and `open_teams` are set by the view."""

    promotion_id: int = Field(alias="pk")
    name: str
    size: int
    hours: int
    per_buyer_limit: int
    items: list[GroupItemOut] = Field(alias="shown_items")
    open_teams: list[TeamBriefOut]

    @staticmethod
    def resolve_size(promo) -> int:
        return promo.config["size"]

    @staticmethod
    def resolve_hours(promo) -> int:
        return promo.config["hours"]


class BundleItemOut(Schema):
    """A bundle member: marketing's pair (PromotionItem, Sku)."""

    sku_id: int
    product_id: int
    title: str
    spec_text: str
    quantity: int
    price_fen: int

    @staticmethod
    def resolve_sku_id(pair) -> int:
        return pair[1].pk

    @staticmethod
    def resolve_product_id(pair) -> int:
        return pair[1].product_id

    @staticmethod
    def resolve_title(pair) -> str:
        return pair[1].product.title

    @staticmethod
    def resolve_spec_text(pair) -> str:
        return pair[1].spec_text

    @staticmethod
    def resolve_quantity(pair) -> int:
        return pair[0].quantity

    @staticmethod
    def resolve_price_fen(pair) -> int:
        return pair[1].price_fen


class BundleOut(Schema):
    """A bundle: marketing's triple (Promotion, [(PromotionItem, Sku)], whole_fen)."""

    promotion_id: int
    name: str
    price_fen: int
    whole_fen: int = Field(..., description="单买合计")
    items: list[BundleItemOut]

    @staticmethod
    def resolve_promotion_id(bundle) -> int:
        return bundle[0].pk

    @staticmethod
    def resolve_name(bundle) -> str:
        return bundle[0].name

    @staticmethod
    def resolve_price_fen(bundle) -> int:
        return bundle[0].config["price_fen"]

    @staticmethod
    def resolve_whole_fen(bundle) -> int:
        return bundle[2]

    @staticmethod
    def resolve_items(bundle) -> list:
        return bundle[1]


class ProductPromotionsOut(Schema):
    """marketing.ProductPromotions of one product; `product_id` and `sku_rows` (promo_display.SkuDisplay) are
    set by the view, and its flash sale and group buy carry their `shown_items`."""

    product_id: int
    prices: list[SkuPriceOut] = Field(alias="sku_rows")
    tags: list[str]
    full_reductions: list[str]
    coupons: list[CouponOfferOut]
    flash: FlashOut | None
    group_buy: GroupBuyOut | None
    bundles: list[BundleOut]


class PointsEntryOut(Schema):
    delta: int
    balance_after: int
    reason: str
    reason_label: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_reason_label(entry) -> str:
        return str(POINTS_REASONS.get(entry.reason, entry.reason))


class PointsOut(Schema):
    balance: int
    entries: list[PointsEntryOut]
    rules: list[str]

    @staticmethod
    def resolve_rules(points) -> list[str]:
        return [str(rule) for rule in GIVE_BACK_RULES]


class GroupMemberOut(Schema):
    name: str = Field(..., description="昵称（已打码）")
    is_leader: bool
    paid: bool

    @staticmethod
    def resolve_name(member) -> str:
        return mask_name(member.buyer.display_name)

    @staticmethod
    def resolve_is_leader(member) -> bool:
        return member.buyer_id == member.team.leader_id


def _viewer_in(team, context) -> bool:
    """Whether the buyer asking (the request in ninja's validation context) is a member of the team."""
    viewer = getattr((context or {}).get("request"), "user", None)
    return bool(getattr(viewer, "is_authenticated", False)) and any(
        m.buyer_id == viewer.pk for m in team.members.all()
    )


def _seats_left(team) -> int:
    return max(team.size - len(team.members.all()), 0)


class GroupTeamOut(Schema):
    """A group-buy team (marketing.group_team_get: item, SKU, product and members loaded); `joined` and
    `can_join` are for the buyer asking."""

    id: int
    status: str
    status_label: str
    product_id: int = Field(alias="item.sku.product.pk")
    title: str = Field(alias="item.sku.product.title")
    spec_text: str = Field(alias="item.sku.spec_text")
    image: str = Field(alias="item.sku.product.main_image")
    item_id: int
    sku_id: int = Field(alias="item.sku.pk")
    group_price_fen: int = Field(alias="item.price_fen")
    list_price_fen: int = Field(alias="item.sku.price_fen")
    size: int
    seats_left: int
    paid_count: int
    expires_at: datetime
    members: list[GroupMemberOut]
    joined: bool = Field(..., description="当前买家是否已在团中")
    can_join: bool

    @staticmethod
    def resolve_status_label(team) -> str:
        return team_status_label(team, timezone.now())

    @staticmethod
    def resolve_seats_left(team) -> int:
        return _seats_left(team)

    @staticmethod
    def resolve_joined(team, context) -> bool:
        return _viewer_in(team, context)

    @staticmethod
    def resolve_can_join(team, context) -> bool:
        open_now = team.status == "open" and team.expires_at > timezone.now()
        return open_now and _seats_left(team) > 0 and not _viewer_in(team, context)
