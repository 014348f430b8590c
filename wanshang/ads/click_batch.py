"""Settle a batch of spooled clicks, inside the ingest job's transaction (adspool.py): one pass per batch.

1. Replays are dropped: a token hash already in the batch or among the recorded clicks (one look-up for the
   batch) adds nothing. The insert itself skips a hash another ingester recorded meanwhile (ON CONFLICT DO
   NOTHING on the unique token_hash), and only the rows it inserted are charged.
2. The dedupe window, in time order: a valid click of a visitor on an ad is a `duplicate` when a valid click
   (charged or unpaid) of the same visitor on the same ad lies within AdSettings' window before it, in this
   batch or recorded (one look-up). Ingesters on other files take turns here (the `clicks` row of
   AdSpoolCursor is locked until the commit), so each sees the clicks the others settled.
3. The rows go in with one multi-row INSERT … RETURNING; the valid CPC clicks are charged through
   `accounts.ad_charge_batch` (the same hard limits as `ad_charge`, rows locked in its order, one ledger row per
   click with reference `adclick:<id>`), refused ones are `unpaid`, and the statuses are written with one UPDATE
   per outcome. A crash before the commit rolls all of it back with the cursor: the batch is settled again from
   the start, never charged twice.
4. After the commit the serving processes re-read their stop lists once (a plan may have reached its stop).
"""

import json
from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction

from wanshang.ads.accounts import ChargeItem, ad_charge_batch
from wanshang.ads.models import AdKeyword
from wanshang.ads.rules import ad_settings
from wanshang.ads.serving import state_invalidate
from wanshang.ads.traffic_models import AdClick, AdSpoolCursor, Placement

S = AdClick.Status
# a spooled click's fields (adspool.py writes and reads its lines in this order)
CLICK_FIELDS = (
    "ts",
    "token_hash",
    "issued_at",
    "page_view",
    "shop_id",
    "plan_id",
    "group_id",
    "keyword_id",
    "product_id",
    "position",
    "query",
    "visitor",
    "user_id",
    "terminal",
    "price_fen",
    "status",
    "reason",
    "placement",
    "creative_id",
    "crowd_id",
    "billing",
)
# the AdClick columns written: the spooled fields but the billing (a CPM ad's click is charged nothing), and
# what the settlement decides
ROW_FIELDS = (*(f for f in CLICK_FIELDS if f != "billing"), "charged_fen")
CLICKS_LOCK = "clicks"  # an AdSpoolCursor row that is no file: the lock of click settlement
INSERT_ROWS = 500  # rows per INSERT statement (SQLite's limit on parameters)


def clicks_settle(clicks: list[dict]) -> int:
    """Record and charge spooled clicks (dicts of CLICK_FIELDS); returns the clicks recorded."""
    # Ingesters of other files wait here until this batch commits: the replay and window look-ups below then
    # see every click settled before (the impressions of the batch are already in, unblocked).
    AdSpoolCursor.objects.get_or_create(name=CLICKS_LOCK)
    AdSpoolCursor.objects.select_for_update().filter(name=CLICKS_LOCK).values_list("pk").get()
    fresh = _unseen(clicks)
    if not fresh:
        return 0
    fresh.sort(key=lambda c: (c["ts"], c["token_hash"]))
    _window_apply(fresh, timedelta(minutes=ad_settings().click_dedup_minutes))
    for c in fresh:
        c["charged_fen"] = 0
        if c["placement"] not in Placement.values:
            c["placement"] = Placement.SEARCH
        if c["status"]:
            continue
        if c["billing"] == "cpm":  # paid by its impressions: a valid click, charged nothing
            c["status"], c["reason"] = S.CHARGED, "cpm"
        else:
            c["status"], c["reason"], c["charge"] = S.UNPAID, "pending", True  # settled below
    ids = _insert(fresh)
    due = [c for c in fresh if c.get("charge") and c["token_hash"] in ids]
    if due:
        _charge(due, ids)
        transaction.on_commit(state_invalidate)
    return len(ids)


def _among(column: str, values: list) -> tuple[str, list]:
    """SQL for `column` among `values` with one parameter (an array on PostgreSQL, a JSON list on SQLite):
    thousands of placeholders cost the ORM and the driver more than the query costs the database."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608 - a column name


def _unseen(clicks: list[dict]) -> list[dict]:
    first: dict[str, dict] = {}
    for c in clicks:
        first.setdefault(c["token_hash"], c)
    meta, quote = AdClick._meta, connection.ops.quote_name
    column = quote(meta.get_field("token_hash").column)
    where, params = _among(column, list(first))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {quote(meta.db_table)} WHERE {where}", params)  # noqa: S608
        seen = {row[0] for row in cur.fetchall()}
    return [c for h, c in first.items() if h not in seen]


def _window_apply(clicks: list[dict], window: timedelta) -> None:
    """Mark repeats within the window `duplicate` (clicks in time order)."""
    valid = [c for c in clicks if not c["status"] and c["visitor"]]
    if not valid:
        return
    earlier: dict[tuple, list] = defaultdict(list)
    recorded = AdClick.objects.filter(
        visitor__in={c["visitor"] for c in valid},
        group_id__in={c["group_id"] for c in valid},
        status__in=(S.CHARGED, S.UNPAID),
        ts__gt=valid[0]["ts"] - window,
        ts__lte=valid[-1]["ts"],
    ).values_list("visitor", "group_id", "ts")
    for who, group_id, ts in recorded:
        earlier[(who, group_id)].append(ts)
    for c in valid:
        key = (c["visitor"], c["group_id"])
        if any(c["ts"] - window < ts <= c["ts"] for ts in earlier[key]):
            c["status"], c["reason"] = S.DUPLICATE, "window"
        else:
            earlier[key].append(c["ts"])


def _insert(clicks: list[dict]) -> dict[str, int]:
    """INSERT … ON CONFLICT (token_hash) DO NOTHING RETURNING: {token hash: id} of the rows inserted. On
    PostgreSQL the rows travel as one array per column (`unnest`): a statement with thousands of placeholders
    costs the driver more to parse than the insert costs the server."""
    meta = AdClick._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(f) for f in ROW_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    key = quote(meta.get_field("token_hash").column)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
    tail = f" ON CONFLICT ({key}) DO NOTHING RETURNING {quote('id')}, {key}"
    clicks = sorted(
        clicks, key=lambda c: c["token_hash"]
    )  # one order for every ingester: no deadlock on the key
    ids = {}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            cur.execute(
                f"{head}SELECT * FROM unnest({arrays}){tail}",  # noqa: S608 - names and types from the model
                [[c[f] for c in clicks] for f in ROW_FIELDS],
            )
            return {token_hash: pk for pk, token_hash in cur.fetchall()}
        adapt = connection.ops.adapt_datetimefield_value
        one = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(clicks), INSERT_ROWS):
            part = clicks[start : start + INSERT_ROWS]
            params = []
            for c in part:
                params.extend(adapt(c[f]) if f in ("ts", "issued_at") else c[f] for f in ROW_FIELDS)
            cur.execute(f"{head}VALUES {', '.join([one] * len(part))}{tail}", params)  # noqa: S608
            ids.update((token_hash, pk) for pk, token_hash in cur.fetchall())
    return ids


def _charge(due: list[dict], ids: dict[str, int]) -> None:
    keywords = set(
        AdKeyword.objects.filter(pk__in={c["keyword_id"] for c in due}).values_list("pk", "group_id")
    )
    results = ad_charge_batch(
        items=[
            ChargeItem(
                ref=f"adclick:{ids[c['token_hash']]}",
                group_id=c["group_id"],
                price_fen=c["price_fen"],
                keyword_id=c["keyword_id"] if (c["keyword_id"], c["group_id"]) in keywords else None,
                now=c["ts"],
            )
            for c in due
        ]
    )
    outcomes: dict[tuple, list[int]] = defaultdict(list)
    for c in due:
        pk = ids[c["token_hash"]]
        result = results[f"adclick:{pk}"]
        if result.charged:
            outcomes[(S.CHARGED, "")].append(pk)
        elif result.invalid:
            outcomes[(S.INVALID, result.reason[:40])].append(pk)
        else:
            outcomes[(S.UNPAID, result.reason[:40])].append(pk)
    meta, quote = AdClick._meta, connection.ops.quote_name
    price = quote(meta.get_field("price_fen").column)
    with connection.cursor() as cur:
        for (status, reason), pks in outcomes.items():
            where, params = _among(quote(meta.pk.column), pks)
            cur.execute(
                f"UPDATE {quote(meta.db_table)} SET {quote('status')} = %s, {quote('reason')} = %s, "  # noqa: S608
                f"{quote('charged_fen')} = {price if status == S.CHARGED else 0} WHERE {where}",
                [status, reason, *params],
            )
