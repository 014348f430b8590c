#!/usr/bin/env python
"""Where a storefront page's time goes: in-process, no HTTP server, CPU time per request and its parts.

    .venv/bin/python bench/page_breakdown.py [--db postgres] [--n 100]
    DATABASE_URL=postgres://…/wanshang_httpperf .venv/bin/python bench/page_breakdown.py \
        --profile /api/store/products --profile /p/12/ [--n 50]     # pyinstrument, any database

With `--profile URL` (repeatable; a URL ending in `max_price=` gets a new ceiling each request, so the listing
cache misses) it profiles N requests of each URL with pyinstrument instead and prints the call tree (frames
under 2% of the time hidden): where to look first.

For each page type (detail, search, category; list pages also with a unique price ceiling above every
product, so the storefront's listing cache misses) on a few fixed URLs of the seeded bench catalog: the CPU
time of the whole request through Django's WSGI handler (as gunicorn calls it), the number of SQL queries and their wall time,
and the CPU time of two template parts every page renders: the store header (category mega-menu) and
40 product cards. CPU time (not wall time) so that other load on the machine moves the figures little.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def cpu_ms(fn, n: int) -> float:
    fn()
    samples = []
    for _ in range(n):
        t = time.process_time()
        fn()
        samples.append((time.process_time() - t) * 1000)
    return statistics.median(samples) if n < 20 else sum(samples) / n


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--n", type=int, default=100, help="repetitions per measurement")
    p.add_argument("--profile", action="append", default=[], help="profile this URL with pyinstrument")
    args = p.parse_args(argv)
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # as bench/pages.py serves: persistent connections
    url = _common.configure_env(args.db)
    _common.django_setup()
    _common.require_current_schema()
    from urllib.parse import quote

    from django.contrib.auth.models import AnonymousUser
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.template import RequestContext, Template
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    serial = itertools.count()
    handler = WSGIHandler()  # the production request path (the test client would also record every template)
    rf = RequestFactory()

    def get(path):
        if path.endswith("max_price=") or path.endswith("max_price_fen="):  # same results, cache miss
            n = next(serial)
            path += f"{900000 + os.getpid() % 50000 + n // 100}{n % 100:02d}"
        status = []
        body = b"".join(
            handler(rf.get(path, HTTP_HOST="127.0.0.1").environ, lambda s, h, *a: status.append(s))
        )
        if not status or not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status}")
        return body

    if args.profile:
        return profile(args.profile, get, args.n, url)

    from wanshang.catalog.models import Category, Product
    from wanshang.catalog.selectors import product_search

    product = Product.objects.filter(status="on_sale").order_by("id")[Product.objects.count() // 3]
    leaf = Category.objects.filter(level=3, products__isnull=False).order_by("id").first()
    top = leaf.parent.parent
    word = product.brand.name if product.brand else "新款"
    pages = {
        "detail": f"/p/{product.pk}/",
        "search": f"/search/?q={quote('连衣裙')}",
        "search, cache miss": f"/search/?q={quote('连衣裙')}&max_price=",
        "search brand, miss": f"/search/?q={quote(word)}&max_price=",
        "category top": f"/c/{top.slug}/",
        "category top, miss": f"/c/{top.slug}/?max_price=",
        "category leaf, miss": f"/c/{leaf.slug}/?max_price=",
    }
    print(
        f"[{_common.db_label(url)}] CPU per request, in-process (median/mean of {args.n}), load {_common.loadavg()}"
    )
    print(f"{'page':24s} {'CPU ms':>8s} {'queries':>8s} {'SQL ms':>8s}  url")
    for name, path in pages.items():
        ms = cpu_ms(lambda path=path: get(path), args.n)
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            get(path)
            total = (time.perf_counter() - t) * 1000
        sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(
            f"{name:24s} {ms:8.1f} {len(ctx.captured_queries):8d} {sql:8.1f}  {path}  (one request: {total:.1f} ms wall)"
        )

    def request(path):
        req = rf.get(path, HTTP_HOST="127.0.0.1")
        req.user = AnonymousUser()
        req.resolver_match = resolve(req.path)
        return req

    header = Template("{% load storefront %}{% store_header %}")
    cards = Template('{% for p in products %}{% include "storefront/_goods_card.html" %}{% endfor %}')
    products = list(product_search(sort="sales")[:40])
    parts = {
        "store header (mega-menu)": lambda: header.render(RequestContext(request("/p/1/"), {})),
        "40 product cards": lambda: cards.render(RequestContext(request("/search/"), {"products": products})),
        "40-product list query": lambda: list(product_search(sort="sales")[:40]),
        "list count query": lambda: product_search(q="连衣裙").count(),
    }
    print("parts:")
    for name, fn in parts.items():
        print(f"  {name:30s} {cpu_ms(fn, args.n):6.2f} ms CPU")
    return 0


def profile(paths, get, n: int, url: str) -> int:
    """pyinstrument over `n` requests of each path (after one untimed request), CPU per request beside it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    for path in paths:
        get(path)
        with CaptureQueriesContext(connection) as ctx:
            get(path)
        profiler = Profiler(interval=0.0005)
        cpu = time.process_time()
        profiler.start()
        for _ in range(n):
            get(path)
        profiler.stop()
        per = (time.process_time() - cpu) * 1000 / n
        print(
            f"\n=== {path}: {per:.1f} ms CPU per request, {len(ctx.captured_queries)} queries "
            f"[{_common.db_label(url)}, load {_common.loadavg()}]"
        )
        print(
            profiler.output_text(
                unicode=True,
                color=False,
                show_all=False,
                timeline=False,
                processor_options={"filter_threshold": 0.02},
            )
        )
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
