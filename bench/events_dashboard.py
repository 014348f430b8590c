#!/usr/bin/env python
"""数据中心 at scale: bulk-generate millions of events, time the rollup and every dashboard read.

    .venv/bin/python bench/events_dashboard.py load --db postgres --to 1000000 --fresh   # new DB, 1 M events
    .venv/bin/python bench/events_dashboard.py load --db postgres --to 3000000           # add 2 M more
    .venv/bin/python bench/events_dashboard.py rollup --db postgres                      # rollup_pending()
    .venv/bin/python bench/events_dashboard.py measure --db postgres --reps 20           # p50/p95 of each read

Database: `wanshang_bench_events` on PostgreSQL, `$WANSHANG_VAR_DIR/events/events.sqlite3` on SQLite (bench/_events.py).
`load --fresh` drops it, migrates, opens 15 shops through the merchants services with 20–400 products each, and
fixes the data's "now" (the anchor, the current minute; kept in events-<db>.json next to the SQLite file). Each `load`
adds one layer of generated traffic (bench/_events.py: Traffic, a new seed per layer) over the 60 local days ending at
the anchor, so the marketplace gets busier; PostgreSQL gets it by COPY (psycopg `cursor.copy`) with the indexes in
place and is ANALYZEd after, SQLite by executemany in transactions of 200,000 rows.

`rollup` also times the boards job (wanshang/insights/boards.py): a full build of every stored board, a quiet tick
(today's boards only), and a rollup + boards tick with nothing new; `boards` times the boards job alone. The
reads then use the stored boards (they live in the database, so clearing the cache keeps them); a dashboard's
row says `precomputed`.

`measure` times each read `--reps` times after one untimed call, with `now` = the anchor (so "today" is the same
whenever it runs) and the Django cache cleared before each timed call (cold; the peers' figures are cached there),
plus warm variants (cache kept) for the reads that cache. After the timing, one more call of each runs under
CaptureQueriesContext: SQL statements, their total time and the slowest one. One `RESULT {json}` line per command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
import _events  # noqa: E402

NAME = "events"
DAYS = 60


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    load = sub.add_parser("load", help="add generated events up to --to")
    load.add_argument("--to", type=int, required=True, help="total events wanted after this layer")
    load.add_argument("--fresh", action="store_true", help="drop the database and start again")
    load.add_argument("--seed", type=int, default=1)
    load.add_argument("--days", type=int, default=DAYS)
    roll = sub.add_parser("rollup", help="time rollup_pending(), one day's rebuild and the boards job")
    sub.add_parser("boards", help="time the boards job only (after a rollup)")
    measure = sub.add_parser("measure", help="time the dashboard reads")
    measure.add_argument("--reps", type=int, default=20)
    measure.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="stop a read's repetitions after this many seconds (at least 5 calls)",
    )
    measure.add_argument("--only", default="", help="comma-separated name prefixes to run")
    for sp in (load, roll, measure, sub.choices["boards"]):
        sp.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    return p.parse_args(argv)


def event_count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM analytics_event")
        return cur.fetchone()[0]


def table_sizes() -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname IN ('analytics_event', 'analytics_visitorday')"
        )
        return {name: round(size / 2**20) for name, size in cur.fetchall()}


# --- load ---------------------------------------------------------------------------------------------------------


def cmd_load(args) -> dict:
    meta = None if args.fresh else _events.meta_load(args.db, NAME)
    url = _events.use_database(args.db, NAME, fresh=args.fresh or meta is None)
    if meta is None:
        t = time.perf_counter()
        plan = _events.seed_catalog(args.seed)
        anchor = datetime.now(_events.TZ).replace(second=0, microsecond=0)
        meta = {
            "anchor": anchor.isoformat(),
            "days": args.days,
            "seed": args.seed,
            "plan": plan,
            "layers": [],
        }
        _events.meta_save(args.db, NAME, meta)
        print(
            f"catalog: {len(plan['shops'])} shops, {sum(len(s['products']) for s in plan['shops'])} products "
            f"in {time.perf_counter() - t:.1f}s; anchor {anchor}",
            flush=True,
        )
    before = event_count()
    want = args.to - before
    if want <= 0:
        raise SystemExit(f"the database already has {before} events")
    layer = len(meta["layers"]) + 1
    traffic = _events.Traffic(
        meta["plan"],
        anchor=datetime.fromisoformat(meta["anchor"]),
        days=meta["days"],
        n_events=want,
        seed=meta["seed"],
        layer=layer,
    )
    load0 = _common.loadavg()
    t = time.perf_counter()
    if args.db == "postgres":
        n = _events.load_postgres(url, traffic.batches())
    else:
        n = _events.load_sqlite(_events.sqlite_path(url), traffic.batches())
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE analytics_event")
    analyze_s = time.perf_counter() - t
    total = event_count()
    meta["layers"].append({"layer": layer, "rows": n, **traffic.counts})
    _events.meta_save(args.db, NAME, meta)
    return {
        "bench": "events_load",
        "db": _common.db_label(url),
        "layer": layer,
        "rows": n,
        "events_total": total,
        "generate_and_insert_s": round(load_s, 1),
        "rows_per_s": round(n / load_s),
        "analyze_s": round(analyze_s, 1),
        **{k: v for k, v in traffic.counts.items() if k != "events"},
        "sizes_mb": table_sizes(),
        "loadavg_before": load0,
        "loadavg_after": _common.loadavg(),
    }


# --- rollup -------------------------------------------------------------------------------------------------------


def cmd_rollup(args) -> dict:
    meta = _events.meta_load(args.db, NAME)
    if meta is None:
        raise SystemExit("no data: run `load --fresh` first")
    url = _events.use_database(args.db, NAME, fresh=False)
    from wanshang.analytics.models import Event, RollupState, VisitorDay
    from wanshang.analytics.rollup import local_day, pending_days, rollup_day, rollup_pending

    load0 = _common.loadavg()
    upto = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    t = time.perf_counter()
    days = pending_days(upto_id=upto)
    pending_s = time.perf_counter() - t
    t = time.perf_counter()
    built = rollup_pending()
    full_s = time.perf_counter() - t
    anchor = datetime.fromisoformat(meta["anchor"])
    today = local_day(anchor)
    t = time.perf_counter()
    today_rows = rollup_day(today)  # what every scheduler tick redoes while today's events keep arriving
    today_s = time.perf_counter() - t
    yesterday = today - timedelta(days=1)
    t = time.perf_counter()
    rollup_day(yesterday)
    day_s = time.perf_counter() - t
    events_day = Event.objects.filter(
        ts__gte=datetime.combine(yesterday, datetime.min.time(), tzinfo=_events.TZ),
        ts__lt=datetime.combine(today, datetime.min.time(), tzinfo=_events.TZ),
    ).count()
    if _common.db_label(url) == "PostgreSQL":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE analytics_visitorday")
    boards = boards_timing(anchor)
    return {
        "bench": "events_rollup",
        "db": _common.db_label(url),
        "events_total": event_count(),
        "days_pending": len(days),
        "pending_days_s": round(pending_s, 2),
        "days_built": built,
        "rollup_pending_s": round(full_s, 1),
        "per_day_s": round(full_s / max(built, 1), 2),
        "visitor_day_rows": VisitorDay.objects.count(),
        "rollup_states": RollupState.objects.count(),
        "today_rows": today_rows,
        "rollup_today_s": round(today_s, 2),
        "rollup_yesterday_s": round(day_s, 2),
        "events_yesterday": events_day,
        "events_per_s_yesterday": round(events_day / day_s) if day_s else None,
        **boards,
        "sizes_mb": table_sizes(),
        "loadavg_before": load0,
        "loadavg_after": _common.loadavg(),
    }


def cmd_boards(args) -> dict:
    meta = _events.meta_load(args.db, NAME)
    if meta is None:
        raise SystemExit("no data: run `load --fresh` first")
    url = _events.use_database(args.db, NAME, fresh=False)
    load0 = _common.loadavg()
    timing = boards_timing(datetime.fromisoformat(meta["anchor"]))
    return {
        "bench": "events_boards",
        "db": _common.db_label(url),
        "events_total": event_count(),
        **timing,
        "loadavg_before": load0,
        "loadavg_after": _common.loadavg(),
    }


def boards_timing(anchor) -> dict:
    """The boards job: a full build of every due board (all scopes, 7/30 days and the periods before), then
    a tick with nothing new (what the minute job costs on a quiet minute), then a rollup tick + boards tick."""
    from wanshang.analytics.rollup import rollup_pending
    from wanshang.insights.boards import boards_build_due
    from wanshang.insights.models import PeriodBoard
    from wanshang.merchants.selectors import shops_main_category

    shop_ids = shops_main_category().keys()
    PeriodBoard.objects.all().delete()
    t = time.perf_counter()
    written = boards_build_due(now=anchor, shop_ids=shop_ids)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    again = boards_build_due(now=anchor, shop_ids=shop_ids)
    quiet_s = time.perf_counter() - t
    t = time.perf_counter()
    rollup_pending(now=anchor)
    boards_build_due(now=anchor, shop_ids=shop_ids)
    tick_s = time.perf_counter() - t
    trade: dict = {}
    try:  # the 交易报表's stored days (insights/tradestore.py), on code that has them
        from wanshang.insights import tradestore
    except ImportError:
        tradestore = None
    if tradestore is not None:
        tradestore.TradeDay.objects.all().delete()
        t, n = time.perf_counter(), 0
        while built := tradestore.trade_days_build_due(now=anchor):
            n += built
        trade["trade_days_built"] = n
        trade["trade_days_build_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        tradestore.trade_days_build_due(now=anchor)
        trade["trade_days_quiet_tick_s"] = round(time.perf_counter() - t, 3)
    try:  # the 客户分析 buyer days (insights/rfmstore.py), on code that has them
        from wanshang.insights import rfmstore
    except ImportError:
        rfmstore = None
    if rfmstore is not None:
        rfmstore.RfmDay.objects.all().delete()
        t, n, ticks = time.perf_counter(), 0, 0
        while built := rfmstore.rfm_days_build_due(now=anchor):
            n, ticks = n + built, ticks + 1
        trade["rfm_days_built"] = n
        trade["rfm_days_build_s"] = round(time.perf_counter() - t, 2)
        trade["rfm_days_build_ticks"] = ticks
        trade["rfm_buyer_day_rows"] = rfmstore.RfmBuyerDay.objects.count()
        t = time.perf_counter()
        rfmstore.rfm_days_build_due(now=anchor)
        trade["rfm_days_quiet_tick_s"] = round(time.perf_counter() - t, 3)
    return {
        **trade,
        "boards_written": written,
        "boards_build_s": round(build_s, 2),
        "boards_rewritten_on_quiet_tick": again,
        "boards_quiet_tick_s": round(quiet_s, 3),
        "rollup_and_boards_quiet_tick_s": round(tick_s, 3),
    }


# --- measure ------------------------------------------------------------------------------------------------------


def reads(meta: dict) -> list[tuple[str, object, bool]]:
    """(name, call, uses the cache) of every read measured."""
    from wanshang.insights import selectors
    from wanshang.insights.metrics import MARKETPLACE
    from wanshang.merchants.models import Shop

    now = datetime.fromisoformat(meta["anchor"])
    shops = {s["rank"]: s["id"] for s in meta["plan"]["shops"]}
    big, mid = Shop.objects.get(pk=shops[1]), Shop.objects.get(pk=shops[5])
    out: list[tuple[str, object, bool]] = []
    for key in ("today", "7d", "30d"):
        out.append(
            (
                f"seller_overview.{key}",
                lambda k=key: selectors.dashboard(scope=big, period_key=k, now=now),
                True,
            )
        )
    for key in ("today", "7d", "30d"):
        out.append(
            (
                f"seller_overview_mid.{key}",
                lambda k=key: selectors.dashboard(scope=mid, period_key=k, now=now),
                True,
            )
        )
    for key in ("today", "7d", "30d"):
        out.append(
            (f"products.{key}", lambda k=key: selectors.products(shop=big, period_key=k, now=now), False)
        )
    for key in ("7d", "30d"):
        out.append(
            (f"competition.{key}", lambda k=key: selectors.competition(shop=big, period_key=k, now=now), True)
        )
    for key in ("today", "7d", "30d"):
        out.append(
            (
                f"platform_overview.{key}",
                lambda k=key: selectors.dashboard(scope=MARKETPLACE, period_key=k, now=now),
                False,
            )
        )
        out.append(
            (f"platform_top_shops.{key}", lambda k=key: selectors.top_shops(period_key=k, now=now), False)
        )
    try:
        from wanshang.insights import trade
    except ImportError:
        trade = None
    if trade is not None:
        for days in (7, 30):
            rng = trade.trade_range(
                start=now.date() - timedelta(days=days - 1), end=now.date(), today=now.date()
            )
            out.append(
                (f"trade_shop.{days}d", lambda r=rng: trade.trade_report(shop=big, rng=r, now=now), False)
            )
            out.append(
                (f"trade_platform.{days}d", lambda r=rng: trade.platform_trade_report(rng=r, now=now), False)
            )
    try:
        from wanshang.insights import customers
    except ImportError:
        customers = None
    if customers is not None:

        def customers_page(shop=big):
            rfm = customers.rfm_compute(shop=shop, window_days=365, now=now)
            customers.rfm_segment_rows(rfm)
            customers.repurchase(shop=shop, window_days=365, now=now, rfm=rfm)
            customers.cohorts(shop=shop, months=12, now=now)

        out.append(("rfm.365d", lambda: customers.rfm_compute(shop=big, window_days=365, now=now), False))
        out.append(("customers_page.365d", customers_page, False))

        def segment_buyers(shop=big):  # the drill-down: one segment's buyers, as the page lists them
            rfm = customers.rfm_compute(shop=shop, window_days=365, now=now)
            customers.rfm_segment_buyers(rfm, customers.SEGMENTS[0])

        out.append(("rfm_segment_buyers.365d", segment_buyers, False))
    try:
        from wanshang.insights import anomaly
    except ImportError:
        anomaly = None
    if anomaly is not None:
        ids = list(Shop.objects.filter(status=Shop.Status.OPEN).values_list("pk", flat=True))

        def scan(hours: int):
            keys = anomaly.hours_to_scan(now=now, since=now - timedelta(hours=hours))
            return anomaly.payment_gaps_find(keys=keys, shop_ids=ids)

        out.append(("anomaly_tick.1h", lambda: scan(1), False))
        out.append(("anomaly_first.48h", lambda: scan(48), False))
    return out


def sql_profile(fn) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        fn()
        total = time.perf_counter() - t
    qs = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    qs.sort(key=lambda x: -x[0])
    sql_s = sum(t for t, _sql in qs)
    return {
        "calls_ms": round(total * 1000, 1),
        "sql_n": len(qs),
        "sql_ms": round(sql_s * 1000, 1),
        "slowest_ms": round(qs[0][0] * 1000, 1) if qs else 0,
        "slowest_sql": qs[0][1][:400] if qs else "",
    }


def cmd_measure(args) -> dict:
    meta = _events.meta_load(args.db, NAME)
    if meta is None:
        raise SystemExit("no data: run `load --fresh` first")
    url = _events.use_database(args.db, NAME, fresh=False)
    from django.core.cache import cache

    _common.require_current_schema()
    only = [p for p in args.only.split(",") if p]
    load0 = _common.loadavg()
    results = {}
    for name, fn, cached in reads(meta):
        if only and not any(name.startswith(p) for p in only):
            continue
        variants = [("", True)] + ([(".warm", False)] if cached else [])
        for suffix, clear in variants:
            cache.clear()
            out = fn()  # untimed: fills the cache for .warm, the database's buffers for both
            stored = out.get("precomputed") if isinstance(out, dict) else None
            times = []
            l0 = _common.loadavg()
            for _ in range(args.reps):
                if clear:
                    cache.clear()
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
                if sum(times) > args.budget and len(times) >= 5:
                    break
            times.sort()
            row = {
                "n": len(times),
                "p50_ms": round(_common.percentile(times, 50) * 1000, 1),
                "p95_ms": round(_common.percentile(times, 95) * 1000, 1),
                "max_ms": round(times[-1] * 1000, 1),
                "load": [l0, _common.loadavg()],
            }
            if stored is not None:  # a dashboard: did it read the stored boards?
                row["precomputed"] = stored
            if clear:
                cache.clear()
                row.update(sql_profile(fn))
            results[name + suffix] = row
            print(
                f"{name + suffix:32s} n={row['n']:3d} p50 {row['p50_ms']:9.1f} ms  p95 {row['p95_ms']:9.1f} ms"
                + (
                    f"  SQL {row['sql_n']} q {row['sql_ms']} ms (slowest {row['slowest_ms']} ms)"
                    if clear
                    else ""
                )
                + f"  load {row['load'][0]}→{row['load'][1]}",
                flush=True,
            )
    return {
        "bench": "events_dashboard",
        "db": _common.db_label(url),
        "events_total": event_count(),
        "anchor": meta["anchor"],
        "reps": args.reps,
        "reads": results,
        "sizes_mb": table_sizes(),
        "loadavg_before": load0,
        "loadavg_after": _common.loadavg(),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    result = {"load": cmd_load, "rollup": cmd_rollup, "measure": cmd_measure, "boards": cmd_boards}[args.cmd](
        args
    )
    print("RESULT " + json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
