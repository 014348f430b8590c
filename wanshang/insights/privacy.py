"""A buyer's request to delete their behaviour data (我的 → 隐私, and DELETE /api/store/me/events).

It lives here rather than in the event-recording app because it reaches across contexts: besides the events
and rollup rows (analytics, through `buyer_visitor_ids` and `buyer_behaviour_delete`) it unlinks the buyer's
orders from the browsers they were placed in (orders, through `order_visitors_of` and
`orders_forget_visitor`), in the same transaction; the apps above it that link visits to the buyer (ad clicks,
affiliate clicks) unlink theirs on `BuyerDataDeleted`, published in that transaction.
"""

from django.db import transaction

from wanshang.analytics.selectors import buyer_visitor_ids
from wanshang.analytics.services import buyer_behaviour_delete, events_ingest
from wanshang.common import events
from wanshang.common.domain_events import BuyerDataDeleted
from wanshang.insights.boards import boards_forget_stale
from wanshang.orders.selectors import order_visitors_of
from wanshang.orders.services import orders_forget_visitor


def buyer_events_delete(*, user_id: int) -> int:
    """A buyer's request to delete their behaviour data. Deleted: their page views, stays, carts and favourites,
    the anonymous events of the visitor ids they used while logged in, and the same rollup rows. Kept: other
    people's events, even from a browser they shared; the orders, payments and refunds, and their order/paid/
    refund events — the shops' trade records, so a shop's past 支付金额 does not change — unlinked from any
    browser (their visitor becomes the buyer stand-in `u<id>`, as for the API); their ad and affiliate clicks,
    kept for the shops' and promoters' figures and the money that points at them, without user or browser.
    Events still in the spool are inserted first, so nothing of theirs arrives after the deletion.
    Returns how many events were deleted."""
    events_ingest()
    with transaction.atomic():
        visitors = buyer_visitor_ids(user_id=user_id)
        visitors.update(order_visitors_of(buyer_id=user_id))
        visitors.add(f"u{user_id}")
        deleted = buyer_behaviour_delete(user_id=user_id, visitors=visitors)
        orders_forget_visitor(buyer_id=user_id)
        events.publish(BuyerDataDeleted(user_id=user_id, visitors=tuple(sorted(visitors))))
        boards_forget_stale()  # the days they touched were re-marked: no stored board still counts them
    return deleted
