"""Demo-only back-dating: move timestamps of rows the real services just wrote into the past.

The demo builds a month of history in a few seconds: every order, payment, refund and stock change is made
by the real services at the current time, and then its timestamps are rewritten here with queryset
`.update()` calls (which skip `auto_now`/`auto_now_add`), with the 数据中心 money events written alongside.
Rewriting history like this is acceptable for demo data only; nothing outside `wanshang.demo` may do it.
The human-facing numbers (order/payment/refund no) embed the creation time, so they are rewritten too,
deterministically from the demo's seeded RNG.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, DateTimeField, F, Value, When
from django.utils import timezone

from wanshang.accounts.models import Address, User
from wanshang.aftersales.models import Refund
from wanshang.analytics.models import Event, EventKind
from wanshang.catalog.models import PriceHistory, Product, Sku
from wanshang.common.models import IdempotencyKey
from wanshang.fulfillment.models import FreightTemplate
from wanshang.inventory.models import StockMovement, Warehouse
from wanshang.merchants.models import MerchantApplication, Shop, ShopStaff
from wanshang.orders.models import Order, OrderEvent
from wanshang.payments.models import GatewayRefund, Payment, PaymentNotification, SettlementEntry


@dataclass
class Timeline:
    """When each step of one checkout happened (None: never)."""

    created: datetime
    paid: datetime | None = None
    shipped: datetime | None = None
    received: datetime | None = None
    cancelled: datetime | None = None
    refund_requested: datetime | None = None
    refund_decided: datetime | None = None
    refunded: datetime | None = None


class NumberMaker:
    """Order/payment/refund numbers shaped like `common.numbers.new_no` but from the demo's RNG."""

    def __init__(self, rng):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, prefix: str, when: datetime) -> str:
        stamp = f"{prefix}{timezone.localtime(when):%y%m%d%H%M%S}"
        while True:
            no = f"{stamp}{self.rng.randrange(10**10):010d}"
            if no not in self.used:
                self.used.add(no)
                return no


def _case(field: str, mapping: dict, default_field: str):
    whens = [When(**{field: key}, then=Value(value)) for key, value in mapping.items() if value is not None]
    return Case(*whens, default=F(default_field), output_field=DateTimeField())


def renumber_payment(*, payment_id: int, no: str) -> None:
    Payment.objects.filter(pk=payment_id).update(no=no)


def renumber_order(*, order_id: int, no: str) -> None:
    Order.objects.filter(pk=order_id).update(no=no)


def renumber_refund(*, refund_id: int, no: str) -> None:
    Refund.objects.filter(pk=refund_id).update(no=no)


def renumber_gateway_refund(*, order_refund_id: int, no: str) -> None:
    GatewayRefund.objects.filter(order_refund_id=order_refund_id).update(no=no)


def checkout_backdate(
    *,
    buyer_id: int,
    idempotency_key: str,
    payment_id: int,
    payment_no: str,
    order_ids: list[int],
    t: Timeline,
    refund_ids: list[int],
) -> None:
    """Rewrite every timestamp a checkout and what followed it left behind."""
    timeout = timedelta(minutes=settings.WANSHANG["ORDER_PAYMENT_TIMEOUT_MINUTES"])
    delay = timedelta(days=settings.WANSHANG["SETTLEMENT_DELAY_DAYS"])
    IdempotencyKey.objects.filter(user_id=buyer_id, scope="checkout", key=idempotency_key).update(
        created_at=t.created
    )
    Payment.objects.filter(pk=payment_id).update(created_at=t.created, paid_at=t.paid)
    if t.paid:
        PaymentNotification.objects.filter(payment_no=payment_no).update(received_at=t.paid)
    Order.objects.filter(pk__in=order_ids).update(
        created_at=t.created,
        pay_deadline=t.created + timeout,
        paid_at=t.paid,
        shipped_at=t.shipped,
        received_at=t.received,
        completed_at=t.received,
        cancelled_at=t.cancelled,
        refunded_at=t.refunded,
    )
    OrderEvent.objects.filter(order_id__in=order_ids).update(
        created_at=_case(
            "to_status",
            {
                "pending_payment": t.created,
                "paid": t.paid,
                "shipped": t.shipped,
                "received": t.received,
                "completed": t.received,
                "cancelled": t.cancelled,
                "refunded": t.refunded,
            },
            "created_at",
        )
    )
    StockMovement.objects.filter(order_id__in=order_ids).update(
        created_at=_case(
            "kind",
            {
                "reserve": t.created,
                "confirm": t.paid,
                "release": t.cancelled,
                "return": t.refunded,
            },
            "created_at",
        )
    )
    if t.refund_requested:
        Refund.objects.filter(pk__in=refund_ids).update(
            created_at=t.refund_requested, decided_at=t.refund_decided, refunded_at=t.refunded
        )
        GatewayRefund.objects.filter(order_refund_id__in=refund_ids).update(
            created_at=t.refund_decided or t.refund_requested, succeeded_at=t.refunded
        )
    if t.received:
        SettlementEntry.objects.filter(order_id__in=order_ids).update(
            created_at=t.received, settleable_at=t.received + delay
        )
    money_events_backdate(buyer_id=buyer_id, order_ids=order_ids, t=t)


def money_events_backdate(*, buyer_id: int, order_ids: list[int], t: Timeline) -> int:
    """The 数据中心 money events of these orders (下单, 支付, 商品支付, 退款), written with the real time in
    the order's transactions, happened on the timeline instead. Returns the rows moved.

    Events have no index on the order: the buyer's (indexed) narrows the rows first."""
    moves = {
        EventKind.ORDER_PLACED: t.created,
        EventKind.ORDER_PAID: t.paid,
        EventKind.ITEM_PAID: t.paid,
        EventKind.REFUND: t.refunded,
    }
    kinds = [kind for kind, when in moves.items() if when is not None]
    return Event.objects.filter(user_id=buyer_id, order_id__in=order_ids, kind__in=kinds).update(
        ts=_case("kind", moves, "ts")
    )


def products_backdate(*, created: dict[int, datetime]) -> None:
    """Products listed at the given times ({product id: when}): their rows, first prices and initial stock."""
    if not created:
        return
    when_product = Case(
        *[When(pk=pk, then=Value(t)) for pk, t in created.items()], output_field=DateTimeField()
    )
    Product.objects.filter(pk__in=list(created)).update(created_at=when_product, updated_at=when_product)
    sku_product = dict(Sku.objects.filter(product_id__in=list(created)).values_list("pk", "product_id"))
    when_sku = Case(
        *[When(sku_id=sku_id, then=Value(created[product_id])) for sku_id, product_id in sku_product.items()],
        output_field=DateTimeField(),
    )
    PriceHistory.objects.filter(sku_id__in=list(sku_product)).update(changed_at=when_sku)
    StockMovement.objects.filter(sku_id__in=list(sku_product), order_id__isnull=True).update(
        created_at=when_sku
    )


def price_change_backdate(*, sku_id: int, when: datetime) -> None:
    """The price change just made to `sku_id` (its newest history row) happened at `when`."""
    row = PriceHistory.objects.filter(sku_id=sku_id).order_by("-id").first()
    if row is not None:
        PriceHistory.objects.filter(pk=row.pk).update(changed_at=when)
    Product.objects.filter(skus__id=sku_id).update(updated_at=when)


def stock_movements_backdate(*, movement_ids: list[int], when: datetime) -> None:
    StockMovement.objects.filter(pk__in=movement_ids).update(created_at=when)


def shop_backdate(*, shop_id: int, application_id: int, submitted: datetime, approved: datetime) -> None:
    MerchantApplication.objects.filter(pk=application_id).update(created_at=submitted, reviewed_at=approved)
    Shop.objects.filter(pk=shop_id).update(created_at=approved)
    ShopStaff.objects.filter(shop_id=shop_id).update(created_at=approved)
    Warehouse.objects.filter(shop_id=shop_id).update(created_at=approved)
    FreightTemplate.objects.filter(shop_id=shop_id).update(created_at=approved)


def application_backdate(
    *, application_id: int, submitted: datetime, reviewed: datetime | None = None
) -> None:
    fields = {"created_at": submitted}
    if reviewed is not None:
        fields["reviewed_at"] = reviewed
    MerchantApplication.objects.filter(pk=application_id).update(**fields)


def user_backdate(*, user_id: int, joined: datetime) -> None:
    User.objects.filter(pk=user_id).update(date_joined=joined)
    Address.objects.filter(user_id=user_id).update(created_at=joined)
