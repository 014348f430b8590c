#!/usr/bin/env python
"""Side by side over HTTP: what a buyer does, against Wanshang and against Saleor, in interleaved pairs.

    bench/peer/setup_saleor.sh /path/to/saleor setup && bench/peer/setup_saleor.sh /path/to/saleor serve
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wanshang_peer_ws REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/http_compare.py --saleor-url http://127.0.0.1:8701/graphql/

Wanshang runs production-style: unless --wanshang-url is given, this script starts `gunicorn wanshang.wsgi`
with 2 sync workers on 127.0.0.1:--port (DEBUG=false, psycopg pool DB_POOL_MAX=2 per worker, Redis cache from
REDIS_URL, sandbox payments on) against DATABASE_URL, which must hold the demo (`manage.py load_demo`, whose
promotions — member prices, shop-wide discounts — are running). Saleor is the peer (issue 13): started by
bench/peer/setup_saleor.sh with its own production command (uvicorn, 2 workers), with its `populatedb` data.

Figures (both servers answer the same buyer question; Saleor only speaks GraphQL, has no HTML storefront):

* list:        the first 20 products as JSON. Wanshang `GET /api/store/products`; Saleor `products(first: 20)`
               with what a list card shows (name, thumbnail, category, price range, discount);
* list_miss:   the same with a new filter value every request (a price ceiling above every product), so no
               cache can answer: Wanshang `?max_price_fen=9xxxxxx`, Saleor `filter: {price: {lte: …}}`;
* category:    a category's first 40 products. Wanshang the HTML page `/c/<slug>/`; Saleor
               `category(slug) { products(first: 40) }` (its nearest equivalent: no page to render);
* detail:      one product with its variants, stock and prices as JSON. Wanshang `GET /api/store/products/<id>`;
               Saleor `product(id) { … variants { quantityAvailable pricing } }`;
* detail_page: Wanshang's HTML product page `/p/<id>/`, against Saleor's `detail` query (again no page);
* checkout:    a cart to a placed, paid order. Wanshang (a logged-in buyer, bearer token): add to cart →
               checkout preview → place order (Idempotency-Key) → sandbox pay. Saleor (anonymous checkout,
               which costs it less than a customer's): checkoutCreate with addresses → delivery method →
               checkoutPaymentCreate (its dummy gateway) → checkoutComplete. Rate = completed flows/s.

GET and POST figures are loaded by wrk (Lua scripts), checkout by a thread per concurrent buyer (requests).
Each figure × concurrency runs --pairs pairs; in each pair both servers run back to back, the first one
alternating; printed: requests/s, p50 and p99 (ms) medians over the pairs, the ratio Wanshang/Saleor (median
of the pairs' ratios) and the 1-minute load average seen during the pair.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

FIGURES = ("list", "list_miss", "category", "detail", "detail_page", "checkout")

CARD = (
    "id name slug thumbnail(size: 256) { url alt } category { name } "
    "pricing { onSale priceRange { start { gross { amount currency } } } "
    "priceRangeUndiscounted { start { gross { amount currency } } } discount { gross { amount } } }"
)
Q_LIST = "query($ch: String!) { products(first: 20, channel: $ch) { edges { node { CARD } } } }".replace(
    "CARD", CARD
)
Q_LIST_MISS = (
    "query($ch: String!, $lte: Float!) { products(first: 20, channel: $ch, filter: {price: {lte: $lte}}) "
    "{ edges { node { CARD } } } }"
).replace("CARD", CARD)
Q_CATEGORY = (
    "query($ch: String!, $slug: String!) { category(slug: $slug) { name "
    "products(first: 40, channel: $ch) { edges { node { CARD } } } } }"
).replace("CARD", CARD)
Q_DETAIL = (
    "query($ch: String!, $id: ID!) { product(id: $id, channel: $ch) { id name description seoTitle rating "
    "isAvailableForPurchase category { name slug } media { url alt } "
    "attributes { attribute { name } values { name } } "
    "pricing { onSale priceRange { start { gross { amount currency } } } discount { gross { amount } } } "
    "variants { id name sku quantityAvailable(countryCode: US) "
    "pricing { price { gross { amount } } priceUndiscounted { gross { amount } } } "
    "attributes { attribute { name } values { name } } } } }"
)
SALEOR_ADDRESS = {
    "firstName": "Bench",
    "lastName": "Buyer",
    "streetAddress1": "1600 Amphitheatre Pkwy",
    "city": "MOUNTAIN VIEW",
    "postalCode": "94043",
    "country": "US",
    "countryArea": "CA",
    "phone": "+16502530000",
}

LUA = r"""
local bodies = {%(bodies)s}
local paths = {%(paths)s}
local method = "%(method)s"
local bust = %(bust)s
local count = 0
math.randomseed(%(seed)d)
local base = 9000000 + (os.time() %% 900000)
request = function()
  count = count + 1
  local i = math.random(#paths)
  local path = paths[i]
  if method == "POST" then
    local body = bodies[i]
    if bust then body = string.gsub(body, "__LTE__", string.format("%%d.%%02d", base + count, count %% 100)) end
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
  end
  if bust then
    local sep = "?"
    if string.find(path, "?", 1, true) then sep = "&" end
    path = path .. sep .. string.format("max_price_fen=%%d", base * 100 + count)
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


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--saleor-url", default="http://127.0.0.1:8701/graphql/", help="Saleor's GraphQL endpoint")
    p.add_argument("--saleor-channel", default="default-channel")
    p.add_argument("--wanshang-url", default="", help="a running Wanshang (default: start gunicorn here)")
    p.add_argument("--port", type=int, default=8702, help="port of the Wanshang gunicorn this script starts")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    p.add_argument("--figures", default=",".join(FIGURES), help=f"comma-separated, among {','.join(FIGURES)}")
    p.add_argument("--concurrency", default="1,4,16", help="comma-separated concurrent connections/buyers")
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--duration", type=int, default=5, help="seconds per run (each server, each pair)")
    p.add_argument(
        "--checkout-duration",
        type=int,
        default=15,
        help="seconds per checkout run (a Saleor flow takes seconds)",
    )
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--json", default="", help="also write every run and the summary to this file")
    return p.parse_args(argv)


# --- Wanshang: server and fixture ------------------------------------------------------------------------------


def wanshang_env() -> dict:
    """Production-style settings (the ones docs/deploy.md lists) on top of _common's bench defaults."""
    _common.configure_env("postgres")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "set REDIS_URL (production-style: the cache on Redis), e.g. redis://127.0.0.1:6379/6"
        )
    os.environ["PAYMENT_GATEWAYS"] = "sandbox,alipay,wechat"  # sandbox explicitly on for the checkout flow
    return dict(
        os.environ,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE="0",
        DB_POOL_MIN=os.environ.get("DB_POOL_MIN", "1"),
        DB_POOL_MAX=os.environ.get("DB_POOL_MAX", "2"),
        PYTHONPATH=str(_common.REPO),
    )


def start_wanshang(args, env: dict) -> tuple[subprocess.Popen, str]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = Path(env["WANSHANG_VAR_DIR"]) / "http_compare-gunicorn.log"
    cmd = [
        str(gunicorn),
        "wanshang.wsgi:application",
        f"--workers={args.workers}",
        f"--bind=127.0.0.1:{args.port}",
        "--worker-class=sync",
        "--timeout=60",
        "--graceful-timeout=5",
        f"--error-logfile={log}",
        "--log-level=warning",
        "--no-control-socket",
    ]
    proc = subprocess.Popen(
        cmd, cwd=_common.REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{args.port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            if requests.get(base + "/api/store/categories", timeout=5).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def wanshang_fixture(rng: random.Random, buyers: int) -> dict:
    """Products on sale, categories with products, SKUs with stock to spare, and buyers with an address and a
    bearer token (the demo's own buyers)."""
    from django.db.models import Count, Q

    from wanshang.accounts.models import Address, User
    from wanshang.accounts.services import api_token_create
    from wanshang.catalog.models import Category, Product, Sku
    from wanshang.inventory.models import Stock

    on_sale = Product.objects.filter(status=Product.Status.ON_SALE)
    ids = list(on_sale.values_list("pk", flat=True))
    slugs = list(
        Category.objects.filter(is_active=True)
        .annotate(n=Count("products", filter=Q(products__status=Product.Status.ON_SALE)))
        .filter(n__gte=1)
        .values_list("slug", flat=True)
    )
    skus = list(
        Sku.objects.filter(
            product__status=Product.Status.ON_SALE, product__is_wholesale=False, is_active=True
        )
        .filter(pk__in=Stock.objects.filter(on_hand__gte=200).values("sku_id"))
        .values_list("pk", flat=True)
    )
    users = list(
        User.objects.filter(pk__in=Address.objects.values("user_id"), is_active=True, is_staff=False)
        .exclude(pk__in=_shop_staff_ids())
        .order_by("pk")[:buyers]
    )
    if len(users) < buyers:
        raise SystemExit(f"the demo has {len(users)} buyers with an address, {buyers} needed")
    tokens = []
    for user in users:
        address = Address.objects.filter(user=user).order_by("-is_default", "pk").first()
        tokens.append({"token": api_token_create(user=user, name="http_compare"), "address_id": address.pk})
    return {
        "detail": rng.sample(ids, min(200, len(ids))),
        "categories": slugs,
        "skus": skus,
        "buyers": tokens,
    }


def _shop_staff_ids():
    from wanshang.merchants.models import ShopStaff

    return ShopStaff.objects.values("user_id")


# --- Saleor: fixture ------------------------------------------------------------------------------------------


def gql(url: str, query: str, variables: dict, session=None) -> dict:
    resp = (session or requests).post(url, json={"query": query, "variables": variables}, timeout=60)
    resp.raise_for_status()
    data = resp.json()
    if data.get("errors"):
        raise RuntimeError(f"Saleor GraphQL errors: {data['errors']}")
    return data["data"]


def saleor_fixture(url: str, channel: str, rng: random.Random) -> dict:
    products, variants, after = [], [], None
    while True:
        data = gql(
            url,
            "query($ch: String!, $after: String) { products(first: 100, after: $after, channel: $ch) "
            "{ pageInfo { hasNextPage endCursor } edges { node { id isAvailableForPurchase "
            "productType { isShippingRequired } "
            "variants { id quantityAvailable(countryCode: US) } } } } }",
            {"ch": channel, "after": after},
        )["products"]
        for edge in data["edges"]:
            node = edge["node"]
            products.append(node["id"])
            # Shipped goods only: a digital product (audiobooks, gift cards) has no delivery method to choose.
            if node["isAvailableForPurchase"] and node["productType"]["isShippingRequired"]:
                variants += [v["id"] for v in node["variants"] or [] if (v["quantityAvailable"] or 0) >= 50]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    cats = gql(
        url,
        "query($ch: String!) { categories(first: 100) { edges { node { slug "
        "products(first: 1, channel: $ch) { totalCount } } } } }",
        {"ch": channel},
    )["categories"]["edges"]
    slugs = [c["node"]["slug"] for c in cats if (c["node"]["products"] or {}).get("totalCount")]
    if not variants:
        raise SystemExit("Saleor has no variant with 50+ in stock: is populatedb's data there?")
    return {
        "detail": rng.sample(products, min(200, len(products))),
        "categories": slugs,
        "variants": variants,
    }


# --- one run --------------------------------------------------------------------------------------------------


def lua_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid Lua string literal for our content


def wrk_script(tmp: Path, name: str, *, paths, bodies=None, bust=False, seed=1) -> Path:
    method = "POST" if bodies else "GET"
    text = LUA % {
        "paths": ",".join(lua_str(p) for p in paths),
        "bodies": ",".join(lua_str(b) for b in bodies or []),
        "method": method,
        "bust": "true" if bust else "false",
        "seed": seed,
    }
    path = tmp / f"{name}.lua"
    path.write_text(text, encoding="utf-8")
    return path


def run_wrk(base: str, script: Path, *, seconds: int, connections: int) -> dict:
    threads = min(connections, 2)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        base,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            r = json.loads(line[len("WRKJSON ") :])
            secs = r["duration_us"] / 1e6
            return {
                "rps": r["requests"] / secs,
                "p50_ms": r["p50_us"] / 1000,
                "p99_ms": r["p99_us"] / 1000,
                "errors": r["socket_errors"] + r["non2xx"],
                "n": r["requests"],
            }
    raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")


def run_flows(flow, *, seconds: int, concurrency: int) -> dict:
    """`concurrency` threads each repeat flow(worker_index, session) for `seconds`; rate of completed flows."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                flow(i, session)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                with lock:
                    errors.append(repr(exc)[:300])
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if errors:
        print(f"    {len(errors)} failed flows, first: {errors[0]}", flush=True)
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": _common.percentile(latencies, 50) * 1000,
        "p99_ms": _common.percentile(latencies, 99) * 1000,
        "errors": len(errors),
        "n": len(latencies),
    }


def wanshang_checkout(base: str, fx: dict, rng: random.Random):
    def flow(i: int, session: requests.Session) -> None:
        buyer = fx["buyers"][i]
        h = {"Authorization": f"Bearer {buyer['token']}"}
        sku = rng.choice(fx["skus"])
        r = session.post(
            f"{base}/api/store/cart/items", json={"sku_id": sku, "quantity": 1}, headers=h, timeout=60
        )
        _ok(r, 201)
        r = session.get(
            f"{base}/api/store/checkout/preview",
            params={"address_id": buyer["address_id"]},
            headers=h,
            timeout=60,
        )
        _ok(r, 200)
        preview = r.json()
        body = {
            "from_cart": True,
            "address_id": buyer["address_id"],
            "expected_payable_fen": preview["payable_fen"],
            "coupon_ids": preview.get("coupon_ids"),
        }
        r = session.post(
            f"{base}/api/store/orders",
            json=body,
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
            timeout=60,
        )
        _ok(r, 201)
        no = r.json()["payment_no"]
        r = session.post(f"{base}/api/store/payments/{no}/sandbox-pay", headers=h, timeout=60)
        _ok(r, 200)
        if r.json()["payment"]["status"] != "paid":
            raise RuntimeError(f"payment {no} is {r.json()['payment']['status']}")

    return flow


def saleor_checkout(url: str, channel: str, fx: dict, rng: random.Random):
    def flow(i: int, session: requests.Session) -> None:
        variant = rng.choice(fx["variants"])
        data = gql(
            url,
            "mutation($in: CheckoutCreateInput!) { checkoutCreate(input: $in) { checkout { id "
            "shippingMethods { id active } } errors { field code message } } }",
            {
                "in": {
                    "channel": channel,
                    "email": f"bench{i}@example.com",
                    "lines": [{"quantity": 1, "variantId": variant}],
                    "shippingAddress": SALEOR_ADDRESS,
                    "billingAddress": SALEOR_ADDRESS,
                }
            },
            session,
        )["checkoutCreate"]
        _no_errors(data)
        checkout = data["checkout"]
        method = next(m["id"] for m in checkout["shippingMethods"] if m["active"])
        data = gql(
            url,
            "mutation($id: ID!, $m: ID!) { checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) "
            "{ checkout { totalPrice { gross { amount } } } errors { field code message } } }",
            {"id": checkout["id"], "m": method},
            session,
        )["checkoutDeliveryMethodUpdate"]
        _no_errors(data)
        amount = data["checkout"]["totalPrice"]["gross"]["amount"]
        data = gql(
            url,
            "mutation($id: ID!, $in: PaymentInput!) { checkoutPaymentCreate(id: $id, input: $in) "
            "{ payment { id } errors { field code message } } }",
            {
                "id": checkout["id"],
                "in": {"gateway": "mirumee.payments.dummy", "token": "charged", "amount": amount},
            },
            session,
        )["checkoutPaymentCreate"]
        _no_errors(data)
        data = gql(
            url,
            "mutation($id: ID!) { checkoutComplete(id: $id) { order { id status isPaid } "
            "errors { field code message } } }",
            {"id": checkout["id"]},
            session,
        )["checkoutComplete"]
        _no_errors(data)
        if not data["order"]:
            raise RuntimeError("checkoutComplete gave no order")

    return flow


def _ok(resp, status: int) -> None:
    if resp.status_code != status:
        raise RuntimeError(f"{resp.request.method} {resp.url}: {resp.status_code} {resp.text[:200]}")


def _no_errors(data: dict) -> None:
    if data.get("errors"):
        raise RuntimeError(f"Saleor: {data['errors']}")


# --- the comparison -------------------------------------------------------------------------------------------


def build_runs(args, tmp: Path, ws_base: str, ws_fx: dict, sa_fx: dict, rng: random.Random) -> dict:
    """figure -> {"saleor": callable(c) -> result, "wanshang": …}."""
    ch = args.saleor_channel
    sa_url = args.saleor_url
    sa_path = "/" + sa_url.split("/", 3)[3] if sa_url.count("/") >= 3 else "/"
    sa_root = sa_url[: len(sa_url) - len(sa_path) + 1].rstrip("/")
    s = args.duration
    cs = args.checkout_duration

    def post_bodies(query, var_list):
        return [json.dumps({"query": query, "variables": v}, ensure_ascii=False) for v in var_list]

    scripts = {
        ("list", "saleor"): wrk_script(
            tmp, "sa_list", paths=[sa_path], bodies=post_bodies(Q_LIST, [{"ch": ch}])
        ),
        ("list", "wanshang"): wrk_script(tmp, "ws_list", paths=["/api/store/products"]),
        ("list_miss", "saleor"): wrk_script(
            tmp,
            "sa_list_miss",
            paths=[sa_path],
            bust=True,
            bodies=[
                json.dumps({"query": Q_LIST_MISS, "variables": {"ch": ch, "lte": 0}}).replace(
                    '"lte": 0', '"lte": __LTE__'
                )
            ],
        ),
        ("list_miss", "wanshang"): wrk_script(tmp, "ws_list_miss", paths=["/api/store/products"], bust=True),
        ("category", "saleor"): wrk_script(
            tmp,
            "sa_category",
            paths=[sa_path] * len(sa_fx["categories"]),
            bodies=post_bodies(Q_CATEGORY, [{"ch": ch, "slug": c} for c in sa_fx["categories"]]),
        ),
        ("category", "wanshang"): wrk_script(
            tmp, "ws_category", paths=[f"/c/{slug}/" for slug in ws_fx["categories"]]
        ),
        ("detail", "saleor"): wrk_script(
            tmp,
            "sa_detail",
            paths=[sa_path] * len(sa_fx["detail"]),
            bodies=post_bodies(Q_DETAIL, [{"ch": ch, "id": pid} for pid in sa_fx["detail"]]),
        ),
        ("detail", "wanshang"): wrk_script(
            tmp, "ws_detail", paths=[f"/api/store/products/{pk}" for pk in ws_fx["detail"]]
        ),
        ("detail_page", "wanshang"): wrk_script(
            tmp, "ws_page", paths=[f"/p/{pk}/" for pk in ws_fx["detail"]]
        ),
    }
    scripts[("detail_page", "saleor")] = scripts[("detail", "saleor")]
    runs: dict = {}
    for fig in FIGURES:
        if fig == "checkout":
            ws_flow = wanshang_checkout(ws_base, ws_fx, random.Random(rng.random()))
            sa_flow = saleor_checkout(sa_url, ch, sa_fx, random.Random(rng.random()))
            runs[fig] = {
                "saleor": lambda c, f=sa_flow: run_flows(f, seconds=cs, concurrency=c),
                "wanshang": lambda c, f=ws_flow: run_flows(f, seconds=cs, concurrency=c),
            }
        else:
            runs[fig] = {
                "saleor": lambda c, sc=scripts[(fig, "saleor")]: run_wrk(
                    sa_root, sc, seconds=s, connections=c
                ),
                "wanshang": lambda c, sc=scripts[(fig, "wanshang")]: run_wrk(
                    ws_base, sc, seconds=s, connections=c
                ),
            }
    return runs


def warm_up(runs: dict, figures: list[str]) -> None:
    """One short pass of every figure so neither server pays first-request costs inside a measured run."""
    for fig in figures:
        for side in ("saleor", "wanshang"):
            runs[fig][side](1)


def main(argv=None) -> int:
    args = parse_args(argv)
    figures = [f for f in args.figures.split(",") if f]
    if set(figures) - set(FIGURES):
        raise SystemExit(f"--figures must be among {FIGURES}")
    levels = [int(c) for c in args.concurrency.split(",") if c]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = wanshang_env()
    _common.django_setup()
    _common.require_current_schema()
    rng = random.Random(args.seed)
    ws_fx = wanshang_fixture(rng, buyers=max(levels))
    from django.db import connections

    connections.close_all()
    sa_fx = saleor_fixture(args.saleor_url, args.saleor_channel, rng)
    print(
        f"Wanshang: {len(ws_fx['detail'])} products, {len(ws_fx['categories'])} categories, "
        f"{len(ws_fx['skus'])} SKUs for checkout; Saleor: {len(sa_fx['detail'])} products, "
        f"{len(sa_fx['categories'])} categories, {len(sa_fx['variants'])} variants for checkout",
        flush=True,
    )
    proc = None
    ws_base = args.wanshang_url.rstrip("/")
    if not ws_base:
        proc, ws_base = start_wanshang(args, env)
        print(f"Wanshang: gunicorn, {args.workers} sync workers, {ws_base} (pid {proc.pid})", flush=True)
    all_runs: list[dict] = []
    summary: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(prefix="http-compare-") as tmp:
            runs = build_runs(args, Path(tmp), ws_base, ws_fx, sa_fx, rng)
            saved = args.duration, args.checkout_duration
            args.duration = args.checkout_duration = 1
            warm_up(build_runs(args, Path(tmp), ws_base, ws_fx, sa_fx, rng), figures)
            args.duration, args.checkout_duration = saved
            for fig in figures:
                for c in levels:
                    pairs = []
                    for i in range(args.pairs):
                        order = ("saleor", "wanshang") if i % 2 == 0 else ("wanshang", "saleor")
                        pair = {}
                        for side in order:
                            pair[side] = runs[fig][side](c)
                        pair["load"] = _common.loadavg()
                        pairs.append(pair)
                        all_runs.append({"figure": fig, "c": c, "pair": i, **pair})
                    row = summarize(fig, c, pairs)
                    summary.append(row)
                    print_row(row)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print_table(summary)
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": all_runs, "summary": summary}, indent=1))
    print("RESULT " + json.dumps({"bench": "http_compare", "summary": summary}))
    return 0


def summarize(fig: str, c: int, pairs: list[dict]) -> dict:
    def med(side, key):
        return statistics.median(p[side][key] for p in pairs)

    ratios = [p["wanshang"]["rps"] / p["saleor"]["rps"] for p in pairs if p["saleor"]["rps"] > 0]
    return {
        "figure": fig,
        "c": c,
        "saleor_rps": med("saleor", "rps"),
        "saleor_p50": med("saleor", "p50_ms"),
        "saleor_p99": med("saleor", "p99_ms"),
        "wanshang_rps": med("wanshang", "rps"),
        "wanshang_p50": med("wanshang", "p50_ms"),
        "wanshang_p99": med("wanshang", "p99_ms"),
        "ratio": statistics.median(ratios) if ratios else float("nan"),
        "saleor_errors": sum(p["saleor"]["errors"] for p in pairs),
        "wanshang_errors": sum(p["wanshang"]["errors"] for p in pairs),
        "load": [round(p["load"], 2) for p in pairs],
    }


def print_row(r: dict) -> None:
    print(
        f"{r['figure']:12} c={r['c']:<3} Saleor {r['saleor_rps']:7.1f}/s p50 {r['saleor_p50']:7.1f} "
        f"p99 {r['saleor_p99']:7.1f} | Wanshang {r['wanshang_rps']:7.1f}/s p50 {r['wanshang_p50']:7.1f} "
        f"p99 {r['wanshang_p99']:7.1f} | ratio {r['ratio']:5.2f}x errors {r['saleor_errors']}/{r['wanshang_errors']} "
        f"load {r['load']}",
        flush=True,
    )


def print_table(summary: list[dict]) -> None:
    print(
        "\n| figure | c | Saleor req/s | p50 / p99 ms | Wanshang req/s | p50 / p99 ms | ratio | errors | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in summary:
        print(
            f"| {r['figure']} | {r['c']} | {r['saleor_rps']:.1f} | {r['saleor_p50']:.0f} / {r['saleor_p99']:.0f} "
            f"| {r['wanshang_rps']:.1f} | {r['wanshang_p50']:.0f} / {r['wanshang_p99']:.0f} | "
            f"{r['ratio']:.2f}× | {r['saleor_errors']}/{r['wanshang_errors']} | {min(r['load']):.1f}–{max(r['load']):.1f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
