#!/usr/bin/env python
"""The soak (issue 13, Build 5): mixed traffic against Wanshang production-style on PostgreSQL for 10 minutes.

    .venv/bin/pip install -e '.[bench]'      # locust
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wanshang_peer_ws REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/soak/run.py --users 20 --spawn-rate 2 --minutes 10 --out /tmp/soak

DATABASE_URL must hold the demo (`manage.py load_demo`, promotions running). The script

1. starts gunicorn with 2 sync workers as bench/http_compare.py does (DEBUG=false, psycopg pool, Redis cache,
   sandbox payments on), unless --url names a running server (then --master-pid names its gunicorn master);
2. creates --users buyers up front (soak-<run>-<n>@bench.example, an address each, a bearer token each) and
   writes them with product ids, category slugs, search words and SKUs to buy to <out>/fixture.json;
3. runs `locust -f bench/soak/locustfile.py --headless -u USERS -r RATE -t Nm --csv <out>/soak` while sampling
   the resident memory (VmRSS) of every gunicorn worker every 10 s into <out>/rss.csv;
4. prints per request type the count, failures, p50 and p99 (locust's CSV), each worker's RSS at the start
   of the second minute, the end and its peak, and runs bench/soak/check_ledger.py on the orders placed since
   the start.

Exit status 0 only with zero failed requests and a consistent ledger.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import _common  # noqa: E402
import http_compare  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=20, help="concurrent simulated buyers (locust -u)")
    p.add_argument("--spawn-rate", type=float, default=2, help="buyers started per second (locust -r)")
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--out", default="/tmp/wanshang-soak", help="folder for the fixture, CSVs and RSS samples")
    p.add_argument("--url", default="", help="a running server (default: start gunicorn here)")
    p.add_argument("--master-pid", type=int, default=0, help="with --url: its gunicorn master, for RSS")
    p.add_argument("--port", type=int, default=8703)
    p.add_argument("--workers", type=int, default=2)
    return p.parse_args(argv)


def make_fixture(users: int) -> dict:
    from django.db.models import Count, Max, Q

    from wanshang.accounts.models import Address
    from wanshang.accounts.services import address_create, api_token_create, user_register
    from wanshang.catalog.models import Category, Product, Sku
    from wanshang.inventory.models import Stock
    from wanshang.orders.models import Order

    rng = random.Random(13)
    template = Address.objects.order_by("pk").first()
    run = time.strftime("%m%d%H%M%S")
    buyers = []
    for n in range(users):
        user = user_register(login=f"soak-{run}-{n}@bench.example", password=_common.BENCH_PASSWORD)
        address = address_create(
            user=user,
            receiver="压测买家",
            phone="13800000000",
            district_code=template.district_code,
            detail=f"压测路 {n} 号",
            is_default=True,
        )
        buyers.append({"token": api_token_create(user=user, name="soak"), "address_id": address.pk})
    on_sale = Product.objects.filter(status=Product.Status.ON_SALE)
    categories = list(
        Category.objects.filter(is_active=True)
        .annotate(n=Count("products", filter=Q(products__status=Product.Status.ON_SALE)))
        .filter(n__gte=1)
        .values_list("slug", flat=True)
    )
    titles = list(on_sale.values_list("title", flat=True))
    words = sorted(
        {w for t in rng.sample(titles, min(200, len(titles))) for w in t.split()[:2] if len(w) >= 2}
    )
    words += list(Category.objects.filter(is_active=True).values_list("name", flat=True))
    skus = list(
        Sku.objects.filter(
            product__status=Product.Status.ON_SALE, product__is_wholesale=False, is_active=True
        )
        .filter(pk__in=Stock.objects.filter(on_hand__gte=200).values("sku_id"))
        .values_list("pk", flat=True)
    )
    return {
        "buyers": buyers,
        "products": list(on_sale.values_list("pk", flat=True)),
        "categories": categories,
        "words": words[:300],
        "skus": skus,
        "next_order_id": (Order.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
    }


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(pids)


def sample_rss(master: int, path: Path, stop: threading.Event) -> None:
    started = time.monotonic()
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["seconds", "pid", "rss_kb", "load1"])
        while not stop.is_set():
            t = round(time.monotonic() - started)
            for pid in children(master):
                out.writerow([t, pid, rss_kb(pid), _common.loadavg()])
            fh.flush()
            stop.wait(10)


def report_rss(path: Path) -> list[str]:
    rows = list(csv.DictReader(path.open()))
    by_pid: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        by_pid.setdefault(r["pid"], []).append((int(r["seconds"]), int(r["rss_kb"])))
    lines = []
    for pid, samples in by_pid.items():
        after_warm = [kb for s, kb in samples if s >= 60] or [kb for _, kb in samples]
        lines.append(
            f"worker {pid}: {len(samples)} samples; RSS at 1 min {after_warm[0] / 1024:.1f} MiB, "
            f"end {samples[-1][1] / 1024:.1f} MiB, peak {max(kb for _, kb in samples) / 1024:.1f} MiB, "
            f"growth after the first minute {(samples[-1][1] - after_warm[0]) / 1024:+.1f} MiB"
        )
    loads = [float(r["load1"]) for r in rows]
    if loads:
        lines.append(f"load average (1 min) during the soak: {min(loads):.2f}–{max(loads):.2f}")
    return lines


def report_locust(stats_csv: Path) -> tuple[list[str], int]:
    lines, failures = [], 0
    lines.append("| request type | requests | failures | req/s | p50 ms | p99 ms | max ms |")
    lines.append("|---|---|---|---|---|---|---|")
    for r in csv.DictReader(stats_csv.open()):
        name = r["Name"] if r["Name"] != "Aggregated" else "**all**"
        failures += int(r["Failure Count"]) if r["Name"] == "Aggregated" else 0
        lines.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.1f} | "
            f"{r['50%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |"
        )
    return lines, failures


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = http_compare.wanshang_env()
    _common.django_setup()
    _common.require_current_schema()
    fixture = make_fixture(args.users)
    (out / "fixture.json").write_text(json.dumps(fixture, ensure_ascii=False))
    from django.db import connections

    connections.close_all()
    proc, base, master = None, args.url.rstrip("/"), args.master_pid
    if not base:
        proc, base = http_compare.start_wanshang(args, env)
        master = proc.pid
    print(
        f"server {base} (gunicorn master {master}); {args.users} buyers; fixture {out / 'fixture.json'}",
        flush=True,
    )
    stop = threading.Event()
    sampler = None
    if master:
        sampler = threading.Thread(target=sample_rss, args=(master, out / "rss.csv", stop), daemon=True)
        sampler.start()
    locust = Path(sys.executable).with_name("locust")
    cmd = [
        str(locust),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{int(args.minutes * 60)}s",
        "--host",
        base,
        "--csv",
        str(out / "soak"),
        "--only-summary",
        "--stop-timeout",
        "30",
    ]
    print("$ " + " ".join(cmd), flush=True)
    t0 = time.monotonic()
    try:
        subprocess.run(cmd, env=dict(os.environ, SOAK_FIXTURE=str(out / "fixture.json")), check=False)
    finally:
        stop.set()
        if sampler:
            sampler.join(timeout=15)
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"\nsoak ran {(time.monotonic() - t0) / 60:.1f} min; locust CSVs {out}/soak_*.csv")
    table, failures = report_locust(out / "soak_stats.csv")
    print("\n".join(table))
    if sampler:
        print("\n".join(report_rss(out / "rss.csv")))
    ledger = subprocess.run(
        [sys.executable, str(HERE / "check_ledger.py"), "--since-order-id", str(fixture["next_order_id"])],
        env=os.environ,
        check=False,
    )
    print(f"failures: {failures}; ledger check exit {ledger.returncode}")
    return 0 if failures == 0 and ledger.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
