#!/usr/bin/env python
"""Place-order throughput through the real service `checkout.services.checkout_submit`.

    .venv/bin/python bench/place_orders.py --orders 1000 --threads 1                 # SQLite
    .venv/bin/python bench/place_orders.py --db postgres --orders 2000 --threads 4   # PostgreSQL

Needs a seeded bench database (bench/seed_catalog.py). Each checkout: a random buyer, their default
address, 1–3 SKUs from 1–2 shops (quantity 1–2, retail products in stock), a new idempotency key. The plan
is drawn from a fixed seed, so two runs place the same baskets. Then (unless --no-pay) every payment is
paid through `payments.services.sandbox_pay` (signed sandbox notification → orders paid, stock confirmed).

Concurrency: --workers processes (like web workers) × --threads threads each. Prints checkouts/s and orders/s (a two-shop checkout makes two orders under one payment), latency
p50/p99, the same for payments, and the consistency checks: every stock row equals the sum of its ledger,
reserved stock equals the units of unpaid orders, and a repeated idempotency key creates nothing.
Also prints one `RESULT {json}` line for bench/run_all.sh.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--orders", type=int, default=1000, help="checkouts to place (timed)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="concurrent processes, like web workers (default: 1 on SQLite, 4 on PostgreSQL)",
    )
    p.add_argument("--threads", type=int, default=None, help="threads per process (default 1)")
    p.add_argument("--warmup", type=int, default=20, help="untimed checkouts placed first")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--hot-skus",
        type=int,
        default=0,
        help="draw every basket from only this many SKUs (lock contention); 0 = the whole catalog",
    )
    p.add_argument("--no-pay", action="store_true", help="skip the payment pass")
    return p.parse_args(argv)


def load_world(hot_skus: int, rng: random.Random):
    """Buyers with their default address, and buyable retail SKUs grouped by shop."""
    from django.db.models import F

    from wanshang.accounts.models import Address
    from wanshang.inventory.models import Stock

    buyers = list(Address.objects.filter(is_default=True).order_by("user_id").values_list("user_id", "pk"))
    rows = (
        Stock.objects.filter(
            sku__is_active=True,
            sku__product__status="on_sale",
            sku__product__is_wholesale=False,
            sku__product__shop__status="open",
        )
        .annotate(avail=F("on_hand") - F("reserved"))
        .filter(avail__gte=40)
        .order_by("sku_id")
        .values_list("shop_id", "sku_id")
    )
    by_shop: dict[int, list[int]] = {}
    rows = list(rows)
    if hot_skus:
        rows = rng.sample(rows, min(hot_skus, len(rows)))
    for shop_id, sku_id in rows:
        by_shop.setdefault(shop_id, []).append(sku_id)
    if not buyers or len(by_shop) < 1:
        raise SystemExit("the bench database is empty: run bench/seed_catalog.py first")
    return buyers, by_shop


def make_plan(n: int, buyers, by_shop, rng: random.Random, run_id: str):
    from wanshang.accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=[b for b, _ in buyers])}
    shop_ids = sorted(by_shop)
    plan = []
    for i in range(n):
        user_id, address_id = rng.choice(buyers)
        shops = rng.sample(shop_ids, 2 if len(shop_ids) > 1 and rng.random() < 0.3 else 1)
        n_skus = rng.randint(len(shops), 3)
        picks: list[int] = []
        for k in range(n_skus):
            pool = by_shop[shops[k % len(shops)]]
            sku = rng.choice(pool)
            if sku not in picks:
                picks.append(sku)
        items = [(sku, rng.randint(1, 2)) for sku in picks]
        plan.append(
            {
                "user": users[user_id],
                "address_id": address_id,
                "items": items,
                "key": f"bench-{run_id}-{i:06d}",
            }
        )
    return plan


def _backend_pid():
    """The PostgreSQL server process serving this thread's connection (None on SQLite: it runs in-process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _proc_cpu(pid) -> float:
    """utime + stime of a process (the database server's backend on this machine), in seconds."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_threads(jobs: list, threads: int, fn) -> dict:
    """Run fn(job) over jobs with `threads` threads (each its own DB connection).

    Returns {wall, lat (ms), results (in job order), errors, db_cpu (s of PostgreSQL backend CPU)}.
    """
    from django.db import connection

    lock = threading.Lock()
    nxt = iter(range(len(jobs)))
    latencies: list[float] = []
    results: list = [None] * len(jobs)
    errors: Counter = Counter()
    db_cpu = [0.0]

    def worker():
        backend = None
        try:
            backend = _backend_pid()
            cpu0 = _proc_cpu(backend)
            while True:
                with lock:
                    i = next(nxt, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    results[i] = fn(jobs[i])
                    ok = True
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    ok = False
                    msg = getattr(exc, "message", str(exc))
                    with lock:
                        errors[f"{type(exc).__name__}: {msg[:80]}"] += 1
                dt = (time.perf_counter() - t0) * 1000
                if ok:
                    with lock:
                        latencies.append(dt)
        finally:
            if backend is not None:
                with lock:
                    db_cpu[0] += _proc_cpu(backend) - cpu0
            connection.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=3600)
    return {
        "wall": time.perf_counter() - start,
        "lat": latencies,
        "results": results,
        "errors": errors,
        "db_cpu": db_cpu[0],
    }


def _child(index, jobs, threads, fn, go, queue):
    go.wait(timeout=600)
    run = run_threads(jobs, threads, fn)
    run["errors"] = dict(run["errors"])
    queue.put((index, run))


def run_pool(jobs: list, workers: int, threads: int, fn) -> dict:
    """Run fn over jobs in `workers` forked processes × `threads` threads each (1 worker: in this process).

    Returns {wall, lat (sorted, ms), results (job order, picklable), errors, app_cpu (s of this benchmark's
    Python, SQLite included), db_cpu (s of PostgreSQL backends)}.
    """
    if workers <= 1:
        cpu0 = _cpu(resource.RUSAGE_SELF)
        run = run_threads(jobs, threads, fn)
        run["app_cpu"] = _cpu(resource.RUSAGE_SELF) - cpu0
        run["lat"].sort()
        return run
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's database socket
    cpu0 = _cpu(resource.RUSAGE_CHILDREN)
    ctx = mp.get_context("fork")
    go, queue = ctx.Event(), ctx.Queue()
    slices = [list(range(w, len(jobs), workers)) for w in range(workers)]
    procs = [
        ctx.Process(target=_child, args=(w, [jobs[i] for i in idx], threads, fn, go, queue), daemon=True)
        for w, idx in enumerate(slices)
    ]
    for proc in procs:
        proc.start()
    time.sleep(0.5)  # the children are forked and waiting on the start line
    start = time.perf_counter()
    go.set()
    outs = [queue.get(timeout=3600) for _ in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join(timeout=60)
    total = {"wall": wall, "lat": [], "results": [None] * len(jobs), "errors": Counter(), "db_cpu": 0.0}
    for index, run in outs:
        total["lat"] += run["lat"]
        total["errors"].update(run["errors"])
        total["db_cpu"] += run["db_cpu"]
        for i, r in zip(slices[index], run["results"], strict=True):
            total["results"][i] = r
    total["lat"].sort()
    total["app_cpu"] = _cpu(resource.RUSAGE_CHILDREN) - cpu0
    return total


def _cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def submit(job):
    from wanshang.checkout.services import checkout_submit

    payment = checkout_submit(
        user=job["user"],
        items=job["items"],
        address_id=job["address_id"],
        idempotency_key=job["key"],
        from_cart=True,
    )
    return payment.pk, payment.no


def pay(job):
    from wanshang.payments.services import sandbox_pay

    return sandbox_pay(buyer=job["user"], payment_no=job["payment_no"])


def consistency_checks(payment_ids: list[int], sample_job) -> dict:
    """Ledger sums equal stock rows; reserved equals unpaid units; an idempotent resubmit creates nothing."""
    from django.db.models import Sum

    from wanshang.inventory.models import Stock, StockMovement
    from wanshang.orders.models import Order, OrderLine

    ledger = {
        (r["sku_id"], r["warehouse_id"]): (r["oh"] or 0, r["rs"] or 0)
        for r in StockMovement.objects.values("sku_id", "warehouse_id").annotate(
            oh=Sum("on_hand_delta"), rs=Sum("reserved_delta")
        )
    }
    mismatched = negative = 0
    for sku_id, wh_id, on_hand, reserved in Stock.objects.values_list(
        "sku_id", "warehouse_id", "on_hand", "reserved"
    ):
        if ledger.get((sku_id, wh_id), (0, 0)) != (on_hand, reserved):
            mismatched += 1
        if reserved < 0 or on_hand < reserved:
            negative += 1
    reserved_total = Stock.objects.aggregate(r=Sum("reserved"))["r"] or 0
    unpaid_units = (
        OrderLine.objects.filter(order__status="pending_payment").aggregate(q=Sum("quantity"))["q"] or 0
    )
    orders_before = Order.objects.count()
    again = submit(sample_job) if sample_job else None
    idempotent = sample_job is None or (again[0] in payment_ids and Order.objects.count() == orders_before)
    return {
        "stock_rows_not_matching_ledger": mismatched,
        "stock_rows_negative": negative,
        "reserved_units": reserved_total,
        "unpaid_order_units": unpaid_units,
        "idempotent_resubmit_ok": bool(idempotent),
        "ok": mismatched == 0 and negative == 0 and reserved_total == unpaid_units and idempotent,
    }


def fmt_rate(n: int, wall: float) -> float:
    return n / wall if wall > 0 else float("nan")


def main(argv=None) -> int:
    args = parse_args(argv)
    url = _common.configure_env(args.db)
    label = _common.db_label(url)
    pg = url.startswith("postgres")
    workers = args.workers or (4 if pg else 1)
    threads = args.threads or 1
    if not pg and workers * threads > 1:
        print(
            "note: SQLite takes one writer at a time; concurrent checkouts queue on its write lock",
            flush=True,
        )
    _common.django_setup()
    _common.require_current_schema()
    from wanshang.orders.models import Order

    rng = random.Random(args.seed)
    run_id = uuid.uuid4().hex[:8]
    buyers, by_shop = load_world(args.hot_skus, rng)
    plan = make_plan(args.warmup + args.orders, buyers, by_shop, rng, run_id)
    warm, timed = plan[: args.warmup], plan[args.warmup :]
    conc = f"{workers} process(es) × {threads} thread(s)"
    load_before = _common.loadavg()

    # Warm-up (untimed): imports, first connections, the gateway modules of the payment path.
    warm_run = run_pool(warm, 1, 1, submit)
    if not args.no_pay:
        run_pool(
            [
                {"user": j["user"], "payment_no": r[1]}
                for j, r in zip(warm, warm_run["results"], strict=True)
                if r
            ],
            1,
            1,
            pay,
        )
    orders_before = Order.objects.count()
    run = run_pool(timed, workers, threads, submit)
    wall, lat, payments, errors = run["wall"], run["lat"], run["results"], run["errors"]
    placed = [p for p in payments if p is not None]
    orders_made = Order.objects.count() - orders_before
    lines = sum(len(j["items"]) for j, p in zip(timed, payments, strict=True) if p is not None)
    n = max(len(placed), 1)
    out = {
        "db": label,
        "workers": workers,
        "threads": threads,
        "checkouts": len(placed),
        "orders": orders_made,
        "lines": lines,
        "failed": sum(errors.values()),
        "wall_s": round(wall, 2),
        "checkouts_per_s": round(fmt_rate(len(placed), wall), 1),
        "orders_per_s": round(fmt_rate(orders_made, wall), 1),
        "p50_ms": round(_common.percentile(lat, 50), 1),
        "p99_ms": round(_common.percentile(lat, 99), 1),
        "app_cpu_ms_per_checkout": round(run["app_cpu"] * 1000 / n, 1),
        "db_cpu_ms_per_checkout": round(run["db_cpu"] * 1000 / n, 1),
    }
    cpu_text = f"CPU per checkout: app {out['app_cpu_ms_per_checkout']} ms" + (
        f" + PostgreSQL {out['db_cpu_ms_per_checkout']} ms" if pg else " (SQLite included)"
    )
    print(
        f"[{label}] place order: {len(placed)} checkouts → {orders_made} orders, {lines} lines in {wall:.2f}s "
        f"with {conc}: {out['checkouts_per_s']} checkouts/s, {out['orders_per_s']} orders/s, "
        f"p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, failed {out['failed']}; {cpu_text}",
        flush=True,
    )
    for err, k in errors.most_common(5):
        print(f"    {k} × {err}")

    if not args.no_pay and placed:
        pay_jobs = [
            {"user": j["user"], "payment_no": r[1]} for j, r in zip(timed, payments, strict=True) if r
        ]
        prun = run_pool(pay_jobs, workers, threads, pay)
        applied = sum(1 for o in prun["results"] if o == "applied")
        plat, perrors, m = prun["lat"], prun["errors"], max(applied, 1)
        out.update(
            {
                "payments": applied,
                "pay_failed": sum(perrors.values()),
                "pay_wall_s": round(prun["wall"], 2),
                "payments_per_s": round(fmt_rate(applied, prun["wall"]), 1),
                "pay_p50_ms": round(_common.percentile(plat, 50), 1),
                "pay_p99_ms": round(_common.percentile(plat, 99), 1),
                "app_cpu_ms_per_payment": round(prun["app_cpu"] * 1000 / m, 1),
                "db_cpu_ms_per_payment": round(prun["db_cpu"] * 1000 / m, 1),
            }
        )
        cpu_text = f"CPU per payment: app {out['app_cpu_ms_per_payment']} ms" + (
            f" + PostgreSQL {out['db_cpu_ms_per_payment']} ms" if pg else " (SQLite included)"
        )
        print(
            f"[{label}] pay (sandbox_pay): {applied} payments in {prun['wall']:.2f}s with {conc}: "
            f"{out['payments_per_s']} payments/s, p50 {out['pay_p50_ms']} ms, p99 {out['pay_p99_ms']} ms, "
            f"failed {out['pay_failed']}; {cpu_text}",
            flush=True,
        )
        for err, k in perrors.most_common(5):
            print(f"    {k} × {err}")

    out["loadavg_before"], out["loadavg_after"] = load_before, _common.loadavg()
    checks = consistency_checks(
        [p[0] for p in placed], timed[0] if placed and payments[0] is not None else None
    )
    out["consistent"] = checks["ok"]
    print(
        f"[{label}] consistency: stock rows ≠ ledger: {checks['stock_rows_not_matching_ledger']}, "
        f"negative: {checks['stock_rows_negative']}, reserved units {checks['reserved_units']} = unpaid order units "
        f"{checks['unpaid_order_units']}: {checks['reserved_units'] == checks['unpaid_order_units']}, "
        f"idempotent resubmit: {checks['idempotent_resubmit_ok']} → {'OK' if checks['ok'] else 'FAILED'} "
        f"(1-min load average before/after: {load_before}/{out['loadavg_after']})",
        flush=True,
    )
    print("RESULT " + json.dumps({"bench": "place_orders", **out}, ensure_ascii=False), flush=True)
    return 0 if checks["ok"] and not out["failed"] else 1


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
