#!/usr/bin/env python
"""Search latency and index growth: seed N SKUs, build the index, time searches with facets.

    .venv/bin/python bench/search.py --db postgres --skus 10000,100000,1000000
    .venv/bin/python bench/search.py --db sqlite --skus 10000

For each size: a fresh bench database seeded by bench/seed_catalog.py (8 shops, ~3.5 SKUs per product), the
index built by `search.services.rebuild_index` (timed; --workers processes on PostgreSQL), its size on disk, then --queries searches of each kind
through `search.selectors.search` in this process (what a page or the API runs: match, filters, count, sort,
the first page of 40 products loaded, every facet):

* word:     one word (a category, brand or product word);
* words:    two words (a word and a category word);
* category: a category subtree and no words (a category page), sorted by 综合.

Prints p50 / p90 / p99 / max in ms per kind and one `RESULT {json}` line per size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

WORDS = [
    "连衣裙",
    "女装",
    "男装",
    "手机",
    "耳机",
    "纯棉",
    "护肤",
    "面霜",
    "零食",
    "坚果",
    "运动",
    "休闲",
    "夏季",
    "真丝",
    "蓝牙",
    "充电",
    "保温杯",
    "口红",
    "卫衣",
    "牛仔裤",
    "lianyiqun",
    "shouji",
    "茶叶",
    "家居",
    "收纳",
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--skus", default="10000", help="comma-separated SKU counts")
    p.add_argument("--queries", type=int, default=200, help="searches per kind")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="index build processes (PostgreSQL only)"
    )
    p.add_argument(
        "--keep", action="store_true", help="reuse the seeded database of the last size (no reseed)"
    )
    p.add_argument(
        "--reuse-index", action="store_true", help="with --keep: time searches on the index as it is"
    )
    return p.parse_args(argv)


def seed(db: str, skus: int) -> None:
    per_shop = max(10, round(skus / 3.5 / 8))
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("seed_catalog.py")),
            "--db",
            db,
            "--reset",
            "--shops",
            "8",
            "--products-per-shop",
            str(per_shop),
            "--buyers",
            "20",
            "--no-index",
        ],
        check=True,
    )


def index_size() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_total_relation_size('search_searchdoc')")
            return cur.fetchone()[0]
        cur.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%' OR name LIKE 'search_searchdoc%'"
        )
        return cur.fetchone()[0] or 0


def measure(queries: int, seed_value: int) -> dict:
    from wanshang.catalog.selectors import categories_by_id
    from wanshang.search.selectors import SearchParams, search

    rng = random.Random(seed_value)
    cats = [c for c in categories_by_id().values()]
    kinds = {
        "word": lambda: SearchParams(q=rng.choice(WORDS)),
        "words": lambda: SearchParams(q=f"{rng.choice(WORDS)} {rng.choice(cats).name}"),
        "category": lambda: SearchParams(category=rng.choice(cats)),
    }
    out = {}
    for kind, make in kinds.items():
        for _ in range(10):  # warm caches and connections
            search(make())
        times, hits = [], []
        for _ in range(queries):
            params = make()
            t = time.perf_counter()
            result = search(params)
            times.append((time.perf_counter() - t) * 1000)
            hits.append(result.total)
        times.sort()
        out[kind] = {
            "p50": round(statistics.median(times), 1),
            "p90": round(times[int(len(times) * 0.9) - 1], 1),
            "p99": round(times[max(0, int(len(times) * 0.99) - 1)], 1),
            "max": round(times[-1], 1),
            "mean_results": round(statistics.mean(hits)),
        }
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or "sqlite"
    url = _common.configure_env(db)
    label = _common.db_label(url)
    for size in [int(s) for s in args.skus.split(",")]:
        if not args.keep:
            seed(db, size)
        _common.django_setup()
        from django.db import connection

        from wanshang.catalog.models import Sku
        from wanshang.search.services import rebuild_index, terms_refresh

        skus = Sku.objects.filter(is_active=True).count()
        t = time.perf_counter()
        if args.keep and args.reuse_index:
            from wanshang.search.models import SearchDoc

            products = SearchDoc.objects.count()
        else:
            products = rebuild_index(workers=args.workers)
            terms_refresh()
        build_s = time.perf_counter() - t
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        size_mb = index_size() / 1e6
        figures = measure(args.queries, args.seed)
        load = os.getloadavg()[0]
        print(
            f"[{label}] {skus} SKUs / {products} products: index built in {build_s:.1f} s "
            f"({args.workers if connection.vendor == 'postgresql' else 1} processes), {size_mb:.1f} MB "
            f"(load {load:.2f})"
        )
        for kind, f in figures.items():
            print(
                f"  {kind:9s} p50 {f['p50']:6.1f} ms  p90 {f['p90']:6.1f}  p99 {f['p99']:6.1f}  max {f['max']:6.1f}  "
                f"(~{f['mean_results']} results)"
            )
        print(
            "RESULT "
            + json.dumps(
                {
                    "db": label,
                    "skus": skus,
                    "products": products,
                    "build_s": round(build_s, 1),
                    "index_mb": round(size_mb, 1),
                    "load": round(load, 2),
                    **figures,
                }
            )
        )
        connection.close()
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
