#!/usr/bin/env python
"""What a buyer does over HTTP, against one or more running servers, side by side (issue 13, Run 9d).

    bench/http_prod.sh wanshang_httpperf 8311 --code /path/to/old/checkout &   # "before"
    bench/http_prod.sh wanshang_httpperf 8312 &                                 # "after"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wanshang_httpperf \\
      .venv/bin/python bench/http_wrk.py --target before=http://127.0.0.1:8311 \\
                                         --target after=http://127.0.0.1:8312 [--duration 8] [--conns 1,4,16]

The servers serve the demo marketplace (`manage.py load_demo`) on the database DATABASE_URL names; this script
reads product, SKU and category ids from it. For every page type and concurrency it runs wrk against each
target in turn (interleaved, so machine load moves all of them alike), after a short untimed warm-up:

* api_list:       GET /api/store/products (a list of 20, JSON), the same URL every request;
* api_list_miss:  the same with a new `max_price_fen` above every price each request (the same 20 products);
* category_hit:   GET /c/<slug>/ over every category (40 items; the results block cached after warm-up);
* category_miss:  the same with a new `max_price` each request: the listing cache always misses;
* detail_api:     GET /api/store/products/<id> over 300 products on sale;
* detail_page:    GET /p/<id>/ over the same products;
* cart_add:       POST /api/store/cart/items {sku_id, quantity: 1} with the demo buyer's API token, over 300
                  SKUs (the cart is emptied before each run).

Prints requests/s, p50 and p99 (wrk's latency at that concurrency, queueing included), non-2xx answers and the
load average before each run, and a `RESULT {json}` line. wrk: `apt-get install -y wrk`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

PAGES = (
    "api_list",
    "api_list_miss",
    "category_hit",
    "category_miss",
    "detail_api",
    "detail_page",
    "cart_add",
)

LUA = r"""
local paths = {%(paths)s}
local n = #paths
local bust = "%(bust)s"
local method = "%(method)s"
local base = 900000 + (os.time() %% 90000)
local count = 0
math.randomseed(%(seed)d)
request = function()
  local path = paths[math.random(n)]
  count = count + 1
  if method == "POST" then
    local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(token)s"}
    return wrk.format("POST", "/api/store/cart/items", headers, '{"sku_id": ' .. path .. ', "quantity": 1}')
  end
  if bust ~= "" then
    local sep = "?"
    if string.find(path, "?", 1, true) then sep = "&" end
    path = path .. sep .. string.format(bust .. "=%%d%%02d", base + math.floor(count / 100), count %% 100)
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"socket_errors":%%d,"non2xx":%%d,"p50_us":%%d,"p99_us":%%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def page_specs(rng: random.Random) -> dict[str, dict]:
    from wanshang.catalog.models import Category, Product, Sku

    ids = list(Product.objects.filter(status="on_sale", shop__status="open").values_list("pk", flat=True))
    sample = rng.sample(ids, min(300, len(ids)))
    skus = list(
        Sku.objects.filter(product_id__in=sample, is_active=True, product__is_wholesale=False).values_list(
            "pk", flat=True
        )
    )
    slugs = list(Category.objects.filter(is_active=True).values_list("slug", flat=True))
    return {
        "api_list": {"paths": ["/api/store/products"]},
        "api_list_miss": {"paths": ["/api/store/products"], "bust": "max_price_fen"},
        "category_hit": {"paths": [f"/c/{s}/" for s in slugs]},
        "category_miss": {"paths": [f"/c/{s}/" for s in slugs], "bust": "max_price"},
        "detail_api": {"paths": [f"/api/store/products/{pk}" for pk in sample]},
        "detail_page": {"paths": [f"/p/{pk}/" for pk in sample]},
        "cart_add": {"paths": [str(pk) for pk in rng.sample(skus, min(300, len(skus)))], "method": "POST"},
    }


def api_token(base: str) -> str:
    from wanshang.demo.people import DEMO_BUYER_PHONE, DEMO_PASSWORD

    body = json.dumps({"login": DEMO_BUYER_PHONE, "password": DEMO_PASSWORD, "name": "bench"}).encode()
    req = urllib.request.Request(
        base + "/api/store/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["token"]


def empty_cart() -> None:
    from wanshang.accounts.models import User
    from wanshang.checkout.models import CartItem
    from wanshang.demo.people import DEMO_BUYER_PHONE

    CartItem.objects.filter(user__in=User.objects.filter(phone=DEMO_BUYER_PHONE)).delete()


def run_wrk(base: str, script: Path, *, seconds: int, connections: int) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON ") :])
    raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--target", action="append", required=True, help="label=http://127.0.0.1:PORT")
    p.add_argument("--pages", default=",".join(PAGES))
    p.add_argument("--conns", default="1,4,16")
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    args = p.parse_args(argv)
    _common.configure_env("postgres")
    _common.django_setup()
    targets = [t.split("=", 1) for t in args.target]
    specs = page_specs(random.Random(args.seed))
    tokens = {label: api_token(base) for label, base in targets}
    results: list[dict] = []
    print(
        f"wrk 1 thread, {args.duration}s per run after {args.warmup}s warm-up; targets {targets}", flush=True
    )
    with tempfile.TemporaryDirectory(prefix="wanshang-http-") as tmp:
        for page in args.pages.split(","):
            spec = specs[page]
            for conns in [int(c) for c in args.conns.split(",")]:
                for label, base in targets:
                    script = Path(tmp) / f"{page}-{label}.lua"
                    script.write_text(
                        LUA
                        % {
                            "paths": ",".join(json.dumps(x) for x in spec["paths"]),
                            "bust": spec.get("bust", ""),
                            "method": spec.get("method", "GET"),
                            "token": tokens[label],
                            "seed": args.seed,
                        },
                        encoding="utf-8",
                    )
                    if page == "cart_add":
                        empty_cart()
                    if args.warmup:
                        run_wrk(base, script, seconds=args.warmup, connections=conns)
                    load = _common.loadavg()
                    r = run_wrk(base, script, seconds=args.duration, connections=conns)
                    row = {
                        "page": page,
                        "conns": conns,
                        "target": label,
                        "rps": round(r["requests"] / (r["duration_us"] / 1e6), 1),
                        "p50_ms": round(r["p50_us"] / 1000, 1),
                        "p99_ms": round(r["p99_us"] / 1000, 1),
                        "non2xx": r["non2xx"],
                        "socket_errors": r["socket_errors"],
                        "loadavg": load,
                    }
                    results.append(row)
                    print(
                        f"{page:14s} c={conns:<3d} {label:8s} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
                        f"p99 {row['p99_ms']:7.1f} ms  non-2xx {row['non2xx']}  errors {row['socket_errors']}  "
                        f"load {load}",
                        flush=True,
                    )
                    time.sleep(0.5)
    empty_cart()
    print("RESULT " + json.dumps({"bench": "http_wrk", "runs": results}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
