#!/usr/bin/env python
"""Event ingestion: the cost of tracking on the request path, and how fast the spool gets into the database.

    .venv/bin/python bench/events_ingest.py                       # SQLite ($WANSHANG_VAR_DIR/events/ingest.sqlite3)
    .venv/bin/python bench/events_ingest.py --db postgres         # postgres://…/wanshang_bench_ingest (re-created)
    .venv/bin/python bench/events_ingest.py --procs 4 --threads 2 --events 50000

1. **track** (the request path): `--procs` processes × `--threads` threads, each inside its own `Visit`, call
   `wanshang.analytics.tracking.track("pv", …)` `--events` times with a product page's fields; every call is timed
   (µs per event, p50/p99) and the aggregate rate is events over the wall time of all writers. The same with one
   writer, and `collector.spool()` with lists of 100 records (a job writing many events at once).
2. **ingest**: `wanshang.analytics.collector.ingest()` then inserts what the spool holds (every event written in
   step 1), timed, in events/s; the database must end with exactly as many events as were written.
3. **page overhead**: `TrackingMiddleware` around a stub storefront product view (it names its shop/product like
   the real view does, returns a small HTML page) against the stub alone, on RequestFactory requests: a new visitor
   (no cookies) and a returning one (cookies and a search-page referrer). The difference is what tracking adds to a
   page, whatever the page costs itself.

`--transport redis` does the same through the Redis stream transport (analytics/stream.py: one XADD per call, the
ingest job's consumer group) on `--redis-url` (a stream key of this run's own, deleted at the end); `--transport
both` alternates spool and redis in one run, `--rounds` times in the order spool, redis, redis, spool, … so drift
of a shared machine's load falls on both alike.

    .venv/bin/python bench/events_ingest.py --db postgres --transport both --rounds 2 --redis-url redis://127.0.0.1:6379/9

One `RESULT {json}` line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
import _events  # noqa: E402

NAME = "ingest"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--procs", type=int, default=4, help="writer processes (like web workers)")
    p.add_argument("--threads", type=int, default=2, help="threads per writer process")
    p.add_argument("--events", type=int, default=50_000, help="track() calls per thread")
    p.add_argument("--requests", type=int, default=20_000, help="middleware calls per variant")
    p.add_argument("--transport", choices=["spool", "redis", "both"], default="spool")
    p.add_argument("--rounds", type=int, default=1, help="with --transport both: spool/redis pairs")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""), help="for --transport redis")
    p.add_argument("--db-name", default=NAME, help="the throwaway database's name part")
    return p.parse_args(argv)


def stats_us(ns: list[int]) -> dict:
    ns.sort()
    return {
        "p50_us": round(_common.percentile(ns, 50) / 1000, 1),
        "p99_us": round(_common.percentile(ns, 99) / 1000, 1),
        "max_us": round(ns[-1] / 1000, 1),
        "mean_us": round(sum(ns) / len(ns) / 1000, 1),
    }


# --- 1. track ---------------------------------------------------------------------------------------------------


def _writer_thread(n: int, seed: int, batch: int, out: list) -> None:
    import random

    from wanshang.analytics.collector import EventRecord, spool
    from wanshang.analytics.tracking import Visit, track, track_page, visit_begin, visit_end

    rng = random.Random(seed)
    visit = Visit(
        visitor=f"{rng.getrandbits(128):032x}",
        session=f"{rng.getrandbits(128):032x}",
        user_id=None,
        terminal="h5",
    )
    token = visit_begin(visit)
    lat = []
    clock = time.perf_counter_ns
    try:
        if batch == 1:
            for i in range(n):
                pid = 1000 + i % 500
                t = clock()
                track_page(None, shop_id=7, product_id=pid, category_id=3)
                track(
                    "pv",
                    user_id=None,
                    shop_id=7,
                    product_id=pid,
                    category_id=3,
                    page_type="product",
                    source="search",
                    ref_host="",
                    query="",
                )
                lat.append(clock() - t)
        else:
            from django.utils import timezone

            for _ in range(n // batch):
                t = clock()
                now = timezone.now()
                spool(
                    [
                        EventRecord(
                            kind="pv",
                            ts=now,
                            visitor=visit.visitor,
                            session=visit.session,
                            shop_id=7,
                            product_id=1000 + k,
                            category_id=3,
                            page_type="product",
                            source="search",
                            terminal="h5",
                        )
                        for k in range(batch)
                    ]
                )
                lat.append((clock() - t) // batch)
    finally:
        visit_end(token)
    out.append(lat)


def _writer_process(args) -> dict:
    proc, threads, n, batch = args
    results: list = []
    ts = [
        threading.Thread(target=_writer_thread, args=(n, proc * 100 + k, batch, results))
        for k in range(threads)
    ]
    start = time.time()
    cpu0 = time.process_time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return {
        "start": start,
        "end": time.time(),
        "cpu_s": time.process_time() - cpu0,
        "lat": [x for lat in results for x in lat],
    }


def run_writers(procs: int, threads: int, n: int, batch: int = 1) -> dict:
    from django.db import connections

    connections.close_all()  # nothing below touches the database; a forked child must not share a connection
    load0 = _common.loadavg()
    with ProcessPoolExecutor(max_workers=procs, mp_context=get_context("fork")) as pool:
        parts = list(pool.map(_writer_process, [(p, threads, n, batch) for p in range(procs)]))
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    lat = [x for p in parts for x in p["lat"]]
    events = (n // batch) * batch * procs * threads
    return {
        "procs": procs,
        "threads": threads,
        "batch": batch,
        "events": events,
        "wall_s": round(wall, 2),
        "events_per_s": round(events / wall),
        "cpu_us_per_event": round(sum(p["cpu_s"] for p in parts) / events * 1e6, 1),
        **stats_us(lat),
        "loadavg": [load0, _common.loadavg()],
    }


# --- 3. middleware ----------------------------------------------------------------------------------------------


def middleware_overhead(n: int) -> dict:
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from wanshang.analytics.tracking import SESSION_COOKIE, VISITOR_COOKIE, TrackingMiddleware, track_page

    match = resolve("/p/1234/")
    body = "<html><body>" + "商品详情" * 200 + "</body></html>"

    def view(request):
        request.resolver_match = match  # what the URL resolver sets before the view runs
        track_page(request, shop_id=7, product_id=1234, category_id=3)
        return HttpResponse(body, content_type="text/html; charset=utf-8")

    wrapped = TrackingMiddleware(view)
    rf = RequestFactory()
    cookies = {VISITOR_COOKIE: "a" * 32, SESSION_COOKIE: "b" * 32}

    def make(returning: bool):
        req = rf.get(
            "/p/1234/",
            HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile",
            HTTP_REFERER="http://127.0.0.1/search/?q=手机" if returning else "",
            HTTP_HOST="127.0.0.1",
        )
        if returning:
            req.COOKIES.update(cookies)
        return req

    out = {}
    clock = time.perf_counter_ns
    for label, returning in (("new_visitor", False), ("returning_visitor", True)):
        for variant, fn in (("without", view), ("with", wrapped)):
            reqs = [make(returning) for _ in range(n)]
            for r in reqs[:200]:  # warm-up
                fn(r)
            lat = []
            for r in reqs[200:]:
                t = clock()
                fn(r)
                lat.append(clock() - t)
            out[f"{label}.{variant}"] = stats_us(lat)
        out[f"{label}.overhead_p50_us"] = round(
            out[f"{label}.with"]["p50_us"] - out[f"{label}.without"]["p50_us"], 1
        )
        out[f"{label}.overhead_mean_us"] = round(
            out[f"{label}.with"]["mean_us"] - out[f"{label}.without"]["mean_us"], 1
        )
    return out


def use_transport(name: str, redis_url: str, key: str) -> None:
    """Point collector.spool() at the spool folder or the Redis stream (writer processes fork after this)."""
    from django.conf import settings

    settings.WANSHANG = {
        **settings.WANSHANG,
        "ANALYTICS_TRANSPORT": name,
        "ANALYTICS_REDIS_URL": redis_url,
        "ANALYTICS_STREAM": key,
    }


def run_transport(name: str, args, spool_dir: Path, key: str) -> dict:
    """Writers then one ingest, through one transport; the events written must all land, once."""
    from wanshang.analytics import collector, stream
    from wanshang.analytics.models import Event

    use_transport(name, args.redis_url, key)
    in_db0 = Event.objects.count()
    out: dict = {"transport": name}
    writes = {}
    writes["track_1x1"] = run_writers(1, 1, args.events)
    print(f"[{name}] track, 1 writer:", json.dumps(writes["track_1x1"]), flush=True)
    label = f"track_{args.procs}x{args.threads}"
    writes[label] = run_writers(args.procs, args.threads, args.events)
    print(f"[{name}] track, {args.procs} proc × {args.threads} thr:", json.dumps(writes[label]), flush=True)
    writes["spool_batch100_1x1"] = run_writers(1, 1, args.events, batch=100)
    print(f"[{name}] spool(100 records), 1 writer:", json.dumps(writes["spool_batch100_1x1"]), flush=True)
    written = sum(w["events"] for w in writes.values())
    out["writes"] = writes
    if name == "redis":
        out["stream_entries"] = stream.client().xlen(key)
        out["stream_bytes"] = stream.client().memory_usage(key, samples=0)
    else:
        out["spool_bytes"] = sum(p.stat().st_size for p in spool_dir.glob("*.jsonl"))
        out["spool_files"] = len(list(spool_dir.glob("*.jsonl")))

    load0 = _common.loadavg()
    t = time.perf_counter()
    cpu0 = time.process_time()
    rows = collector.ingest(max_rows=10**9)
    took = time.perf_counter() - t
    cpu = time.process_time() - cpu0
    in_db = Event.objects.count() - in_db0
    out["ingest"] = {
        "rows": rows,
        "seconds": round(took, 2),
        "events_per_s": round(rows / took),
        "app_cpu_us_per_event": round(cpu / max(rows, 1) * 1e6, 1),
        "written": written,
        "in_database": in_db,
        "exact": in_db == written,
        "loadavg": [load0, _common.loadavg()],
    }
    print(f"[{name}] ingest:", json.dumps(out["ingest"]), flush=True)
    out["middleware"] = middleware_overhead(args.requests)
    print(f"[{name}] middleware:", json.dumps(out["middleware"]), flush=True)
    collector.ingest(max_rows=10**9)  # what the middleware wrote, so the spool or stream is left empty
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    spool_dir = _events.var_dir() / f"spool-{args.db}"
    shutil.rmtree(spool_dir, ignore_errors=True)
    spool_dir.mkdir(parents=True)
    os.environ["ANALYTICS_SPOOL_DIR"] = str(spool_dir)
    url = _events.use_database(args.db, args.db_name, fresh=True)
    if args.transport == "spool":
        order = ["spool"]
    elif args.transport == "redis":
        order = ["redis"]
    else:
        order = [
            t for r in range(args.rounds) for t in (("spool", "redis") if r % 2 == 0 else ("redis", "spool"))
        ]
    if "redis" in order and not args.redis_url:
        sys.exit("--transport redis needs --redis-url (or REDIS_URL)")
    key = f"wsbench-{os.getpid()}:events"

    result = {"bench": "events_ingest", "db": _common.db_label(url), "loadavg_before": _common.loadavg()}
    runs = []
    try:
        for name in order:
            runs.append(run_transport(name, args, spool_dir, key))
    finally:
        if "redis" in order:
            import redis

            redis.Redis.from_url(args.redis_url).delete(key)
    if len(runs) == 1:
        result.update(runs[0])
    else:
        result["runs"] = runs
    result["loadavg_after"] = _common.loadavg()
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
