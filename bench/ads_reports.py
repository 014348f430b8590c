#!/usr/bin/env python
"""推广报表 at scale: ad event logging throughput, the hourly rollup, and 30-day report reads.

    .venv/bin/python bench/ads_reports.py setup   --db postgres          # fresh DB: 15 shops, ad plans, 200 keywords
    .venv/bin/python bench/ads_reports.py logging --db postgres --pages 5000 --clicks 3000
    .venv/bin/python bench/ads_reports.py load    --db postgres --impressions 3000000 --others 1500000
    .venv/bin/python bench/ads_reports.py rollup  --db postgres          # ads.rollup job: full build, quiet tick
    .venv/bin/python bench/ads_reports.py measure --db postgres --reps 20

Database: `wanshang_bench_adreports` on PostgreSQL, `$WANSHANG_VAR_DIR/events/adreports.sqlite3` on SQLite
(bench/_events.py `use_database`; shops and products from its `seed_catalog`). `setup` opens the shops and gives
each a funded keyword plan through `ads.services`: the first shop 20 ad groups × 10 keywords (200), the others one
group of 20.

`logging` times the real paths, one process, with a fresh ads spool folder: the request side
(`traffic.impressions_record` of a page view of 4 ads and `traffic.click_record` of a valid or a robot's click
append a line to the spool: µs each), then the `ads.ingest` job over what was spooled (events/s: read, parse,
insert impressions, settle and charge clicks under the budget guards, commit) for impressions, valid clicks
(charged), robots' clicks and a mixed stream (4 impressions a page view, each clicked with `--ctr`, 3 %).

`load` bulk-inserts 30 local days ending now (the hourly curve of bench/_events.py) of raw rows: impressions of the
first shop over its 200 keywords and two placements, `--others` impressions spread over the other shops; clicks at
3 % (90 % charged, 7 % bot / invalid / duplicate, 3 % unpaid), a charge ledger row per charged click, 1 % of them
refunded, conversions for 4 % of the charged clicks. A search impression's query is its group's head word (40 %),
the head with one or two of ten modifiers (40 %), or a one-off long-tail query (20 %). `--audience` impressions
of a CPM audience plan of the first shop (made on the first load: one group, three crowd targets) over three
placements, 1 % clicked (charged nothing), 4 % of those converted, and a CpmCharge + ledger charge per block of
1000 of its impressions per day (as `audience_cpm` charges them). COPY on PostgreSQL, executemany on SQLite.

`rollup` runs the `ads.rollup` job until it has built every hour (HOURS_PER_TICK a run), then a quiet run, then one
hour rebuilt. `measure` times each report read `--reps` times (the raw search terms 3 times) after one untimed call: the seller's 30-day
`traffic_report` by day, hour, group, keyword and placement, the search terms over 30 days (the page's top 50 and
the whole list), 7 days and today (the term rollup), the audience plan's crowd report over 30 days, and the platform's
`platform_overview`; p50 / p95 / max in ms and the load average. One `RESULT {json}` line per command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
import _events  # noqa: E402

NAME = "adreports"
DAYS = 30
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
MODIFIERS = "女 男 夏季 冬季 纯棉 韩版 宽松 加厚 便携 官方".split()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup", help="fresh database: shops, products, ad plans and keywords")
    log = sub.add_parser("logging", help="impression and click logging throughput")
    log.add_argument("--pages", type=int, default=5000, help="search page views of 4 ads")
    log.add_argument("--clicks", type=int, default=3000)
    log.add_argument("--ctr", type=float, default=0.03, help="mixed stream: share of impressions clicked")
    load = sub.add_parser("load", help="bulk-insert 30 days of ad events")
    load.add_argument("--impressions", type=int, default=3_000_000, help="the first shop's impressions")
    load.add_argument("--others", type=int, default=1_500_000, help="the other shops' impressions")
    load.add_argument(
        "--audience", type=int, default=300_000, help="the first shop's CPM audience impressions"
    )
    load.add_argument("--seed", type=int, default=1)
    sub.add_parser("rollup", help="time the ads.rollup job")
    measure = sub.add_parser("measure", help="time the report reads")
    measure.add_argument("--reps", type=int, default=20)
    measure.add_argument("--no-terms", action="store_true", help="leave out the search-term reads")
    for sp in sub.choices.values():
        _common.add_db_argument(sp)
    return p.parse_args(argv)


def result(cmd: str, db: str, **figures) -> None:
    print(
        "RESULT "
        + json.dumps({"bench": f"ads_reports.{cmd}", "db": db, "load": _common.loadavg(), **figures})
    )


def _meta(db: str) -> dict:
    meta = _events.meta_load(db, NAME)
    if meta is None:
        sys.exit(f"run `bench/ads_reports.py setup --db {db}` first")
    return meta


# --- setup ------------------------------------------------------------------------------------------------------


def setup(db: str) -> None:
    from django.db import transaction
    from django.utils import timezone

    from wanshang.ads.models import AdAccount, AdPlan
    from wanshang.ads.services import (
        KeywordInput,
        PlanInput,
        group_create,
        keywords_add,
        plan_create,
        plan_set_status,
    )

    started = time.perf_counter()
    catalog = _events.seed_catalog(1)
    shops = []
    for rank, info in enumerate(catalog["shops"]):
        from wanshang.merchants.selectors import shop_get

        shop = shop_get(shop_id=info["id"])
        plan = plan_create(
            shop=shop,
            data=PlanInput(
                name=f"压测计划{rank + 1}",
                daily_budget_fen=10_000_000,
                start_date=timezone.localdate(),
                end_date=timezone.localdate() + timedelta(days=365),
            ),
        )
        groups = []
        n_groups, per_group = (20, 10) if rank == 0 else (1, 20)
        for g in range(n_groups):
            product_id = info["products"][g % len(info["products"])][0]
            group = group_create(shop=shop, plan_id=plan.pk, product_id=product_id, default_bid_fen=150)
            head = _events.WORDS[(g + rank) % len(_events.WORDS)]
            words = [head] + [f"{m}{head}" for m in MODIFIERS][: per_group - 1]
            words += [f"{head}{m}" for m in MODIFIERS][: max(0, per_group - len(words))]
            kws = keywords_add(
                shop=shop, group_id=group.pk, rows=[KeywordInput(word=w) for w in words[:per_group]]
            )
            groups.append(
                {"id": group.pk, "product_id": product_id, "keywords": [k.pk for k in kws], "head": head}
            )
        plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        shops.append({"id": shop.pk, "plan_id": plan.pk, "groups": groups})
    with transaction.atomic():  # the bench spends freely: no budget or balance ever refuses a click
        AdPlan.objects.update(daily_budget_fen=10**12)
        for s in shops:
            AdAccount.objects.update_or_create(shop_id=s["id"], defaults={"balance_fen": 10**13})
    _events.meta_save(db, NAME, {"shops": shops})
    result("setup", db, shops=len(shops), keywords=sum(len(g["keywords"]) for s in shops for g in s["groups"]),
           seconds=round(time.perf_counter() - started, 1))  # fmt: skip


# --- logging ----------------------------------------------------------------------------------------------------


def _ads(meta, rng, n=4):
    """n ads of random shops' keywords as the auction would have served them."""
    from wanshang.ads.traffic import ServedAd

    out, shop_of = [], {}
    for pos in range(1, n + 1):
        shop = rng.choice(meta["shops"])
        group = rng.choice(shop["groups"])
        ad = ServedAd(
            position=pos * 5 - 4,
            product=SimpleNamespace(pk=group["product_id"]),
            plan_id=shop["plan_id"],
            group_id=group["id"],
            keyword_id=rng.choice(group["keywords"]),
            price_fen=rng.randrange(20, 150),
            token="",
        )
        out.append(ad)
        shop_of[group["id"]] = shop["id"]
    return out, shop_of


def _token(ad, shop_of, *, visitor: str, now) -> str:
    from wanshang.ads.traffic import token_make

    win = SimpleNamespace(
        candidate=SimpleNamespace(
            ad=SimpleNamespace(
                group_id=ad.group_id,
                keyword_id=ad.keyword_id,
                plan_id=ad.plan_id,
                shop_id=shop_of[ad.group_id],
                product_id=ad.product.pk,
            ),
            bid_fen=150,
        ),
        price_fen=ad.price_fen,
        position=ad.position,
    )
    return token_make(win=win, query="压测", page_view=os.urandom(16).hex(), visitor=visitor, now=now)


def _spool_dir() -> str:
    """A fresh ads spool folder for this run (so the ingest reads only what this run spooled)."""
    import tempfile

    from django.conf import settings

    path = tempfile.mkdtemp(prefix="adlog-spool-")
    settings.WANSHANG = {**settings.WANSHANG, "ADS_SPOOL_DIR": path, "ADS_TRANSPORT": "spool"}
    return path


def _ingest_figure(events: int) -> dict:
    """Run the ads.ingest job over what was spooled: events/s of the whole job (read, parse, insert, settle
    and charge the clicks, commit), and the clicks' statuses."""
    from django.db.models import Count

    from wanshang.ads.models import AdClick
    from wanshang.ads.services import ad_events_ingest

    before = dict(AdClick.objects.values_list("status").annotate(n=Count("id")))
    t0 = time.perf_counter()
    read = ad_events_ingest(max_rows=10**9)
    took = time.perf_counter() - t0
    after = dict(AdClick.objects.values_list("status").annotate(n=Count("id")))
    statuses = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
    return {"events": read, "expected": events, "seconds": round(took, 3), "per_s": round(read / took),
            "statuses": statuses}  # fmt: skip


def _timed(fn, items) -> tuple[float, list]:
    t0 = time.perf_counter()
    out = [fn(*item) for item in items]
    return time.perf_counter() - t0, out


def logging_bench(db: str, pages: int, clicks: int, ctr: float) -> None:
    """The request side (µs a page view's impressions and a click cost the web process) and the ingest job's
    throughput (events/s) for impressions, valid clicks (charged), and a mixed stream."""
    from django.utils import timezone

    from wanshang.ads.traffic import click_record, impressions_record

    meta, rng = _meta(db), random.Random(7)
    spool = _spool_dir()
    figures = {}

    def page(served, shop_of, visitor):
        impressions_record(
            served=served, shop_of=shop_of, page_view=os.urandom(16).hex(), query="压测", visitor=visitor,
            terminal="pc", now=timezone.now(),
        )  # fmt: skip
        return len(served)

    def click(token, visitor, agent=BROWSER):
        return click_record(token=token, visitor=visitor, user_id=None, user_agent=agent).status

    def clicks_todo(kind: str, n: int) -> list[tuple]:
        todo = []
        for i in range(n):
            served, shop_of = _ads(meta, rng, 1)
            visitor = f"{kind}{i}{os.urandom(4).hex()}"[:32]
            todo.append((_token(served[0], shop_of, visitor=visitor, now=timezone.now()), visitor))
        return todo

    # impressions: page views of 4 ads
    batches = [(*_ads(meta, rng), "v" * 32) for _ in range(pages)]
    took, _ = _timed(page, batches)
    figures["impressions_request"] = {"pages": pages, "us_per_page_view": round(took / pages * 1e6, 1)}
    figures["impressions_ingest"] = _ingest_figure(pages * 4)
    # valid clicks (every one charged) and robots' clicks (recorded, never charged)
    for kind, agent in (("valid_clicks", BROWSER), ("bot_clicks", "Baiduspider/2.0")):
        todo = [(token, visitor, agent) for token, visitor in clicks_todo(kind, clicks)]
        took, _ = _timed(click, todo)
        figures[f"{kind}_request"] = {"clicks": clicks, "us_per_click": round(took / clicks * 1e6, 1)}
        figures[f"{kind}_ingest"] = _ingest_figure(clicks)
    # the mixed stream: 4 impressions a page view, each clicked with probability `ctr` (valid, charged)
    stream = []
    for i in range(pages):
        served, shop_of = _ads(meta, rng)
        visitor = f"mix{i}{os.urandom(4).hex()}"[:32]
        tokens = [
            _token(ad, shop_of, visitor=visitor, now=timezone.now()) for ad in served if rng.random() < ctr
        ]
        stream.append((served, shop_of, visitor, tokens))
    t0 = time.perf_counter()
    events = 0
    for served, shop_of, visitor, tokens in stream:
        events += page(served, shop_of, visitor)
        for token in tokens:
            click(token, visitor)
            events += 1
    took = time.perf_counter() - t0
    figures["mixed_request"] = {"events": events, "us_per_event": round(took / events * 1e6, 1)}
    figures["mixed_ingest"] = _ingest_figure(events)
    for name, f in figures.items():
        print(f"{name:22} {json.dumps(f, ensure_ascii=False)}")
    result("logging", db, spool=spool, **figures)


# --- load -------------------------------------------------------------------------------------------------------

IMP_COLS = (
    "ts", "page_view", "shop_id", "plan_id", "group_id", "keyword_id", "product_id", "position", "price_fen",
    "query", "visitor", "terminal", "placement", "crowd_id",
)  # fmt: skip
CLICK_COLS = (
    "id", "token_hash", "ts", "issued_at", "page_view", "shop_id", "plan_id", "group_id", "keyword_id",
    "product_id", "position", "query", "visitor", "terminal", "price_fen", "charged_fen", "status", "reason",
    "placement", "crowd_id",
)  # fmt: skip
CPM_COLS = (
    "shop_id", "plan_id", "group_id", "date", "block", "impressions", "last_impression_id", "amount_fen", "status",
    "created_at",
)  # fmt: skip
CONV_COLS = (
    "shop_id", "click_id", "order_id", "line_id", "plan_id", "group_id", "keyword_id", "product_id", "query",
    "quantity", "amount_fen", "paid_at", "placement",
)  # fmt: skip
LEDGER_COLS = (
    "shop_id", "account_id", "kind", "amount_fen", "balance_after_fen", "reference", "note", "plan_id",
    "group_id", "keyword_id", "created_at",
)  # fmt: skip


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany (naive UTC text for datetimes) on SQLite."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def write(self, table: str, cols: tuple, rows: list[tuple]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cur:
            if self.pg:
                with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                fixed = [
                    tuple(
                        str(v.astimezone(UTC).replace(tzinfo=None)) if isinstance(v, datetime) else v
                        for v in r
                    )
                    for r in rows
                ]
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", fixed)  # noqa: S608


def _instants(rng, n: int, start: datetime, days: int, now: datetime):
    """n instants over `days` days from `start` (local midnight) following the hourly curve, none after now."""
    weights = _events.HOURLY
    hours = [start + timedelta(hours=d * 24 + h) for d in range(days) for h in range(24)]
    hours = [h for h in hours if h <= now]
    w = [weights[h.hour] for h in hours]
    for h in rng.choices(hours, weights=w, k=n):
        span = min(3600.0, (now - h).total_seconds()) if h + timedelta(hours=1) > now else 3600.0
        yield h + timedelta(seconds=rng.random() * span)


class Generator:
    """The raw rows of one shop's chunk of impressions (and the clicks, charges, refunds and conversions that
    follow from them), with click ids and order numbers of its own."""

    def __init__(self, rng, *, seed: int, start: datetime, now: datetime, accounts: dict, next_click: int):
        self.rng, self.seed, self.start, self.now = rng, seed, start, now
        self.accounts, self.next_click, self.order_no = accounts, next_click, int(time.time())
        self.counts = {"impressions": 0, "clicks": 0, "conversions": 0, "refunds": 0}

    def chunk(self, shop: dict, n: int) -> dict[str, list]:
        rng = self.rng
        ads = [(g, k) for g in shop["groups"] for k in g["keywords"]]
        kw_weight = [1 / (i + 1) ** 0.6 for i in range(len(ads))]  # a long tail of keywords
        out = {"imps": [], "clicks": [], "ledger": [], "convs": []}
        times = _instants(rng, n, self.start, DAYS, self.now)
        for ts, (g, k) in zip(times, rng.choices(ads, weights=kw_weight, k=n), strict=True):
            placement = "search" if rng.random() < 0.8 else "home"
            price = rng.randrange(30, 150)
            ad = (shop["id"], shop["plan_id"], g["id"], k)
            query = self.query(g["head"]) if placement == "search" else ""
            out["imps"].append((ts, "pv", *ad, g["product_id"], 1, price, query, "v", "pc", placement, None))
            if rng.random() < 0.03:
                self._click(out, shop, g, ad, ts, price, placement, query)
        self.counts["impressions"] += len(out["imps"])
        self.counts["clicks"] += len(out["clicks"])
        self.counts["conversions"] += len(out["convs"])
        return out

    def query(self, head: str) -> str:
        """The head word (40 %), with one or two modifiers (40 %, the first ones likelier), or a one-off (20 %)."""
        roll = self.rng.random()
        if roll < 0.4:
            return head
        if roll < 0.8:
            first = MODIFIERS[min(int(self.rng.expovariate(0.5)), len(MODIFIERS) - 1)]
            second = self.rng.choice(MODIFIERS) if self.rng.random() < 0.5 else ""
            return f"{second}{first}{head}"
        return f"{head} {self.rng.randrange(10**6)}号"

    def audience(self, aud: dict, n: int) -> dict[str, list]:
        """The raw rows of n impressions of the CPM audience plan (crowds 50/30/20 %, three placements)."""
        rng, out = self.rng, {"imps": [], "clicks": [], "ledger": [], "convs": []}
        g = aud["group"]
        ad = (aud["shop_id"], aud["plan_id"], g["id"], 0)
        for ts in _instants(rng, n, self.start, DAYS, self.now):
            crowd = rng.choices(aud["crowds"], weights=(5, 3, 2))[0]
            placement = rng.choice(("home", "product", "cart"))
            price = rng.randrange(300, 1500)  # per mille
            out["imps"].append((ts, "pv", *ad, g["product_id"], 1, price, "", "v", "app", placement, crowd))
            if rng.random() < 0.01:
                cid, self.next_click = self.next_click, self.next_click + 1
                cts = min(ts + timedelta(seconds=rng.randrange(1, 60)), self.now)
                out["clicks"].append((cid, f"a{self.seed}-{cid}", cts, ts, "pv", *ad, g["product_id"], 1, "", "v",
                                      "app", price, 0, "charged", "cpm", placement, crowd))  # fmt: skip
                if rng.random() < 0.04:
                    self.order_no += 1
                    paid = min(cts + timedelta(minutes=rng.randrange(1, 600)), self.now)
                    out["convs"].append((ad[0], cid, self.order_no, self.order_no, *ad[1:], g["product_id"], "", 1,
                                         rng.randrange(2000, 30000), paid, placement))  # fmt: skip
        self.counts["audience"] = self.counts.get("audience", 0) + len(out["imps"])
        return out

    def _click(self, out, shop, g, ad, ts, price, placement, query="") -> None:
        rng, now = self.rng, self.now
        roll = rng.random()
        status = (
            "charged"
            if roll < 0.9
            else ("unpaid" if roll < 0.93 else rng.choice(["bot", "invalid", "duplicate"]))
        )
        cid, self.next_click = self.next_click, self.next_click + 1
        cts = min(ts + timedelta(seconds=rng.randrange(1, 60)), now)
        charged = price if status == "charged" else 0
        out["clicks"].append((cid, f"b{self.seed}-{cid}", cts, ts, "pv", *ad, g["product_id"], 1, query, "v",
                              "pc", price, charged, status, "", placement, None))  # fmt: skip
        if status != "charged":
            return
        account, ref = self.accounts[shop["id"]], f"adclick:{cid}"
        out["ledger"].append((shop["id"], account, "charge", -price, 10**12, ref, "", *ad[1:], cts))
        if rng.random() < 0.01:
            later = cts + timedelta(hours=rng.randrange(1, 48))
            out["ledger"].append(
                (shop["id"], account, "refund", price, 10**12, ref, "无效点击退款：压测", *ad[1:], later)
            )
            self.counts["refunds"] += 1
        if rng.random() < 0.04:
            self.order_no += 1
            paid = min(cts + timedelta(minutes=rng.randrange(1, 600)), now)
            out["convs"].append((shop["id"], cid, self.order_no, self.order_no, *ad[1:], g["product_id"], query, 1,
                                 rng.randrange(2000, 30000), paid, placement))  # fmt: skip


def _audience_plan(meta) -> dict:
    """The first shop's CPM audience plan (one group, three crowds), made once through the services."""
    if meta.get("audience"):
        return meta["audience"]
    from django.utils import timezone

    from wanshang.ads.services import PlanInput, audience_setup_update, group_create, plan_create, target_add
    from wanshang.merchants.selectors import shop_get

    first = meta["shops"][0]
    shop = shop_get(shop_id=first["id"])
    plan = plan_create(
        shop=shop,
        data=PlanInput(name="压测人群计划", daily_budget_fen=10_000_000, start_date=timezone.localdate(),
                       end_date=timezone.localdate() + timedelta(days=365), kind="audience"),
    )  # fmt: skip
    audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpm", frequency_cap=10)
    product_id = first["groups"][0]["product_id"]
    group = group_create(shop=shop, plan_id=plan.pk, product_id=product_id, default_bid_fen=800)
    crowds = [
        target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=100).pk,
        target_add(shop=shop, plan_id=plan.pk, kind="competitor", multiplier_pct=120).pk,
        target_add(
            shop=shop, plan_id=plan.pk, kind="intent", multiplier_pct=150, words=["连衣裙", "半身裙"]
        ).pk,
    ]
    meta["audience"] = {"shop_id": shop.pk, "plan_id": plan.pk, "group": {"id": group.pk, "product_id": product_id},
                        "crowds": crowds}  # fmt: skip
    return meta["audience"]


def _cpm_blocks(writer, aud: dict, accounts: dict, now) -> int:
    """A CpmCharge and a ledger charge (`adcpm:<group>:<date>:<block>`) per block of 1000 of the audience group's
    impressions per day in id order, as `audience_cpm.cpm_charge_due` writes them (today's last block waits)."""
    from django.db import transaction
    from django.utils import timezone

    from wanshang.ads.engine.audience import cpm_block_fen
    from wanshang.ads.models import AdImpression, CpmCharge
    from wanshang.common.dates import day_bounds

    group_id, done = aud["group"]["id"], 0
    today = timezone.localdate(now)
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        if CpmCharge.objects.filter(group_id=group_id, date=day).exists():
            continue
        lo, hi = day_bounds(day)
        rows = list(
            AdImpression.objects.filter(group_id=group_id, shop_id=aud["shop_id"], ts__gte=lo, ts__lt=hi)
            .order_by("id")
            .values_list("id", "price_fen", "ts")
        )
        full = len(rows) // 1000 + (1 if day < today and len(rows) % 1000 else 0)
        blocks, ledger = [], []
        for n in range(full):
            part = rows[n * 1000 : (n + 1) * 1000]
            fen = cpm_block_fen(p for _i, p, _t in part)
            blocks.append((aud["shop_id"], aud["plan_id"], group_id, day, n, len(part), part[-1][0], fen,
                           "charged" if fen else "free", part[-1][2]))  # fmt: skip
            if fen:
                ledger.append((aud["shop_id"], accounts[aud["shop_id"]], "charge", -fen, 10**12,
                               f"adcpm:{group_id}:{day.isoformat()}:{n}", "千次展示扣费", aud["plan_id"], group_id,
                               None, part[-1][2]))  # fmt: skip
        with transaction.atomic():
            writer.write("ads_cpmcharge", CPM_COLS, blocks)
            writer.write("ads_adledgerentry", LEDGER_COLS, ledger)
        done += len(blocks)
    return done


def load(db: str, impressions: int, others: int, seed: int, audience: int = 0) -> None:
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from wanshang.ads.models import AdAccount, AdClick

    meta, rng = _meta(db), random.Random(f"ads-load:{seed}")
    now = timezone.localtime()
    accounts = dict(AdAccount.objects.values_list("shop_id", "pk"))
    gen = Generator(
        rng,
        seed=seed,
        start=now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=DAYS - 1),
        now=now,
        accounts=accounts,
        next_click=(AdClick.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
    )
    writer, t0, chunk = Writer(), time.perf_counter(), 200_000
    target, rest = meta["shops"][0], meta["shops"][1:]
    aud = _audience_plan(meta) if audience else None
    _events.meta_save(db, NAME, meta)
    jobs = (
        [(target, impressions)]
        + [(s, others // len(rest)) for s in rest]
        + ([(aud, audience)] if aud else [])
    )
    for shop, total in jobs:
        done = 0
        while done < total:
            n = min(chunk, total - done)
            rows = gen.audience(shop, n) if shop is aud else gen.chunk(shop, n)
            with transaction.atomic():
                writer.write("ads_adimpression", IMP_COLS, rows["imps"])
                writer.write("ads_adclick", CLICK_COLS, rows["clicks"])
                writer.write("ads_adledgerentry", LEDGER_COLS, rows["ledger"])
                writer.write("ads_adconversion", CONV_COLS, rows["convs"])
            done += len(rows["imps"])
            print(f"shop {shop.get('id', 'audience')}: {done}/{total} impressions", flush=True)
    if aud:
        gen.counts["cpm_blocks"] = _cpm_blocks(writer, aud, accounts, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('ads_adclick', 'id'), (SELECT MAX(id) FROM ads_adclick))"
            )
            cur.execute("ANALYZE")
    meta["anchor"] = now.isoformat()
    _events.meta_save(db, NAME, meta)
    result("load", db, **gen.counts, seconds=round(time.perf_counter() - t0, 1))


# --- rollup and reads -------------------------------------------------------------------------------------------


def rollup(db: str) -> None:
    from django.utils import timezone

    from wanshang.ads.models import AdStatDay, AdStatGroupHour, AdStatHour, AdTermDay, AdTermHour
    from wanshang.ads.rollup import hour_build, hour_floor, rollup_run

    t0, runs, hours = time.perf_counter(), [], 0
    while True:
        r0 = time.perf_counter()
        built = rollup_run()
        runs.append((built, time.perf_counter() - r0))
        hours += built
        if built == 0:
            break
    full = time.perf_counter() - t0
    q0 = time.perf_counter()
    rollup_run()
    quiet = time.perf_counter() - q0
    busy = hour_floor(timezone.now() - timedelta(hours=3)).replace(hour=21) - timedelta(days=1)
    h0 = time.perf_counter()
    rows = hour_build(busy)
    one = time.perf_counter() - h0
    stat_rows = AdStatHour.objects.count()
    side = {m.__name__: m.objects.count() for m in (AdStatDay, AdStatGroupHour, AdTermHour, AdTermDay)}
    print(f"full build: {hours} hours in {full:.1f} s over {len(runs)} runs; quiet run {quiet * 1000:.0f} ms; "
          f"one busy hour ({rows} rows) {one * 1000:.0f} ms; {stat_rows} AdStatHour rows; {side}")  # fmt: skip
    result("rollup", db, hours=hours, full_s=round(full, 1), runs=len(runs), quiet_ms=round(quiet * 1000, 1),
           one_hour_ms=round(one * 1000, 1), one_hour_rows=rows, stat_rows=stat_rows, **side)  # fmt: skip


def measure(db: str, reps: int, terms: bool = True) -> None:
    from wanshang.ads.platform_reports import platform_overview
    from wanshang.ads.reports import crowd_report, search_terms, traffic_report
    from wanshang.merchants.selectors import shop_get

    meta = _meta(db)
    shop = shop_get(shop_id=meta["shops"][0]["id"])
    reads = {f"seller_30d_by_{by}": (lambda by=by: traffic_report(shop=shop, by=by, days=30))
             for by in ("day", "hour", "group", "keyword", "placement")}  # fmt: skip
    reads["seller_30d_page_set"] = lambda: [
        traffic_report(shop=shop, by=by, days=30) for by in ("day", "hour", "keyword")
    ]
    if terms:  # the page's top 50 (limit) and the whole list the API pages through and the Excel holds
        reads["search_terms_30d_page"] = lambda: search_terms(shop=shop, days=30, limit=50)
        reads["search_terms_30d_all"] = lambda: search_terms(shop=shop, days=30)
        reads["search_terms_7d_page"] = lambda: search_terms(shop=shop, days=7, limit=50)
        reads["search_terms_today_page"] = lambda: search_terms(shop=shop, days=1, limit=50)
    if meta.get("audience"):
        plan_id = meta["audience"]["plan_id"]
        reads["crowds_30d_plan"] = lambda: crowd_report(shop=shop, plan_id=plan_id, days=30)
        reads["crowds_30d_shop"] = lambda: crowd_report(shop=shop, days=30)
    reads["platform_30d"] = lambda: platform_overview(days=30)
    figures = {}
    for name, fn in reads.items():
        fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        figures[name] = {"p50": round(_common.percentile(times, 50), 1), "p95": round(_common.percentile(times, 95), 1),
                         "max": round(times[-1], 1), "load": _common.loadavg()}  # fmt: skip
        print(
            f"{name:24} p50 {figures[name]['p50']:>8.1f} ms  p95 {figures[name]['p95']:>8.1f} ms  max {figures[name]['max']:>8.1f} ms  load {figures[name]['load']}",
            flush=True,
        )
    total = traffic_report(shop=shop, by="day", days=30).total
    extra = {}
    if terms:
        rows = search_terms(shop=shop, days=30)
        extra = {"terms_30d_rows": len(rows), "terms_30d_rest_rows": sum(1 for r in rows if r.extra["rest"])}
    if meta.get("audience"):
        crowds = crowd_report(shop=shop, plan_id=meta["audience"]["plan_id"], days=30)
        extra["crowds_30d"] = [
            [r.label, r.impressions, r.spend_fen, r.orders, round(r.roas, 2)] for r in crowds.rows
        ]
    result("measure", db, reps=reps, impressions_30d=total.impressions, clicks_30d=total.clicks,
           spend_30d_fen=total.spend_fen, **extra, **figures)  # fmt: skip


def main(argv=None) -> None:
    args = parse_args(argv)
    db = args.db or "sqlite"
    _events.use_database(db, NAME, fresh=args.cmd == "setup")
    if args.cmd != "setup":
        _common.require_current_schema()
    {
        "setup": lambda: setup(db),
        "logging": lambda: logging_bench(db, args.pages, args.clicks, args.ctr),
        "load": lambda: load(db, args.impressions, args.others, args.seed, args.audience),
        "rollup": lambda: rollup(db),
        "measure": lambda: measure(db, args.reps, not args.no_terms),
    }[args.cmd]()


if __name__ == "__main__":
    main()
