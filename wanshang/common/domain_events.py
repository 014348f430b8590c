"""The domain events every app may publish or subscribe to (the published language of the monolith).

They live in the shared kernel, not beside their publishers, so that an app lower in the layer order (catalog,
payments, the analytics event log) can react to a change made higher up (an order paid) without importing
the app that made it. Payloads are plain values: ids, integer fen, text and tuples of the small records below,
so an after-commit handler can be replayed from the outbox. A handler that needs more than the payload reads
it through the owning app's selectors — only an app above the publisher may do that.

docs/architecture.md lists each event with its publisher and subscribers.
"""

from dataclasses import dataclass
from datetime import date, datetime

from wanshang.common.events import DomainEvent


@dataclass(frozen=True)
class LineFacts:
    """One order line as it stands when the event is published."""

    line_id: int
    sku_id: int
    product_id: int
    category_id: int
    quantity: int
    unit_price_fen: int
    payable_fen: int
    platform_fen: int = 0
    refunded_qty: int = 0
    refunded_fen: int = 0
    promotion_item_id: int | None = None


@dataclass(frozen=True)
class OrderFacts:
    """One order as it stands when the event is published."""

    order_id: int
    no: str
    shop_id: int
    buyer_id: int
    payment_id: int
    status: str
    total_fen: int
    freight_fen: int
    points_used: int
    visitor: str
    lines: tuple[LineFacts, ...] = ()


# --- orders ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OrdersPlaced(DomainEvent):
    """Checkout wrote one order per shop under one payment; their stock is reserved."""

    payment_id: int
    orders: tuple[OrderFacts, ...]


@dataclass(frozen=True, kw_only=True)
class OrdersPaid(DomainEvent):
    """A payment arrived and these orders (all of the payment's that were still unpaid) became paid."""

    payment_id: int
    orders: tuple[OrderFacts, ...]


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(DomainEvent):
    """An unpaid order was cancelled (by the buyer, the merchant or the payment timeout).

    Published after the stock of its lines WITHOUT a promotion item went back. An in-transaction subscriber
    that owns promotion items (flash sales) decides where the other lines' units go, and releases them.
    """

    order: OrderFacts
    reason: str
    actor_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class OrderShipping(DomainEvent):
    """A merchant is about to ship a paid order. An in-transaction subscriber may refuse by raising a
    DomainError (a group buy that has not completed yet)."""

    order: OrderFacts


@dataclass(frozen=True, kw_only=True)
class OrderShipped(DomainEvent):
    order: OrderFacts
    carrier: str
    tracking_no: str


@dataclass(frozen=True, kw_only=True)
class OrderReceived(DomainEvent):
    """The buyer confirmed receipt (or the auto-receive timeout did)."""

    order: OrderFacts
    by_buyer: bool


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(DomainEvent):
    """交易成功: the order is complete and settles with the shop."""

    order: OrderFacts


@dataclass(frozen=True, kw_only=True)
class LateShipmentDue(DomainEvent):
    """The order missed its shipping deadline and is about to be compensated. An in-transaction subscriber may
    exempt it by raising a DomainError whose message says why (the buyer asked for a refund before the
    deadline, so the shop could not ship): the order is then recorded as exempt, nobody is charged."""

    order: OrderFacts
    deadline: datetime


@dataclass(frozen=True, kw_only=True)
class ReturnFreightCompensated(DomainEvent):
    """A shop's-fault return reached the shop: the buyer's return postage `amount_fen` was charged to the shop in
    its settlement ledger and the buyer is owed `points` for it (marketing credits them, once per case)."""

    order: OrderFacts
    case_no: str
    amount_fen: int
    points: int


@dataclass(frozen=True, kw_only=True)
class LateShipmentCompensated(DomainEvent):
    """延迟发货: the order was not shipped by its deadline; the shop was charged `amount_fen` in its settlement
    ledger and the buyer is owed `points` (marketing credits them, once per order)."""

    order: OrderFacts
    amount_fen: int
    points: int


# --- payments --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PaymentSucceeded(DomainEvent):
    """A verified notification says the buyer paid. `was_closed`: every order of it had been cancelled
    before the money arrived (the money then goes back). `purpose`: "order" (orders pay their orders) or
    "ad_topup" (ads credits the shop's ad account); each subscriber acts on its own purpose only."""

    payment_id: int
    payment_no: str
    amount_fen: int
    gateway: str
    was_closed: bool
    purpose: str = "order"


# --- after-sales -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RefundCompleted(DomainEvent):
    """Money of a refund went back to the buyer; the order's lines carry the refunded units. `is_full`: the
    whole order is refunded (its status is now refunded)."""

    refund_id: int
    refund_no: str
    amount_fen: int
    is_full: bool
    order: OrderFacts


# --- stores -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PickupExpired(DomainEvent):
    """到店自提: a paid pickup order was not collected within the pickup period; its code no longer works. The
    order is still paid: after-sales refunds it in full (stock back) — stores sits below after-sales."""

    order: OrderFacts
    store_id: int
    pickup_id: int


# --- catalog and merchants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuStock:
    sku_id: int
    on_hand: int


@dataclass(frozen=True, kw_only=True)
class ProductSaved(DomainEvent):
    """A merchant created or edited a product and its SKU matrix. `stock` holds the on-hand figures typed
    into the matrix, to be set in the shop's default warehouse."""

    product_id: int
    shop_id: int
    created: bool
    actor_id: int | None
    stock: tuple[SkuStock, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ProductStatusChanged(DomainEvent):
    """Products went on sale or off the shelf (上架/下架), in one batch of one shop."""

    shop_id: int
    product_ids: tuple[int, ...]
    status: str


@dataclass(frozen=True, kw_only=True)
class ShopOpened(DomainEvent):
    """The platform approved an application: the shop exists and its owner is staff."""

    shop_id: int
    owner_id: int


@dataclass(frozen=True, kw_only=True)
class ShopChanged(DomainEvent):
    """A shop's status or public details changed (suspended, restored, renamed)."""

    shop_id: int


@dataclass(frozen=True, kw_only=True)
class SkuPriceChanged(DomainEvent):
    """A SKU's price changed (quick edit or the product form); the change is in the price history."""

    sku_id: int
    product_id: int
    shop_id: int
    old_price_fen: int
    price_fen: int


# --- reviews ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductRatingChanged(DomainEvent):
    """A product's review figures changed (a review written, edited, approved, hidden or defaulted):
    `rating` is the average stars of its shown written reviews (None: none yet), `count` all shown reviews."""

    product_id: int
    shop_id: int
    rating: float | None
    count: int


# --- privacy ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BuyerDataDeleted(DomainEvent):
    """A buyer asked to delete their behaviour data (insights.privacy): the apps above the event log that keep a
    link from a visit to the buyer unlink it, in the deletion's transaction. `visitors`: every visitor id the
    buyer was seen under (their browsers' cookies and the `u<id>` stand-in)."""

    user_id: int
    visitors: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ImageDeclarationChanged(DomainEvent):
    """A picture's logo/portrait declaration was marked, given its authorisation, withdrawn or reviewed."""

    shop_id: int
    asset_id: int


# --- rules and risk: what the seller's inbox (消息中心) tells the shops ------------------------------------------
# Each is published in the transaction of its change by an app above the inbox; the inbox subscribes after commit
# and writes one message per event (its dedupe key makes a retried handler write nothing more).


@dataclass(frozen=True, kw_only=True)
class AdlawRescanFound(DomainEvent):
    """The nightly 广告法 rescan (the term list moved to `version`) found terms a shop's texts did not have
    before: `texts` texts now carry `term_count` new terms, the first of them listed in `terms` (at most 10).
    One event per shop and list version, so the shop gets one message per rescan, not one per hit."""

    shop_id: int
    version: int
    texts: int
    term_count: int
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AdlawClaimDecided(DomainEvent):
    """The platform approved or rejected a shop's 广告法 exemption claim for `term`, with its `reason`."""

    shop_id: int
    claim_id: int
    term: str
    approved: bool
    reason: str


@dataclass(frozen=True, kw_only=True)
class PlatformRulePublished(DomainEvent):
    """规则中心: the platform published version `version` of rule `code` (every shop is to acknowledge it)."""

    rule_id: int
    code: str
    version: int
    title: str
    effective_at: datetime


@dataclass(frozen=True, kw_only=True)
class PlatformRuleAcknowledged(DomainEvent):
    """规则中心: shop `shop_id` acknowledged rule version `rule_id` (once; `user_id` the staff member who did)."""

    rule_id: int
    shop_id: int
    user_id: int | None


@dataclass(frozen=True, kw_only=True)
class HealthItemOpened(DomainEvent):
    """体检中心: a warning opened item `item_id` (`kind`: an indicator key or a registered item kind) that the
    shop must fix by `deadline_at`."""

    shop_id: int
    item_id: int
    kind: str
    title: str
    deadline_at: datetime


@dataclass(frozen=True, kw_only=True)
class HealthItemDeadlineNear(DomainEvent):
    """体检中心: an open item's deadline falls within the reminder window (HEALTH_REMIND_HOURS); published once
    per item by the `health.deadlines` job (the item's `reminded_at` is set by a conditional update)."""

    shop_id: int
    item_id: int
    title: str
    deadline_at: datetime


@dataclass(frozen=True, kw_only=True)
class HealthPointsGiven(DomainEvent):
    """体检中心: item `item_id` was left unfixed at its deadline and earned `points` penalty points (once)."""

    shop_id: int
    item_id: int
    title: str
    points: int


@dataclass(frozen=True, kw_only=True)
class ShopSanctionChanged(DomainEvent):
    """体检中心: a sanction (`kind`: search_demote / no_campaign / no_ads / suspend) was set (`active`) or lifted
    because the shop's live points are now `points`. `audit_id`: the health audit row of the change."""

    shop_id: int
    kind: str
    active: bool
    points: int
    audit_id: int


@dataclass(frozen=True, kw_only=True)
class HealthAppealDecided(DomainEvent):
    """体检中心: the platform upheld or overturned (`overturned`) the shop's appeal against item `item_id`."""

    shop_id: int
    appeal_id: int
    item_id: int
    title: str
    overturned: bool
    note: str


@dataclass(frozen=True, kw_only=True)
class ImageDeclarationDecided(DomainEvent):
    """The platform approved or rejected (with `reason`) the authorisation of a picture's logo/portrait
    declaration (`kind`: brand / portrait). A declaration may be reviewed again after a new upload: `at`
    tells the decisions apart."""

    shop_id: int
    declaration_id: int
    asset_id: int
    kind: str
    approved: bool
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PatrolReportReady(DomainEvent):
    """日常巡检: the shop's report of `day` is finished with `findings` findings over `products_checked`
    products (published only when it found something)."""

    shop_id: int
    report_id: int
    day: date
    findings: int
    products_checked: int
