"""A buyer's data deletion, ads' part (the `BuyerDataDeleted` subscriber, in the deletion's transaction)."""

from django.db.models import Q

from wanshang.ads.traffic_models import AdClick


def ad_clicks_forget(*, user_id: int, visitors) -> int:
    """The buyer's ad clicks stay (they were charged, and conversions point at them) but lose the buyer and the
    browser: user and visitor are cleared. Impressions keep only a visitor cookie id, which nothing links to the
    buyer any more once these, the events and the orders' visitors are gone. Returns the clicks unlinked."""
    who = Q(user_id=user_id)
    visitors = [v for v in visitors if v]
    if visitors:
        who |= Q(visitor__in=visitors)
    return AdClick.objects.filter(who).update(user_id=None, visitor="")
