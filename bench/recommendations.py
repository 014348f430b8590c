#!/usr/bin/env python
"""Offline measurement of the recommenders: hit rate at 10 on the marketplace simulator's data.

    .venv/bin/python bench/recommendations.py                 # SQLite under /tmp/bench-var-recs (loads the demo)
    .venv/bin/python bench/recommendations.py --db postgres   # postgres://…/wanshang_bench (DATABASE_URL overrides)
    .venv/bin/python bench/recommendations.py --simulate-days 14 --visitors-per-day 300 --reset

Data. A bench database holding the demo marketplace with its simulated history (`load_demo`: shops, products,
buyers, then days of visitors browsing, favouriting, carting and paying through the real services,
wanshang/demo/simulator.py). An empty database is loaded first (`--simulate-days`, `--visitors-per-day`,
`--seed`); a loaded one is used as it is (`--reset` starts over). Any safe database works (bench/_common.py).

Protocol (leave-last-out per buyer, two experiments):

* view — for each signed-in buyer, the last product whose page they viewed and had not touched before is held
  out; everything that buyer did from their first touch of it on is removed, the rest of the log is the
  training data. 看了又看 is asked about the product the buyer touched just before (topped up from its category,
  as on the site); 猜你喜欢 is asked with the buyer's remaining history; the baselines are the mall's popular
  products (without what the buyer already touched or bought, as 猜你喜欢 leaves them out) and the popular
  products of the query product's category.
* buy — the same with the last product each buyer paid for that they had not bought before, cut at their first
  touch of it; 买了又买 is asked about the product they bought before.

A hit is the held-out product among the 10 recommended. The recommenders are wanshang/recommendations/engine.py,
the code the job and the pages run; the read-time filter (on sale, in stock) is left out, as it only removes
products. Prints one table per experiment; the figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

K = 10
DEFAULT_VAR_DIR = "/tmp/bench-var-recs"  # its own database: the page benches' catalog has no history


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--simulate-days", type=int, default=30, help="days of history when loading (default 30)")
    p.add_argument("--visitors-per-day", type=int, default=200, help="when loading (default 200)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--reset", action="store_true", help="start from an empty database and load the demo")
    return p.parse_args(argv)


def load(args, url: str) -> None:
    from django.core.management import call_command

    if args.reset and url.startswith("sqlite"):
        path = Path(url.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    from wanshang.demo.services import demo_status

    if demo_status() != "empty":
        print("using the demo already loaded in the bench database")
        return
    started = time.monotonic()
    call_command(
        "load_demo",
        seed=args.seed,
        simulate_days=args.simulate_days,
        visitors_per_day=args.visitors_per_day,
        stdout=open(os.devnull, "w"),  # noqa: SIM115 - closed with the process
    )
    print(f"loaded the demo with {args.simulate_days} simulated days in {time.monotonic() - started:.0f} s")


# --- the data -------------------------------------------------------------------------------------------------


def read_log():
    """Touches (visitor, user_id, product_id, category_id, kind, ts) and paid lines (buyer, product, cat, at)."""
    from wanshang.analytics.selectors import product_touches_since
    from wanshang.orders.selectors import paid_lines_since

    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return list(product_touches_since(since=epoch)), list(paid_lines_since(since=epoch))


def holdouts(touches, lines, *, on: str) -> dict[int, tuple[int, object, int]]:
    """buyer → (held-out product, cut time, query product): see the protocol in the module's docstring."""
    first_touch: dict[tuple[int, int], object] = {}
    history: dict[int, list[tuple[object, int]]] = defaultdict(list)
    for _visitor, user_id, product_id, _cat, _kind, ts in touches:
        if user_id:
            first_touch.setdefault((user_id, product_id), ts)
            history[user_id].append((ts, product_id))
    bought: dict[int, list[tuple[object, int]]] = defaultdict(list)
    for buyer_id, product_id, _cat, paid_at in lines:
        bought[buyer_id].append((paid_at, product_id))
    out = {}
    for user_id in history if on == "view" else bought:
        events = (
            [(ts, p) for ts, p in history[user_id]]
            if on == "view"
            else sorted(bought[user_id], key=lambda e: e[0])
        )
        for ts, product_id in reversed(events):
            cut = min(ts, first_touch.get((user_id, product_id), ts))
            before = [p for t, p in events if t < cut]
            if on == "buy":
                before = before or [p for t, p in history[user_id] if t < cut]
            if product_id in {p for t, p in events if t < ts} or not before:
                continue
            out[user_id] = (product_id, cut, before[-1])
            break
    return out


def train(touches, lines, cuts: dict[int, object]):
    """The tables the job would build from everything but each held-out buyer's tail."""
    from wanshang.recommendations import engine
    from wanshang.recommendations.services import POPULAR_BUY_WINDOW, POPULAR_VIEW_WINDOW

    def kept(user_id, ts):
        return user_id not in cuts or ts < cuts[user_id]

    touches = [t for t in touches if kept(t[1], t[5])]
    lines = [line for line in lines if kept(line[0], line[3])]
    end = max([t[5] for t in touches] + [line[3] for line in lines])
    view_baskets, visitors, categories = defaultdict(set), defaultdict(set), {}
    for visitor, user_id, product_id, category_id, _kind, ts in touches:
        who = visitor or f"u{user_id}"
        view_baskets[(who, ts.date())].add(product_id)
        if ts >= end - POPULAR_VIEW_WINDOW:
            visitors[product_id].add(who)
        categories[product_id] = category_id
    buy_baskets, buyers = defaultdict(set), defaultdict(set)
    for buyer_id, product_id, category_id, paid_at in lines:
        buy_baskets[buyer_id].add(product_id)
        if paid_at >= end - POPULAR_BUY_WINDOW:
            buyers[product_id].add(buyer_id)
        categories[product_id] = category_id
    popularity = engine.popularity_scores(
        Counter({p: len(v) for p, v in visitors.items()}), Counter({p: len(v) for p, v in buyers.items()})
    )
    popular = sorted(popularity, key=lambda p: (-popularity[p], p))
    by_category = defaultdict(list)
    for p in popular:
        by_category[categories.get(p)].append((p, popularity[p]))
    return {
        "co_viewed": engine.co_occurrence(view_baskets.values()),
        "co_bought": engine.co_occurrence(buy_baskets.values()),
        "popular": popular,
        "by_category": by_category,
        "categories": categories,
        "touches": touches,
        "lines": lines,
    }


def evaluate(model, cases, *, related_kind: str) -> list[tuple[str, int, int]]:
    from wanshang.recommendations import engine
    from wanshang.recommendations.selectors import BOUGHT_WINDOW, HISTORY_WINDOW

    recent = defaultdict(list)  # user → touches newest first
    for _visitor, user_id, product_id, category_id, kind, ts in reversed(model["touches"]):
        if user_id:
            recent[user_id].append((product_id, category_id, kind, ts))
    paid = defaultdict(list)
    for buyer_id, product_id, category_id, paid_at in model["lines"]:
        paid[buyer_id].append((product_id, category_id, paid_at))
    neighbours = {
        kind: {p: [(r, s) for r, s, _n in rows] for p, rows in model[kind].items()}
        for kind in ("co_viewed", "co_bought")
    }
    hits = Counter()
    for user_id, (target, cut, query) in cases.items():
        touches = [(p, c, k) for p, c, k, ts in recent[user_id] if ts >= cut - HISTORY_WINDOW][:50]
        bought = [(p, c) for p, c, at in paid[user_id] if at >= cut - BOUGHT_WINDOW]
        seeds = engine.seeds_from(touches, bought=bought)
        guesses = engine.for_you(
            seeds,
            neighbours=neighbours,
            category_popular=model["by_category"],
            popular=model["popular"],
            limit=K,
        )
        related = [r for r, _s, _n in model[related_kind].get(query, [])]
        if related_kind == "co_viewed":  # topped up from the category, as on the product page
            related += [p for p, _s in model["by_category"][model["categories"].get(query)]]
        related = list(dict.fromkeys(p for p in related if p != query))[:K]
        popular = [p for p in model["popular"] if p not in seeds.exclude][:K]
        same_category = [p for p, _ in model["by_category"][model["categories"].get(query)] if p != query][:K]
        hits[related_kind] += target in related
        hits["for_you"] += target in guesses
        hits["popular"] += target in popular
        hits["category_popular"] += target in same_category
    names = [related_kind, "for_you", "popular", "category_popular"]
    return [(name, hits[name], len(cases)) for name in names]


LABELS = {
    "co_viewed": "看了又看 co_viewed (previous product)",
    "co_bought": "买了又买 co_bought (previous purchase)",
    "for_you": "猜你喜欢 for_you (buyer's history)",
    "popular": "baseline: mall popular (minus seen)",
    "category_popular": "baseline: popular in the previous product's category",
}


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("WANSHANG_VAR_DIR", DEFAULT_VAR_DIR)
    url = _common.configure_env(args.db)
    if url.startswith("postgres"):
        _common.ensure_pg_database(url, recreate=args.reset)
    Path(os.environ["WANSHANG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ["DEBUG"] = "true"  # no collectstatic: this bench serves no page
    _common.django_setup()
    load(args, url)
    started = time.monotonic()
    touches, lines = read_log()
    print(
        f"{_common.db_label(url)}: {len(touches)} product touches, {len(lines)} paid lines, "
        f"{len({t[1] for t in touches if t[1]})} signed-in buyers with touches"
    )
    for on, kind in (("view", "co_viewed"), ("buy", "co_bought")):
        cases = holdouts(touches, lines, on=on)
        model = train(touches, lines, {user: cut for user, (_p, cut, _q) in cases.items()})
        print(
            f"\nheld out each buyer's last new {'viewed' if on == 'view' else 'bought'} product: {len(cases)} buyers"
        )
        print(f"  {'recommender':<55} {'hits':>5} {'hit@10':>7}")
        for name, hit, n in evaluate(model, cases, related_kind=kind):
            print(f"  {LABELS[name]:<55} {hit:>5} {hit / max(n, 1):>7.3f}")
    print(f"\nevaluated in {time.monotonic() - started:.1f} s; load average {_common.loadavg():.2f}")
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
