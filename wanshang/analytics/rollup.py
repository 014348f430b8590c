"""The daily visitor rollup: `VisitorDay` rows rebuilt from the events of each day that changed.

A day is rebuilt whole (delete + insert in one transaction) once it is over, and again whenever events newer
than the last build arrive for it, so the rollup can always be recomputed and a missed run catches up. Today
is never rolled up: every figure about today is counted from the events directly. Each event feeds up to
three scopes: the marketplace (shop NULL), its shop, and its product within the shop. A visitor's source
and terminal for a day and scope are those of the first page view there that day.

A day's build mark (`RollupState`: the newest event id it covered, and when) is what the 数据中心's stored
period boards are keyed by (`wanshang/insights/boards.py`): any event of a complete day arriving late — a traffic
event or a money event — rebuilds that day, and a buyer's deletion request re-marks the days it touched, so
every board over those days is stale from then on.

On PostgreSQL a day is built by one `INSERT … SELECT` (grouping sets for the three scopes; the first page view's
source and terminal and the last logged-in user through ordered `array_agg`); elsewhere (SQLite) in Python. Both
give identical rows (`analytics/tests/test_rollup_sql.py`).
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from wanshang.analytics.models import Event, EventKind, RollupCursor, RollupState, VisitorDay
from wanshang.common.dates import day_bounds, local_day

TRAFFIC_KINDS = (EventKind.PAGE_VIEW, EventKind.STAY, EventKind.CART_ADD, EventKind.FAVOURITE)
BATCH = 5000
VD_COLUMNS = (
    "day, shop_id, product_id, visitor, user_id, pv, product_pv, stay_ms, carts, favs, source, terminal"
)
# One statement builds a day's rows for the three scopes. The grouping set (visitor, shop) drops the events
# without a shop (those are in the marketplace rows only), (visitor, shop, product) those without a product.
_ROLLUP_SQL = f"""
INSERT INTO analytics_visitorday ({VD_COLUMNS})
SELECT %s, shop_id, product_id, visitor,
  (array_agg(user_id ORDER BY ts DESC, id DESC) FILTER (WHERE user_id IS NOT NULL AND user_id <> 0))[1],
  COUNT(*) FILTER (WHERE kind = 'pv'),
  COUNT(*) FILTER (WHERE kind = 'pv' AND page_type = 'product'),
  COALESCE(SUM(duration_ms) FILTER (WHERE kind = 'stay'), 0),
  COUNT(*) FILTER (WHERE kind = 'cart'),
  COUNT(*) FILTER (WHERE kind = 'fav'),
  COALESCE((array_agg(source ORDER BY ts, id) FILTER (WHERE kind = 'pv'))[1], ''),
  COALESCE((array_agg(terminal ORDER BY ts, id) FILTER (WHERE kind = 'pv'))[1], '')
FROM analytics_event
WHERE ts >= %s AND ts < %s AND id <= %s AND visitor <> '' AND kind IN ('pv', 'stay', 'cart', 'fav')
GROUP BY GROUPING SETS ((visitor), (visitor, shop_id), (visitor, shop_id, product_id))
HAVING (GROUPING(shop_id) = 1 OR COALESCE(shop_id, 0) <> 0)
   AND (GROUPING(product_id) = 1 OR COALESCE(product_id, 0) <> 0)
"""  # noqa: S608 - constant SQL, values are parameters


def rollup_day(day: date, *, upto_id: int | None = None, in_sql: bool | None = None) -> int:
    """Rebuild one day's VisitorDay rows from its events. Returns the rows written.

    `in_sql` (default: on PostgreSQL) builds them with one INSERT … SELECT instead of in Python."""
    upto_id = upto_id if upto_id is not None else (Event.objects.aggregate(m=Max("id"))["m"] or 0)
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    if in_sql:
        start, end = day_bounds(day)
        with transaction.atomic():
            VisitorDay.objects.filter(day=day).delete()
            with connection.cursor() as cur:
                cur.execute(_ROLLUP_SQL, [day, start, end, upto_id])
                written = cur.rowcount
            RollupState.objects.update_or_create(day=day, defaults={"max_event_id": upto_id})
        return written
    objs = _rows_in_python(day, upto_id)
    with transaction.atomic():
        VisitorDay.objects.filter(day=day).delete()
        VisitorDay.objects.bulk_create(objs, batch_size=BATCH)
        RollupState.objects.update_or_create(day=day, defaults={"max_event_id": upto_id})
    return len(objs)


def _rows_in_python(day: date, upto_id: int) -> list[VisitorDay]:
    start, end = day_bounds(day)
    acc: dict[tuple, list] = {}
    rows = (
        Event.objects.filter(ts__gte=start, ts__lt=end, kind__in=TRAFFIC_KINDS, id__lte=upto_id)
        .exclude(visitor="")
        .order_by("ts", "id")
        .values_list(
            "kind",
            "visitor",
            "user_id",
            "shop_id",
            "product_id",
            "page_type",
            "source",
            "terminal",
            "duration_ms",
        )
    )
    for kind, visitor, user_id, shop_id, product_id, page_type, source, terminal, duration in rows.iterator(
        chunk_size=BATCH
    ):
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
    objs = [
        VisitorDay(
            day=day,
            shop_id=shop_id,
            product_id=product_id,
            visitor=visitor,
            user_id=r[0],
            pv=r[1],
            product_pv=r[2],
            stay_ms=r[3],
            carts=r[4],
            favs=r[5],
            source=r[6],
            terminal=r[7],
        )
        for ((shop_id, product_id), visitor), r in acc.items()
    ]
    return objs


def _new_days(*, after_id: int, upto_id: int) -> dict:
    """{local day: smallest new event id of that day} for events after the cursor, leaving out days whose
    last build already included every one of them. Every kind counts, money events too: the rollup rows are
    traffic only, but a day's build mark is what the stored boards (insights) are keyed by, and they hold
    the day's trade figures as well."""
    rows = list(
        Event.objects.filter(id__gt=after_id, id__lte=upto_id)
        .annotate(d=TruncDate("ts", tzinfo=timezone.get_current_timezone()))
        .values("d")
        .annotate(first=Min("id"), last=Max("id"))
        .values_list("d", "first", "last")
    )
    built = dict(
        RollupState.objects.filter(day__in=[d for d, _f, _l in rows]).values_list("day", "max_event_id")
    )
    return {d: first for d, first, last in rows if built.get(d, 0) < last}


def rollup_pending(*, now=None) -> int:
    """Rebuild every complete day that has new events. Returns the number of days rebuilt.

    The cursor moves past everything it built; new events of today (or a later day) hold it back, so they
    are looked at again once their day is over."""
    today = local_day(now or timezone.now())
    upto = Event.objects.aggregate(m=Max("id"))["m"] or 0
    cursor, _ = RollupCursor.objects.get_or_create(pk=1)
    new = _new_days(after_id=cursor.event_id, upto_id=upto)
    done = sorted(d for d in new if d < today)
    for day in done:  # each day in its own transaction: a long backfill never blocks the ingest for long
        rollup_day(day, upto_id=upto)
    waiting = [first for d, first in new.items() if d >= today]
    # a concurrent builder may have moved the cursor meanwhile: it only moves forward
    RollupCursor.objects.filter(pk=1, event_id__lt=upto).update(
        event_id=min(waiting) - 1 if waiting else upto, updated_at=timezone.now()
    )
    return len(done)


def build_marks(*, start: date, end: date) -> dict[date, str]:
    """{day: its build mark} for the days start..end that have been built: the newest event id the build
    covered and when it was built (a rebuild or a deletion request changes it)."""
    return {
        day: f"{upto}.{built.timestamp()}"
        for day, upto, built in RollupState.objects.filter(day__gte=start, day__lte=end).values_list(
            "day", "max_event_id", "built_at"
        )
    }


def remark_days(*, start: date, end: date) -> int:
    """Change the build mark of the built days start..end without rebuilding them (their rows changed in
    place, e.g. a buyer's deletion request). Returns the days re-marked."""
    return RollupState.objects.filter(day__gte=start, day__lte=end).update(built_at=timezone.now())


def pending_days(*, upto_id: int, now=None) -> list[date]:
    """Complete days with traffic events newer than the cursor (what the next run will build)."""
    today = local_day(now or timezone.now())
    cursor = RollupCursor.objects.filter(pk=1).values_list("event_id", flat=True).first() or 0
    return sorted(d for d in _new_days(after_id=cursor, upto_id=upto_id) if d < today)
