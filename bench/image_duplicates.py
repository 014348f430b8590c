#!/usr/bin/env python
"""The cross-shop near-duplicate search (media.checks) on N pictures: time per look-up, candidates, recall.

    .venv/bin/python bench/image_duplicates.py                          # SQLite under /tmp/bench-var-images
    .venv/bin/python bench/image_duplicates.py --db postgres --assets 200000
    .venv/bin/python bench/image_duplicates.py --db postgres --assets 200000 --distance 3

Data. Its own database (SQLite under /tmp/bench-var-images, or PostgreSQL `wanshang_imagebench`), migrated,
with `--shops` shops and `--assets` picture rows whose 64-bit hashes are uniformly random (real pHashes are
not: pictures of one kind of product cluster, so real candidate counts are higher than these); for each of the
`--lookups` query pictures a copy with 0…distance random bits flipped is planted in another shop. The rows
are inserted directly (no files): the search reads only the hash columns.

Measured. Per look-up, the query media.checks.cross_shop_record makes (the band filter: each band equal to one
of its probes, OR-ed, other shops' pictures only) and the bit count of its candidates, as the upload does; the
share of planted copies found (must be 100 %: the band probes are exact up to the distance); and, for
comparison, one full scan (every hash read and compared in Python). Prints a table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/wanshang_imagebench"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--assets", type=int, default=100_000, help="picture rows (default 100000)")
    p.add_argument("--shops", type=int, default=200)
    p.add_argument("--lookups", type=int, default=300)
    p.add_argument("--distance", type=int, default=6, help="IMAGE_DUPLICATE_MAX_DISTANCE (default 6)")
    p.add_argument("--seed", type=int, default=2026)
    return p.parse_args(argv)


def setup(args) -> str:
    os.environ.setdefault("WANSHANG_VAR_DIR", "/tmp/bench-var-images")
    if args.db == "postgres" and not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = PG_URL
    url = _common.configure_env(args.db)
    if url.startswith("postgres"):
        _common.ensure_pg_database(url, recreate=True)
    else:
        Path(os.environ["WANSHANG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        db = Path(os.environ["WANSHANG_VAR_DIR"]) / "wanshang.sqlite3"
        db.unlink(missing_ok=True)
    os.environ["IMAGE_DUPLICATE_MAX_DISTANCE"] = str(args.distance)
    _common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def flip(value: int, bits) -> int:
    from wanshang.media.analysis import to_signed, to_unsigned

    v = to_unsigned(value)
    for bit in bits:
        v ^= 1 << bit
    return to_signed(v)


def load(args, rng: random.Random) -> list[tuple[int, int, int]]:
    """Insert the shops and pictures; the (shop id, hash, planted copy's hash) of each query picture."""
    from django.db import connection
    from django.utils import timezone

    from wanshang.media.analysis import hash_bands, to_signed
    from wanshang.media.models import MediaAsset
    from wanshang.merchants.models import Shop

    shops = Shop.objects.bulk_create(
        [
            Shop(
                name=f"基准店铺{i}",
                slug=f"bench-{i}",
                company_name="基准公司",
                credit_code="91350100M000100Y43",
            )
            for i in range(args.shops)
        ]
    )
    now = timezone.now()
    queries = []
    rows = []

    def row(shop, phash, n):
        bands = hash_bands(phash)
        return MediaAsset(
            shop=shop,
            kind="image",
            file=f"bench/{n}.jpg",
            sha256=f"{n:064x}",
            width=800,
            height=800,
            content_type="image/jpeg",
            analysed_at=now,
            blur_score=100.0,
            phash=phash,
            phash_b0=bands[0],
            phash_b1=bands[1],
            phash_b2=bands[2],
            phash_b3=bands[3],
        )

    for n in range(args.assets):
        phash = to_signed(rng.getrandbits(64))
        shop = shops[n % len(shops)]
        if n < args.lookups:
            d = rng.randint(0, args.distance)
            copy = flip(phash, rng.sample(range(64), d))
            queries.append((shop.pk, phash, copy))
            rows.append(row(shops[(n + 1) % len(shops)], copy, args.assets + n))
        rows.append(row(shop, phash, n))
        if len(rows) >= 5000:
            MediaAsset.objects.bulk_create(rows)
            rows = []
    MediaAsset.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return queries


def main(argv=None) -> None:
    args = parse_args(argv)
    url = setup(args)
    from wanshang.media.analysis import hamming
    from wanshang.media.checks import _candidates, _shop_pictures

    rng = random.Random(args.seed)
    started = time.perf_counter()
    queries = load(args, rng)
    loaded = time.perf_counter() - started
    times, candidates, found = [], [], 0
    for shop_id, phash, copy in queries:
        t = time.perf_counter()
        rows = _candidates(_shop_pictures().exclude(shop_id=shop_id), [phash], args.distance)
        matches = [pk for pk, _s, h in rows if hamming(phash, h) <= args.distance]
        times.append((time.perf_counter() - t) * 1000)
        candidates.append(len(rows))
        found += any(h == copy for _pk, _s, h in rows)
        assert matches, "the planted copy must be found"
    t = time.perf_counter()
    shop_id, phash, _copy = queries[0]
    every = list(_shop_pictures().exclude(shop_id=shop_id).values_list("phash", flat=True))
    sum(1 for h in every if hamming(phash, h) <= args.distance)
    scan_ms = (time.perf_counter() - t) * 1000
    times.sort()
    print(f"image near-duplicate search · {_common.db_label(url)} · load {_common.loadavg():.2f}")
    print(
        f"pictures {args.assets + args.lookups:,} in {args.shops} shops (loaded in {loaded:.0f} s), "
        f"distance ≤ {args.distance} (probes a band at radius {args.distance // 4})"
    )
    print("| look-ups | p50 ms | p95 ms | max ms | candidates avg | planted copies found | full scan ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {len(times)} | {_common.percentile(times, 50):.2f} | {_common.percentile(times, 95):.2f} | "
        f"{times[-1]:.2f} | {sum(candidates) / len(candidates):.1f} | {found}/{len(queries)} | {scan_ms:.0f} |"
    )


if __name__ == "__main__":
    main()
