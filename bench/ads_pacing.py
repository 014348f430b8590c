#!/usr/bin/env python
"""Standard pacing's cost in the keyword auction: the same synthetic marketplace as `ads_auction.py` (100,000 ad
groups, 1,000,000 keywords, 10 groups a plan), every plan standard-paced with an entry rate drawn from
0.05–1, each query's auction run by `KeywordIndex.auction` without exclusion and with serving's lazy
`throttle.Excluded` (the draw made only for the plans the merge meets), interleaved query by query.

    .venv/bin/python bench/ads_pacing.py                              # the issue-14 size
    .venv/bin/python bench/ads_pacing.py --groups 10000 --queries 2000   # a quick look

Prints p50 / p99 / max of the thread's CPU time and of the wall time per query for both, the ads shown per
query, and the load average. One `RESULT {json}` line.
"""

import argparse
import gc
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")

import django  # noqa: E402

django.setup()  # throttle.py imports models (no query is made here)

from ads_auction import RESERVE_FEN, SLOTS, SYNONYMS, World, pct  # noqa: E402

from wanshang.ads.engine.index import KeywordIndex  # noqa: E402
from wanshang.ads.throttle import Excluded  # noqa: E402
from wanshang.search.text import query_words  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--keywords-per-group", type=int, default=10)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    load_start = os.getloadavg()
    query_words("连衣裙")
    world = World(args.groups, args.keywords_per_group, args.seed)
    index = KeywordIndex.build(world.ads, world.negatives, dict(enumerate(world.quality)))
    gc.collect()
    gc.freeze()
    rng = random.Random(args.seed)
    plans = {ad.plan_id for ad in world.ads}
    rates = {pk: rng.uniform(0.05, 1.0) for pk in plans}
    texts = [world.query() for _ in range(args.queries)]
    times = {k: [] for k in ("plain_cpu", "plain_wall", "paced_cpu", "paced_wall")}
    shown = {"plain": 0, "paced": 0}
    for n, text in enumerate(texts):
        words = query_words(text)
        a, b = time.perf_counter(), time.thread_time()
        plain = index.auction(words, SYNONYMS, slots=SLOTS, reserve_fen=RESERVE_FEN, tie_seed=n)
        c, d = time.perf_counter(), time.thread_time()
        skip = Excluded(set(), rates, n)
        paced = index.auction(
            words, SYNONYMS, slots=SLOTS, reserve_fen=RESERVE_FEN, tie_seed=n, exclude_plans=skip
        )
        e, f = time.perf_counter(), time.thread_time()
        times["plain_wall"].append((c - a) * 1000)
        times["plain_cpu"].append((d - b) * 1000)
        times["paced_wall"].append((e - c) * 1000)
        times["paced_cpu"].append((f - d) * 1000)
        shown["plain"] += len(plain.wins)
        shown["paced"] += len(paced.wins)
    out = {
        "groups": args.groups,
        "keywords": index.size,
        "plans": len(plans),
        "queries": args.queries,
        **{
            k: {"p50": round(pct(v, 50), 3), "p99": round(pct(v, 99), 3), "max": round(max(v), 3)}
            for k, v in times.items()
        },
        "ads_shown_per_query": {k: round(v / args.queries, 2) for k, v in shown.items()},
        "load_start": load_start,
        "load_end": os.getloadavg(),
    }
    for k in times:
        print(f"{k:>11}: p50 {out[k]['p50']} ms, p99 {out[k]['p99']} ms, max {out[k]['max']} ms")
    print("RESULT " + json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
