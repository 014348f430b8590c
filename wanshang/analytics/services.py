"""数据中心 writes: money events written with the order change, page-side actions, and the event-log side of a
buyer's deletion request (the request itself, which reaches into orders too, is insights.privacy)."""

from django.core import signing
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from wanshang.analytics.collector import ingest
from wanshang.analytics.models import Event, EventKind, VisitorDay
from wanshang.analytics.rollup import local_day, remark_days
from wanshang.analytics.sources import paid_marker as paid_marker  # an ad click's landing marker (`?ad=`)
from wanshang.analytics.tracking import SESSION_COOKIE as SESSION_COOKIE  # cookies a page cache may ignore
from wanshang.analytics.tracking import VISITOR_COOKIE as VISITOR_COOKIE
from wanshang.analytics.tracking import current_visit, track
from wanshang.analytics.tracking import request_visitor as request_visitor  # a JSON API caller's visitor id
from wanshang.analytics.tracking import source_declare as source_declare  # a view verified its page's source
from wanshang.analytics.tracking import track_page as track_page  # a page view, from the faces' views
from wanshang.analytics.tracking import track_view as track_view  # a product view through the API
from wanshang.common.errors import ValidationError

BEHAVIOUR_KINDS = (EventKind.PAGE_VIEW, EventKind.STAY, EventKind.CART_ADD, EventKind.FAVOURITE)
STAY_SALT = "wanshang.analytics.stay"
MAX_STAY_MS = 30 * 60 * 1000


def _visit_fields(order_visitor: str, buyer_id: int) -> dict:
    return {"visitor": order_visitor or f"u{buyer_id}", "user_id": buyer_id}


def orders_placed_record(*, orders, now=None) -> None:
    """Inside the placing transaction (OrdersPlaced; `orders_create` stamped each order's visitor): 下单."""
    now = now or timezone.now()
    visit = current_visit()
    rows = []
    for order in orders:
        rows.append(
            Event(
                ts=visit.now() if visit and visit.clock else now,
                kind=EventKind.ORDER_PLACED,
                session=visit.session if visit else "",
                terminal=visit.terminal if visit else "",
                shop_id=order.shop_id,
                order_id=order.order_id,
                amount_fen=order.total_fen,
                **_visit_fields(order.visitor, order.buyer_id),
            )
        )
    Event.objects.bulk_create(rows)


def orders_paid_record(*, orders, now=None) -> None:
    """Inside the payment transaction (OrdersPaid): 支付 per order (freight included) and per line (no freight)."""
    now = now or timezone.now()
    rows = []
    for order in orders:
        who = _visit_fields(order.visitor, order.buyer_id)
        rows.append(
            Event(
                ts=now,
                kind=EventKind.ORDER_PAID,
                shop_id=order.shop_id,
                order_id=order.order_id,
                amount_fen=order.total_fen,
                quantity=sum(line.quantity for line in order.lines),
                **who,
            )
        )
        rows.extend(
            Event(
                ts=now,
                kind=EventKind.ITEM_PAID,
                shop_id=order.shop_id,
                order_id=order.order_id,
                product_id=line.product_id,
                category_id=line.category_id,
                quantity=line.quantity,
                amount_fen=line.payable_fen,
                **who,
            )
            for line in order.lines
        )
    Event.objects.bulk_create(rows)


def refund_record(*, order, amount_fen: int, now=None) -> None:
    """Inside the refund's transaction (RefundCompleted): 退款 (a metric of its own; 支付金额 is never reduced)."""
    Event.objects.create(
        ts=now or timezone.now(),
        kind=EventKind.REFUND,
        shop_id=order.shop_id,
        order_id=order.order_id,
        amount_fen=amount_fen,
        **_visit_fields(order.visitor, order.buyer_id),
    )


def cart_add_record(*, user_id, shop_id, product_id, category_id, quantity) -> None:
    track(
        EventKind.CART_ADD,
        user_id=user_id,
        shop_id=shop_id,
        product_id=product_id,
        category_id=category_id,
        quantity=quantity,
    )


def favourite_record(*, user_id, shop_id, product_id, category_id) -> None:
    track(
        EventKind.FAVOURITE, user_id=user_id, shop_id=shop_id, product_id=product_id, category_id=category_id
    )


def stay_token(*, page_type: str, shop_id=None, product_id=None, category_id=None) -> str:
    """What a page embeds for the time-on-page beacon: its own context, signed so it cannot be forged."""
    return signing.dumps([page_type, shop_id, product_id, category_id], salt=STAY_SALT, compress=False)


def stay_record(*, token: str, duration_ms) -> None:
    """The beacon: time spent on one page. Raises ValidationError for a bad token or duration."""
    try:
        page_type, shop_id, product_id, category_id = signing.loads(
            token or "", salt=STAY_SALT, max_age=24 * 3600
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError("页面标识无效", field="t") from None
    try:
        if isinstance(duration_ms, bool):
            raise TypeError
        ms = int(duration_ms)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("停留时长须为毫秒整数", field="ms") from None
    if ms <= 0:
        raise ValidationError("停留时长必须大于 0", field="ms")
    track(
        EventKind.STAY,
        shop_id=shop_id,
        product_id=product_id,
        category_id=category_id,
        page_type=page_type,
        duration_ms=min(ms, MAX_STAY_MS),
    )


def events_ingest() -> int:
    """Insert the spooled page-side events now, rather than at the ingester's next run (so that a deletion
    request catches events still in the spool). Returns the rows inserted."""
    return ingest()


def buyer_behaviour_delete(*, user_id: int, visitors) -> int:
    """The event log's part of a buyer's deletion request. Deleted: the buyer's behaviour events (page views,
    stays, carts, favourites), the anonymous events of `visitors` (the browser ids the caller found to be
    theirs), and the same rollup rows. Their order/paid/refund events stay — the shops' trade records — but
    are unlinked from any browser (visitor `u<id>`, no session). Returns how many events were deleted."""
    with transaction.atomic():
        span = (Event.objects.filter(user_id=user_id) | Event.objects.filter(visitor__in=visitors)).aggregate(
            first=Min("ts"), last=Max("ts")
        )
        days = VisitorDay.objects.filter(Q(user_id=user_id) | Q(visitor__in=visitors)).aggregate(
            first=Min("day"), last=Max("day")
        )
        deleted, _ = Event.objects.filter(user_id=user_id, kind__in=BEHAVIOUR_KINDS).delete()
        anonymous, _ = Event.objects.filter(visitor__in=visitors, user_id__isnull=True).delete()
        Event.objects.filter(user_id=user_id).update(visitor=f"u{user_id}", session="")
        VisitorDay.objects.filter(user_id=user_id).delete()
        VisitorDay.objects.filter(visitor__in=visitors, user_id__isnull=True).delete()
        # every day they touched gets a new build mark: stored period boards over those days are stale
        bounds = [d for d in (days["first"], days["last"]) if d]
        bounds += [local_day(t) for t in (span["first"], span["last"]) if t]
        if bounds:
            remark_days(start=min(bounds), end=max(bounds))
    return deleted + anonymous
