#!/usr/bin/env python
"""Print the summary table of a bench run from the `RESULT {json}` lines of the bench scripts' logs.

    .venv/bin/python bench/summarize.py /tmp/bench-var/*.log

Compares with the best-known Python peer on a similar 2-core machine: about 2–4 checkouts/s and
12–23 product-list requests/s; Wanshang's aim is at least ten times that (≥ 40 checkouts/s, ≥ 230 list req/s
for the upper end, ≥ 20 / ≥ 120 for the lower end).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PEER_CHECKOUTS = (2, 4)
PEER_LIST_RPS = (12, 23)


def results(paths):
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("RESULT "):
                yield json.loads(line[len("RESULT ") :])


def times_peer(value: float, peer: tuple[int, int]) -> str:
    low, high = value / peer[1], value / peer[0]
    fmt = "{:.0f}" if low >= 10 else "{:.1f}"
    return f"{fmt.format(low)}–{fmt.format(high)}×"


def main(argv) -> int:
    rows = list(results(argv[1:]))
    if not rows:
        print("no RESULT lines found")
        return 1
    print("| DB | measure | throughput | p50 | p99 | vs peer | notes |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        if r["bench"] == "place_orders":
            conc = f"{r['workers']} proc × {r['threads']} thr"
            db_cpu = (
                f" + PostgreSQL {r['db_cpu_ms_per_checkout']} ms" if r.get("db_cpu_ms_per_checkout") else ""
            )
            print(
                f"| {r['db']} | place order (checkout_submit) | {r['checkouts_per_s']} checkouts/s "
                f"({r['orders_per_s']} orders/s) | {r['p50_ms']} ms | {r['p99_ms']} ms | "
                f"{times_peer(r['checkouts_per_s'], PEER_CHECKOUTS)} | {conc}, {r['checkouts']} checkouts, "
                f"CPU {r.get('app_cpu_ms_per_checkout', '?')} ms{db_cpu}, "
                f"failed {r['failed']}, ledger {'consistent' if r['consistent'] else 'INCONSISTENT'}, "
                f"load {r['loadavg_before']}→{r['loadavg_after']} |"
            )
            if "payments_per_s" in r:
                print(
                    f"| {r['db']} | pay (sandbox_pay) | {r['payments_per_s']} payments/s | {r['pay_p50_ms']} ms | "
                    f"{r['pay_p99_ms']} ms | – | {conc}, failed {r['pay_failed']} |"
                )
        elif r["bench"] == "pages":
            for page, p in r["pages"].items():
                peer = times_peer(p["rps"], PEER_LIST_RPS) if page != "detail" else "–"
                print(
                    f"| {r['db']} | page {page} | {p['rps']} req/s | {p['p50_ms']} ms | {p['p99_ms']} ms | {peer} | "
                    f"gunicorn {r['gunicorn_workers']} workers, {r['connections']} conns, "
                    f"{p['worker_cpu_ms_per_req']} ms worker CPU/req, non-2xx {p['non2xx']}, "
                    f"load {p['loadavg_before']}→{p['loadavg_after']} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
