"""What ads does when other apps change things (see common/events.py)."""

from wanshang.ads.accounts import topup_credit
from wanshang.ads.adspool import ad_events_ingest
from wanshang.ads.attribution import conversions_record
from wanshang.ads.autoplans import autoplan_keywords_refresh
from wanshang.ads.privacy import ad_clicks_forget
from wanshang.common import events
from wanshang.common.domain_events import BuyerDataDeleted, OrdersPaid, PaymentSucceeded, ProductSaved

AD_TOPUP = "ad_topup"  # payments' Payment.Purpose.AD_TOPUP
ATTRIBUTION_INGEST_ROWS = (
    100_000  # a stalled ingester's backlog is left to the job, not to a payment's request
)


def on_payment_succeeded(event: PaymentSucceeded) -> None:
    """A top-up's payment arrived: credit the shop's ad account once, in the payment's transaction (a failure
    leaves the payment unapplied, and the gateway's next notification tries again). Order payments are not ours."""
    if event.purpose != AD_TOPUP:
        return
    topup_credit(payment_id=event.payment_id, amount_fen=event.amount_fen, now=event.at)


def on_orders_paid(event: OrdersPaid) -> None:
    """Attribute the paid lines to the buyer's last ad click on their product (reporting: after commit, so it
    may lag and never fails the payment; idempotent per order line). The spooled ad events are ingested first:
    a click made seconds before the payment may not have reached the table yet (ads/adspool.py). A failure
    of either is retried by the outbox (`events.retry`)."""
    ad_events_ingest(max_rows=ATTRIBUTION_INGEST_ROWS)
    conversions_record(orders=event.orders, at=event.at)


def on_buyer_data_deleted(event: BuyerDataDeleted) -> None:
    """A buyer's data deletion: their ad clicks lose the user and browser link (in the deletion's transaction)."""
    ad_clicks_forget(user_id=event.user_id, visitors=event.visitors)


def on_product_saved(event: ProductSaved) -> None:
    """A product was edited: the goal plans promoting it bid on the words of its new title and category
    (after commit, retried by the outbox; idempotent)."""
    autoplan_keywords_refresh(product_id=event.product_id)


SUBSCRIPTIONS = [
    (PaymentSucceeded, on_payment_succeeded, events.IN_TRANSACTION),
    (OrdersPaid, on_orders_paid, events.AFTER_COMMIT),
    (BuyerDataDeleted, on_buyer_data_deleted, events.IN_TRANSACTION),
    (ProductSaved, on_product_saved, events.AFTER_COMMIT),
]
