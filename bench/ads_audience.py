#!/usr/bin/env python
"""The audience auction (引力魔方) per page view, over a synthetic in-memory index: no database.

    .venv/bin/python bench/ads_audience.py                        # 2,000 plans × 5 groups × 4 crowds
    .venv/bin/python bench/ads_audience.py --plans 500 --views 2000

Builds an `AudienceIndex` (`wanshang/ads/audience_serving.py`) of plans with groups in 3,000 leaf categories
(long tail), each plan targeting a similar-product crowd, a competing-shop crowd, an intent crowd of three
words and sometimes a crowd pack of 5,000 buyers, with a CTR history per group and placement; then serves
visitors (20 categories, 10 shops, 5 queries, half signed in) through the same code a request runs after its
database reads: `_candidates` (crowd matching, pCTR, multiplied bid, eCPM rank; only the slots + 1 best become
engine candidates) → `run_auction`. Prints p50 / p99 / max of the wall time and of the thread's CPU time per
view, the load average, and one `RESULT {json}` line.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")

import django  # noqa: E402

django.setup()

from wanshang.ads.audience_serving import (  # noqa: E402
    PLACEMENT_SLOTS,
    AudienceIndex,
    GroupInfo,
    PlanInfo,
    TargetInfo,
    Visitor,
    _candidates,
)
from wanshang.ads.engine import audience as eng  # noqa: E402
from wanshang.ads.engine.auction import run_auction  # noqa: E402

WORDS = [f"词{i}" for i in range(2000)]


def build(plans: int, groups: int, rng: random.Random) -> AudienceIndex:
    categories = [int(rng.paretovariate(1.2) * 10) % 3000 + 1 for _ in range(plans * groups)]
    info, by_plan, targets, packs, competing, ctr = {}, {}, {}, {}, {}, {}
    gid, tid = 0, 0
    for p in range(1, plans + 1):
        shop = p
        found = []
        for _ in range(groups):
            gid += 1
            cat = categories[gid - 1]
            found.append(GroupInfo(gid, p, shop, gid, cat, rng.randint(30, 300)))
            competing.setdefault(cat, set()).add(shop)
            for place in PLACEMENT_SLOTS:
                n = rng.randint(0, 5000)
                ctr[(gid, place)] = (n, int(n * rng.uniform(0, 0.05)))
        mine = []
        for kind, mult in (("similar", 120), ("competitor", 110), ("intent", 150)):
            tid += 1
            words = tuple(rng.sample(WORDS, 3)) if kind == "intent" else ()
            mine.append(TargetInfo(tid, kind, mult + rng.randint(-10, 50), None, words))
        if p % 4 == 0:
            tid += 1
            packs[tid] = (shop, frozenset(rng.sample(range(1, 1_000_000), 5000)))
            mine.append(TargetInfo(tid, "pack", 200, tid))
        billing = "cpm" if p % 5 == 0 else "cpc"
        by_plan[p], targets[p] = found, mine
        info[p] = PlanInfo(shop, True, True, 100_000, None, billing, 3, 900)
    return AudienceIndex(
        key=("bench",),
        plans=info,
        groups=by_plan,
        targets=targets,
        packs=packs,
        competing=competing,
        ctr=ctr,
        placement_ctr={p: 0.01 for p in PLACEMENT_SLOTS},
        max_bid_fen=9999,
    )


def visitor(rng: random.Random, plans: int) -> Visitor:
    return Visitor(
        categories=frozenset(int(rng.paretovariate(1.2) * 10) % 3000 + 1 for _ in range(20)),
        shops=frozenset(rng.randint(1, plans) for _ in range(10)),
        queries=tuple(" ".join(rng.sample(WORDS, 2)) for _ in range(5)),
        user_id=rng.randint(1, 1_000_000) if rng.random() < 0.5 else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--views", type=int, default=3000)
    parser.add_argument(
        "--paced", action="store_true", help="every plan standard-paced at a = 0.5, one in ten at 150 %% here"
    )
    args = parser.parse_args()
    rng = random.Random(14)
    index = build(args.plans, args.groups, rng)
    reserve = eng.reserve_ecpm(10, 0.01)
    walls, cpus = [], []
    extra = {}
    if args.paced:  # the draw per plan and the regional bid: what pacing and region multipliers add per view
        extra = {
            "rates": dict.fromkeys(index.plans, 0.5),
            "percents": {p: 150 for p in index.plans if p % 10 == 0},
        }
    places = list(PLACEMENT_SLOTS)
    for i in range(args.views):
        who, place = visitor(rng, args.plans), places[i % len(places)]
        w0, c0 = time.perf_counter(), time.thread_time()
        slots = PLACEMENT_SLOTS[place]
        found = _candidates(index, place, who, {}, frozenset(), False, set(), keep=slots + 1, seed=i, **extra)
        run_auction(found, slots=slots, reserve_fen=reserve, tie_seed=i)
        cpus.append((time.thread_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)

    def q(xs, p):
        return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]

    result = {
        "plans": args.plans,
        "groups": args.plans * args.groups,
        "views": args.views,
        "paced": args.paced,
        "wall_ms": {
            "p50": round(q(walls, 0.5), 3),
            "p99": round(q(walls, 0.99), 3),
            "max": round(max(walls), 3),
        },
        "cpu_ms": {"p50": round(q(cpus, 0.5), 3), "p99": round(q(cpus, 0.99), 3), "max": round(max(cpus), 3)},
        "load": os.getloadavg(),
    }
    print(f"audience auction over {result['groups']} groups of {args.plans} plans, {args.views} views")
    print(
        f"  wall ms p50 {result['wall_ms']['p50']}  p99 {result['wall_ms']['p99']}  max {result['wall_ms']['max']}"
    )
    print(
        f"  cpu  ms p50 {result['cpu_ms']['p50']}  p99 {result['cpu_ms']['p99']}  max {result['cpu_ms']['max']}"
    )
    print(f"  load {result['load']}")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
