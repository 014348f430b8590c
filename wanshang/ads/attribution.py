"""Orders attributed to ad clicks (the `OrdersPaid` subscriber, after commit).

Each paid order line goes to the buyer's **last valid click** (charged, a repeat within the dedupe window, or
one the budget could not pay: all real clicks; never a bot's or an invalid one) on an ad of that line's
product, made within AdSettings' attribution window (default 15 days) before the payment. The buyer is found
by the clicks' logged-in user id, by the visitor cookie the order was placed from (`OrderFacts.visitor`), and by
every visitor cookie the buyer was seen under while logged in (analytics' `buyer_visitor_ids`). One conversion
per order line: a replayed event finds the row and adds nothing.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from wanshang.ads.rules import ad_settings
from wanshang.ads.traffic_models import AdClick, AdConversion
from wanshang.analytics.selectors import buyer_visitor_ids

ATTRIBUTABLE = (AdClick.Status.CHARGED, AdClick.Status.DUPLICATE, AdClick.Status.UNPAID)


def conversions_record(*, orders, at=None) -> int:
    """Attribute the paid orders' lines (OrderFacts) to ad clicks. Returns the conversions written."""
    at = at or timezone.now()
    window = timedelta(days=ad_settings().attribution_days)
    made = 0
    for order in orders:
        product_ids = {line.product_id for line in order.lines}
        if not product_ids:
            continue
        visitors = {v for v in {order.visitor, *buyer_visitor_ids(user_id=order.buyer_id)} if v}
        who = Q(user_id=order.buyer_id) | Q(visitor__in=visitors) if visitors else Q(user_id=order.buyer_id)
        clicks = AdClick.objects.filter(
            who, product_id__in=product_ids, status__in=ATTRIBUTABLE, ts__gt=at - window, ts__lte=at
        ).order_by("-ts", "-id")
        last: dict[int, AdClick] = {}
        for click in clicks:
            last.setdefault(click.product_id, click)
        for line in order.lines:
            click = last.get(line.product_id)
            if click is None or AdConversion.objects.filter(line_id=line.line_id).exists():
                continue
            try:
                with transaction.atomic():
                    AdConversion.objects.create(
                        shop_id=click.shop_id,
                        click=click,
                        order_id=order.order_id,
                        line_id=line.line_id,
                        plan_id=click.plan_id,
                        group_id=click.group_id,
                        keyword_id=click.keyword_id,
                        product_id=line.product_id,
                        query=click.query,
                        quantity=line.quantity,
                        amount_fen=line.payable_fen,
                        paid_at=at,
                        placement=click.placement,
                    )
                made += 1
            except IntegrityError:  # the same line attributed by a concurrent retry
                continue
    return made
