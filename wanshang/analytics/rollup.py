"""The daily visitor rollup: `VisitorDay` rows rebuilt from the events of each day that changed.

A day is rebuilt whole (delete + insert in one transaction) whenever events newer than the last build
arrived for it, so the rollup can always be recomputed and a missed run catches up. Each event feeds up to
three scopes: the marketplace (shop NULL), its shop, and its product within the shop. A visitor's source
and terminal for a day and scope are those of the first page view there that day.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from wanshang.analytics.models import Event, EventKind, RollupState, VisitorDay

TRAFFIC_KINDS = (EventKind.PAGE_VIEW, EventKind.STAY, EventKind.CART_ADD, EventKind.FAVOURITE)
BATCH = 5000


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day (settings.TIME_ZONE) as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def local_day(ts: datetime) -> date:
    return timezone.localtime(ts).date()


def rollup_day(day: date, *, upto_id: int | None = None) -> int:
    """Rebuild one day's VisitorDay rows from its events. Returns the rows written."""
    start, end = day_bounds(day)
    upto_id = upto_id if upto_id is not None else (Event.objects.aggregate(m=Max("id"))["m"] or 0)
    acc: dict[tuple, list] = {}
    rows = (Event.objects.filter(ts__gte=start, ts__lt=end, kind__in=TRAFFIC_KINDS, id__lte=upto_id)
            .exclude(visitor="").order_by("ts", "id")
            .values_list("kind", "visitor", "user_id", "shop_id", "product_id", "page_type", "source", "terminal",
                         "duration_ms"))
    for kind, visitor, user_id, shop_id, product_id, page_type, source, terminal, duration in rows.iterator(
            chunk_size=BATCH):
        scopes = [(None, None)]
        if shop_id:
            scopes.append((shop_id, None))
            if product_id:
                scopes.append((shop_id, product_id))
        for scope in scopes:
            # [user_id, pv, product_pv, stay_ms, carts, favs, source, terminal]
            row = acc.get((scope, visitor))
            if row is None:
                row = acc[(scope, visitor)] = [None, 0, 0, 0, 0, 0, "", ""]
            if user_id:
                row[0] = user_id
            if kind == EventKind.PAGE_VIEW:
                if row[1] == 0:
                    row[6], row[7] = source, terminal
                row[1] += 1
                if page_type == "product":
                    row[2] += 1
            elif kind == EventKind.STAY:
                row[3] += duration
            elif kind == EventKind.CART_ADD:
                row[4] += 1
            else:
                row[5] += 1
    objs = [VisitorDay(day=day, shop_id=shop_id, product_id=product_id, visitor=visitor, user_id=r[0], pv=r[1],
                       product_pv=r[2], stay_ms=r[3], carts=r[4], favs=r[5], source=r[6], terminal=r[7])
            for ((shop_id, product_id), visitor), r in acc.items()]
    with transaction.atomic():
        VisitorDay.objects.filter(day=day).delete()
        VisitorDay.objects.bulk_create(objs, batch_size=BATCH)
        RollupState.objects.update_or_create(day=day, defaults={"max_event_id": upto_id})
    return len(objs)


def pending_days(*, upto_id: int) -> list[date]:
    """Days with traffic events newer than the last build (a missed run leaves them here until built)."""
    done = RollupState.objects.aggregate(m=Max("max_event_id"))["m"] or 0
    days = (Event.objects.filter(id__gt=done, id__lte=upto_id, kind__in=TRAFFIC_KINDS)
            .annotate(d=TruncDate("ts", tzinfo=timezone.get_current_timezone()))
            .values_list("d", flat=True).distinct())
    return sorted(set(days))


def rollup_pending(*, now=None) -> int:
    """Rebuild every day that has new events. Returns the number of days rebuilt."""
    upto = Event.objects.aggregate(m=Max("id"))["m"] or 0
    days = pending_days(upto_id=upto)
    for day in days:
        rollup_day(day, upto_id=upto)
    return len(days)
