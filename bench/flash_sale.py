#!/usr/bin/env python
"""A flash sale (秒杀) under a crowd: N attempts for a few units through `marketing.services.flash_buy`.

    .venv/bin/python bench/flash_sale.py                          # both gates, 10,000 attempts, 100 units
    .venv/bin/python bench/flash_sale.py --gate db                # PostgreSQL only (REDIS_URL unset)
    .venv/bin/python bench/flash_sale.py --gate redis --redis-url redis://127.0.0.1:6379/14
    .venv/bin/python bench/flash_sale.py --attempts 20000 --buyers 2000 --threads 32

PostgreSQL only (SQLite takes one writer at a time): a throwaway database `wanshang_bench_promo`, re-created on
every run (bench/_promo.py). Each gate gets its own flash sale: a new SKU with 2× the units in stock, `--units` at
the flash price, `--limit` per buyer. `--buyers` buyers (bulk-created, one address each) make `--attempts` attempts
in a shuffled order (each buyer clicks attempts/buyers times), on `--threads` threads, each attempt a new
idempotency key.

The gates: **db**: REDIS_URL unset, so every attempt reads the flash stock in PostgreSQL and winners take it with a
conditional UPDATE; **redis**: the Lua script at the Redis gate turns losers away and only winners reach
PostgreSQL. Prints attempts/s, winners' and losers' latency p50/p99, and the checks: orders = units exactly,
`sold` = units, claims sum to units, nobody over the limit, the stock rows equal their ledger, reserved = unpaid + set aside
units, and (redis) the Redis counter at 0. Exits 1 if a check fails. One `RESULT {json}` line per gate.
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
import _promo  # noqa: E402

DEFAULT_REDIS = "redis://127.0.0.1:6379/14"  # the tests use /15


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gate", choices=["db", "redis", "both"], default="both")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    p.add_argument("--attempts", type=int, default=10_000)
    p.add_argument("--units", type=int, default=100)
    p.add_argument("--limit", type=int, default=1, help="per-buyer limit")
    p.add_argument("--buyers", type=int, default=1000)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def use_gate(gate: str, redis_url: str) -> None:
    """Switch the flash-sale path of this process: the database alone, or the Redis gate in front of it."""
    from django.conf import settings

    from wanshang.marketing.flash import gate

    settings.REDIS_URL = redis_url if gate == "redis" else ""
    gate._client = None  # reconnect to what is configured now
    gate._scripts.clear()
    if gate == "redis":
        gate.redis_client().ping()


def new_sale(shop, leaf, *, units: int, limit: int, name: str):
    sku = _promo.add_product(shop, leaf, title=f"秒杀压测商品{name}", price_fen=19900, stock=units * 2)
    promo = _promo.promotion(
        shop,
        shop.owner,
        "flash_sale",
        name=f"秒杀{name}",
        per_buyer_limit=limit,
        items=[{"sku_id": sku.pk, "price_fen": 990, "stock": units}],
    )
    return promo.items.get(), sku


def run(item_id: int, attempts: list, threads: int) -> dict:
    """Every attempt through flash_buy on `threads` threads (each its own DB connection)."""
    from django.db import connection

    from wanshang.checkout.services import flash_buy
    from wanshang.common.errors import DomainError

    lock = threading.Lock()
    nxt = iter(range(len(attempts)))
    outcomes: Counter = Counter()
    won_ms: list[float] = []
    lost_ms: list[float] = []
    payments: list = []
    sample_errors: list[str] = []

    def worker():
        try:
            while True:
                with lock:
                    i = next(nxt, None)
                if i is None:
                    return
                user, address_id = attempts[i]
                t0 = time.perf_counter()
                try:
                    payment = flash_buy(
                        buyer=user, item_id=item_id, address_id=address_id, idempotency_key=uuid.uuid4().hex
                    )
                    kind = "won"
                except DomainError as exc:
                    kind = (
                        "sold out"
                        if "抢光" in exc.message
                        else "over the limit"
                        if "限购" in exc.message
                        else f"refused: {exc.message[:40]}"
                    )
                except Exception as exc:  # noqa: BLE001 - counted; an oversell or deadlock would show here
                    kind = "error"
                    with lock:
                        if len(sample_errors) < 5:
                            sample_errors.append(repr(exc)[:200])
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    outcomes[kind] += 1
                    (won_ms if kind == "won" else lost_ms).append(dt)
                    if kind == "won":
                        payments.append(payment.pk)
        finally:
            connection.close()

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=3600)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    app_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "wall": wall,
        "outcomes": outcomes,
        "won_ms": sorted(won_ms),
        "lost_ms": sorted(lost_ms),
        "payments": payments,
        "errors": sample_errors,
        "app_cpu": app_cpu,
    }


def checks(item, sku, *, units: int, limit: int, gate: str) -> dict:
    from django.db.models import Sum

    from wanshang.marketing.flash import gate
    from wanshang.marketing.models import FlashClaim
    from wanshang.orders.models import Order

    item.refresh_from_db()
    orders = Order.objects.filter(lines__sku=sku).count()
    claims = FlashClaim.objects.filter(item=item)
    claimed = claims.aggregate(n=Sum("quantity"))["n"] or 0
    over = claims.filter(quantity__gt=limit).count()
    per_buyer = Counter(Order.objects.filter(lines__sku=sku).values_list("buyer_id", flat=True))
    ledger_ok, ledger_problem = _promo.stock_consistent([sku.pk])
    out = {
        "orders": orders,
        "sold": item.sold,
        "claimed": claimed,
        "buyers_over_limit": over,
        "max_orders_per_buyer": max(per_buyer.values(), default=0),
        "ledger_consistent": ledger_ok,
    }
    if gate == "redis":
        out["redis_left"] = int(gate.redis_client().get(gate.redis_keys(item)[0]) or -1)
    out["ok"] = (
        orders == units
        and item.sold == units
        and claimed == units
        and over == 0
        and out["max_orders_per_buyer"] <= limit
        and ledger_ok
        and out.get("redis_left", 0) == 0
    )
    if ledger_problem:
        out["ledger_problem"] = ledger_problem
    return out


def one_gate(gate: str, args, shop, leaf, buyers) -> dict:
    from django.db import connection

    label = "PostgreSQL + Redis gate" if gate == "redis" else "PostgreSQL only"
    use_gate(gate, args.redis_url)
    warm_item, _ = new_sale(shop, leaf, units=3, limit=0, name=f"{gate}-warm")
    run(warm_item.pk, buyers[:6], 2)  # imports, connections, the Lua scripts: untimed
    item, sku = new_sale(shop, leaf, units=args.units, limit=args.limit, name=gate)
    rng = random.Random(args.seed)
    clicks = [buyers[i % len(buyers)] for i in range(args.attempts)]
    rng.shuffle(clicks)
    connection.close()
    load_before = _common.loadavg()
    r = run(item.pk, clicks, args.threads)
    c = checks(item, sku, units=args.units, limit=args.limit, gate=gate)
    won, lost = r["won_ms"], r["lost_ms"]
    out = {
        "gate": gate,
        "attempts": args.attempts,
        "units": args.units,
        "limit": args.limit,
        "buyers": len(buyers),
        "threads": args.threads,
        "wall_s": round(r["wall"], 2),
        "attempts_per_s": round(args.attempts / r["wall"], 1),
        "outcomes": dict(r["outcomes"]),
        "won_p50_ms": round(_common.percentile(won, 50), 1),
        "won_p99_ms": round(_common.percentile(won, 99), 1),
        "lost_p50_ms": round(_common.percentile(lost, 50), 2),
        "lost_p99_ms": round(_common.percentile(lost, 99), 2),
        "app_cpu_ms_per_attempt": round(r["app_cpu"] * 1000 / args.attempts, 2),
        **c,
        "loadavg_before": load_before,
        "loadavg_after": _common.loadavg(),
    }
    outcome_text = ", ".join(f"{k} {v}" for k, v in r["outcomes"].most_common())
    print(
        f"[{label}] {args.attempts} flash_buy attempts for {args.units} units (limit {args.limit}/buyer, "
        f"{len(buyers)} buyers, {args.threads} threads) in {r['wall']:.2f}s: {out['attempts_per_s']} attempts/s; "
        f"{outcome_text}; winners p50 {out['won_p50_ms']} ms p99 {out['won_p99_ms']} ms, losers p50 "
        f"{out['lost_p50_ms']} ms p99 {out['lost_p99_ms']} ms; app CPU {out['app_cpu_ms_per_attempt']} ms/attempt",
        flush=True,
    )
    redis_text = f", Redis left {c['redis_left']}" if gate == "redis" else ""
    print(
        f"[{label}] checks: orders {c['orders']} (must be {args.units}), sold {c['sold']}, claimed {c['claimed']}, "
        f"buyers over the limit {c['buyers_over_limit']}, most orders by one buyer {c['max_orders_per_buyer']}, "
        f"stock = ledger and reserved = unpaid + set aside: {c['ledger_consistent']}{redis_text} → "
        f"{'OK' if c['ok'] else 'FAILED ' + c.get('ledger_problem', '')} "
        f"(1-min load average before/after {load_before}/{out['loadavg_after']})",
        flush=True,
    )
    for err in r["errors"]:
        print(f"    error: {err}")
    print("RESULT " + json.dumps({"bench": "flash_sale", **out}, ensure_ascii=False), flush=True)
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    gates = ["db", "redis"] if args.gate == "both" else [args.gate]
    if "redis" in gates:
        import redis

        try:
            redis.Redis.from_url(args.redis_url, socket_connect_timeout=3).ping()
        except Exception as exc:  # noqa: BLE001
            if args.gate == "redis":
                raise SystemExit(f"Redis at {args.redis_url} is unreachable: {exc}") from None
            print(f"Redis at {args.redis_url} is unreachable: the Redis gate is skipped", flush=True)
            gates.remove("redis")
    os.environ.pop("REDIS_URL", None)  # the gate is chosen per run (use_gate); the cache stays the file cache
    if not _common.pg_reachable():
        raise SystemExit("PostgreSQL at 127.0.0.1:5432 is unreachable (this benchmark needs it)")
    t0 = time.perf_counter()
    _promo.fresh_database("postgres")
    op = _promo.operator()
    leaf = _promo.category_leaf()
    shop = _promo.open_shop(1, leaf, op)
    buyers = _promo.bulk_buyers(args.buyers)
    print(f"[PostgreSQL] seeded in {time.perf_counter() - t0:.1f}s: 1 shop, {len(buyers)} buyers", flush=True)
    results = [one_gate(gate, args, shop, leaf, buyers) for gate in gates]
    return 0 if all(r["ok"] and not r["outcomes"].get("error") for r in results) else 1


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
