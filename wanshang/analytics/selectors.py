"""The event log's public reads for other apps and the faces (reporting reads its tables: `readmodel.py`)."""

from django.db.models import Q

from wanshang.analytics.models import Event
from wanshang.analytics.tracking import visitor_of as visitor_of  # the visitor id of a buyer's browser


def buyer_visitor_ids(*, user_id: int) -> set[str]:
    """The browser visitor ids a buyer's events were recorded under while they were logged in."""
    return set(
        Event.objects.filter(user_id=user_id).exclude(visitor="").values_list("visitor", flat=True).distinct()
    )


# --- for recommendations (看了又看, 猜你喜欢): product page views, carts and favourites ---------------------------

PRODUCT_TOUCH_KINDS = ("pv", "cart", "fav")  # a product page view, 加购, 收藏


def _product_touches():
    """Events that say a visitor looked at or wanted one product: product-page views, carts, favourites."""
    return Event.objects.filter(
        Q(kind="pv", page_type="product") | Q(kind__in=PRODUCT_TOUCH_KINDS[1:]), product_id__isnull=False
    )


def latest_event_id() -> int:
    """The newest event's id (0 for an empty log): a job compares it to see whether anything happened."""
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def product_touches_since(*, since):
    """Every product touch at or after `since`, oldest first, as (visitor, user_id, product_id, category_id,
    kind, ts) tuples, streamed in chunks (the recommendation job reads months of them)."""
    return (
        _product_touches()
        .filter(ts__gte=since)
        .order_by("ts", "id")
        .values_list("visitor", "user_id", "product_id", "category_id", "kind", "ts")
        .iterator(chunk_size=5000)
    )


def recent_product_touches(*, visitor: str = "", user_id: int | None = None, since, limit: int = 50) -> list:
    """One visitor's (and, signed in, that buyer's) latest product touches, newest first, as (product_id,
    category_id, kind, ts) tuples: what 猜你喜欢 starts from. Empty without a visitor id or a buyer."""
    who = Q()
    if visitor:
        who |= Q(visitor=visitor)
    if user_id:
        who |= Q(user_id=user_id)
    if not who:
        return []
    return list(
        _product_touches()
        .filter(who, ts__gte=since)
        .order_by("-ts", "-id")
        .values_list("product_id", "category_id", "kind", "ts")[:limit]
    )


# --- for audience ads (引力魔方): what one visitor looked at and searched for ----------------------------------


def visitor_recent_activity(
    *, visitor: str = "", user_id: int | None = None, since, limit: int = 300
) -> list:
    """One visitor's (and, signed in, that buyer's) latest product touches and searches since `since`, newest
    first, as (product_id, category_id, shop_id, query, ts) tuples: a touch has a product, a search its query."""
    who = Q()
    if visitor:
        who |= Q(visitor=visitor)
    if user_id:
        who |= Q(user_id=user_id)
    if not who:
        return []
    touches = Q(kind="pv", page_type="product") | Q(kind__in=PRODUCT_TOUCH_KINDS[1:])
    searches = Q(kind="pv", page_type="search") & ~Q(query="")
    return list(
        Event.objects.filter(who, (touches & Q(product_id__isnull=False)) | searches, ts__gte=since)
        .order_by("-ts", "-id")
        .values_list("product_id", "category_id", "shop_id", "query", "ts")[:limit]
    )


def accounts_sharing_visitors(*, user_id: int, since, visitors_limit: int = 20, limit: int = 50) -> int:
    """How many other logged-in accounts were seen since `since` in a browser (the `wsv` visitor id) the user
    was also seen in; counted up to `limit`. The stand-in ids of API-only buyers ("u<id>") are their own and
    never shared. Bounded: the user's newest `visitors_limit` browsers, each through the (visitor, ts) index."""
    visitors = list(
        dict.fromkeys(
            Event.objects.filter(user_id=user_id, ts__gte=since)
            .exclude(visitor="")
            .exclude(visitor__startswith="u")
            .order_by("-id")
            .values_list("visitor", flat=True)[: visitors_limit * 20]
        )
    )[:visitors_limit]
    if not visitors:
        return 0
    others = (
        Event.objects.filter(visitor__in=visitors, ts__gte=since, user_id__isnull=False)
        .exclude(user_id=user_id)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    return len(list(others))
