#!/usr/bin/env python
"""数据中心 on a columnar engine: the same events and reads as bench/events_dashboard.py, on embedded ClickHouse.

Needs the optional `bench` extra (chdb, with pandas and pyarrow; not in requirements.lock, not in CI):

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/events_chdb.py check --events 150000                 # chdb == the product on SQLite?
    .venv/bin/python bench/events_chdb.py load --name 1m --to 1000000 [--meta PATH]
    .venv/bin/python bench/events_chdb.py load --name 10m --to 10000000 [--meta PATH]
    .venv/bin/python bench/events_chdb.py measure --name 1m --reps 20            # p50/p95 of each read
    .venv/bin/python bench/events_chdb.py measure --name 10m --reps 20

Everything lives under $BENCH_CHDB_DIR (default /tmp/bench-var/chdb): the chdb data directories `<name>/`, their
meta files, and a throwaway SQLite database (`events/chdb-*.sqlite3`, Django's var dir and file cache beside it) that
only gives Django its catalog (15 shops, 1,645 products: `_events.seed_catalog`) and, for `check`, the product's own
figures. No PostgreSQL database is used.

The data is the PostgreSQL bench's: `_events.Traffic` with seed 1, layers of 1 M, then +2 M (to 3 M), then +7 M (to
10 M) over the 60 local days ending at the anchor. `--meta` takes the plan and the anchor from that bench's meta
file (`events-postgres.json`), so the figures are for the very same events; without it, the catalog is seeded in
the throwaway SQLite database (fresh ids 1.., the same plan) and the anchor is the current minute.

Loading: each day's batch is written as TSV and inserted with `INSERT … SELECT FROM file()` into one MergeTree
table ordered by (shop_id, day, visitor); `day` is the local (Asia/Shanghai) date, materialised at insert. Then
`OPTIMIZE … FINAL` merges the parts (timed apart). The reads query the raw events directly, with no rollup:

- seller overview today / 7d / 30d: the period and the previous one (UV deduplicated over the period, PV, 跳失率,
  stay, 加购/收藏 visitors, paid buyers, 支付金额, orders, refunds, the same-people funnel, in one pass per
  period), the category average over the peer shops (one grouped query), the daily trend and the source mix;
- 商品分析: per product UV/PV/加购 visitors and sales (titles and stock flags are the app database's, not timed);
- 竞争情报: the shop against the pooled top 5 of its category by 支付金额;
- platform overview and the shop ranking (`top_shops`).

Every distinct count is `uniqExact` or a GROUP BY visitor, so the figures are exact; `platform_uv_uniq.30d`
times ClickHouse's HyperLogLog-style `uniq` against `uniqExact` and prints its error. `check` loads a small layer
into SQLite (the product's rollup built with `rollup_pending`) and into chdb, runs `wanshang.insights.selectors`
and the chdb reads for the largest and the 5th shop and the marketplace, and prints every figure that differs.
"""

# ruff: noqa: S608 - SQL built from constants, dates and ints of the bench itself: no outside input
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
import _events  # noqa: E402

DEFAULT_VAR = "/tmp/bench-var/chdb"
DAYS = 60
STEPS = (1_000_000, 3_000_000, 10_000_000)  # the PostgreSQL bench's layers: 1 M, +2 M, +7 M
TRAFFIC = "('pv', 'stay', 'cart', 'fav')"
TABLE = "ws.events"
TSV_COLUMNS = (
    "id UInt64, ts_us Int64, kind String, visitor String, session String, user_id UInt64, shop_id UInt32, "
    "product_id UInt64, category_id UInt64, page_type String, source String, ref_host String, query String, "
    "terminal String, order_id UInt64, amount_fen Int64, quantity Int32, duration_ms Int32"
)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id UInt64,
    ts DateTime64(6, 'UTC'),
    day Date MATERIALIZED toDate(ts, 'Asia/Shanghai'),
    kind LowCardinality(String),
    visitor String,
    session String,
    user_id UInt64,
    shop_id UInt32,
    product_id UInt64,
    category_id UInt64,
    page_type LowCardinality(String),
    source LowCardinality(String),
    ref_host LowCardinality(String),
    query String,
    terminal LowCardinality(String),
    order_id UInt64,
    amount_fen Int64,
    quantity Int32,
    duration_ms Int32
) ENGINE = MergeTree ORDER BY (shop_id, day, visitor)
"""


# --- set-up -----------------------------------------------------------------------------------------------------


def var_root() -> Path:
    """$BENCH_CHDB_DIR (default /tmp/bench-var/chdb): never the other benches' /tmp/bench-var, whose file cache
    events_dashboard.py relies on."""
    root = Path(os.environ.get("BENCH_CHDB_DIR") or DEFAULT_VAR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def django_on(name: str, *, fresh: bool) -> str:
    """A throwaway SQLite database under our var dir (its file cache too: clearing it touches nobody else)."""
    os.environ["WANSHANG_VAR_DIR_BASE"] = str(var_root() / "events")
    return _events.use_database("sqlite", name, fresh=fresh)


def open_session(path: Path, *, fresh: bool):
    from chdb import session

    if fresh and path.exists():
        shutil.rmtree(path)
    sess = session.Session(str(path))
    sess.query("CREATE DATABASE IF NOT EXISTS ws")
    sess.query(SCHEMA)
    return sess


class CH:
    """A chdb session with a small query helper (JSONCompact rows)."""

    def __init__(self, sess):
        self.sess = sess
        self.queries = 0

    def rows(self, sql: str) -> list[list]:
        self.queries += 1
        res = self.sess.query(sql + " SETTINGS output_format_json_quote_64bit_integers = 0", "JSONCompact")
        if res.has_error():
            raise RuntimeError(res.error_message())
        body = res.bytes()
        return json.loads(body)["data"] if body else []

    def one(self, sql: str) -> list:
        return self.rows(sql)[0]


# --- loading ----------------------------------------------------------------------------------------------------


def _us(t: float) -> int:
    """Epoch microseconds rounded as datetime.fromtimestamp rounds (what the PostgreSQL and SQLite loaders store)."""
    whole = math.floor(t)
    return whole * 1_000_000 + round((t - whole) * 1_000_000)


def insert_batches(ch: CH, batches, *, tsv: Path, first_id: int = 1, timing: dict | None = None) -> int:
    """Insert lists of generator rows (one per day) through a TSV file. Ids follow insertion order, as a
    database's serial would. Returns the rows inserted; `timing` gets the seconds spent in the INSERTs."""
    n, next_id = 0, first_id
    timing = {} if timing is None else timing
    for rows in batches:
        with tsv.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(
                    f"{next_id}\t{_us(r[0])}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4] or 0}\t{r[5] or 0}\t{r[6] or 0}\t"
                    f"{r[7] or 0}\t{r[8]}\t{r[9]}\t{r[10]}\t{r[11]}\t{r[12]}\t{r[13] or 0}\t{r[14]}\t{r[15]}\t"
                    f"{r[16]}\n"
                )
                next_id += 1
        t = time.perf_counter()
        ch.rows(
            f"INSERT INTO {TABLE} (id, ts, kind, visitor, session, user_id, shop_id, product_id, category_id, "
            "page_type, source, ref_host, query, terminal, order_id, amount_fen, quantity, duration_ms) "
            "SELECT id, fromUnixTimestamp64Micro(ts_us, 'UTC'), kind, visitor, session, user_id, shop_id, "
            "product_id, category_id, page_type, source, ref_host, query, terminal, order_id, amount_fen, "
            f"quantity, duration_ms FROM file('{tsv}', 'TabSeparated', '{TSV_COLUMNS}')"
        )
        timing["insert_s"] = timing.get("insert_s", 0.0) + time.perf_counter() - t
        n += len(rows)
    tsv.unlink(missing_ok=True)
    return n


def event_count(ch: CH) -> int:
    return ch.one(f"SELECT count() FROM {TABLE}")[0]


def disk_usage(ch: CH, path: Path) -> dict:
    parts, on_disk, packed, raw = ch.one(
        "SELECT count(), sum(bytes_on_disk), sum(data_compressed_bytes), sum(data_uncompressed_bytes) "
        "FROM system.parts WHERE active AND database = 'ws' AND table = 'events'"
    )
    du = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=False).stdout.split()
    return {
        "parts": parts,
        "table_mb": round(on_disk / 2**20, 1),
        "compressed_mb": round(packed / 2**20, 1),
        "uncompressed_mb": round(raw / 2**20, 1),
        "dir_mb": int(du[0]) if du else None,
    }


def new_meta(args) -> dict:
    if args.meta:
        src = json.loads(Path(args.meta).read_text())
        return {"anchor": src["anchor"], "days": src["days"], "seed": src["seed"], "plan": src["plan"]}
    django_on("chdb-catalog", fresh=True)
    plan = _events.seed_catalog(args.seed)
    anchor = datetime.now(_events.TZ).replace(second=0, microsecond=0)
    return {"anchor": anchor.isoformat(), "days": DAYS, "seed": args.seed, "plan": plan}


def cmd_load(args) -> dict:
    root = var_root()
    path, meta_file = root / args.name, root / f"{args.name}.json"
    fresh = args.fresh or not meta_file.exists()
    meta = {**new_meta(args), "layers": []} if fresh else json.loads(meta_file.read_text())
    ch = CH(open_session(path, fresh=fresh))
    have = event_count(ch)
    layers = []
    for step in [s for s in STEPS if have < s <= args.to] or ([args.to] if args.to > have else []):
        layer = len(meta["layers"]) + 1
        traffic = _events.Traffic(
            meta["plan"],
            anchor=datetime.fromisoformat(meta["anchor"]),
            days=meta["days"],
            n_events=step - have,
            seed=meta["seed"],
            layer=layer,
        )
        load0 = _common.loadavg()
        t = time.perf_counter()
        timing: dict = {}
        batches = traffic.batches()
        n = insert_batches(ch, batches, tsv=root / f"{args.name}-batch.tsv", first_id=have + 1, timing=timing)
        load_s = time.perf_counter() - t
        have += n
        row = {"layer": layer, "rows": n, **traffic.counts, "generate_and_insert_s": round(load_s, 1)}
        row["insert_only_s"] = round(timing["insert_s"], 1)
        row["insert_only_rows_per_s"] = round(n / timing["insert_s"])
        row.update(rows_per_s=round(n / load_s), loadavg=[load0, _common.loadavg()])
        meta["layers"].append(row)
        layers.append(row)
        print(f"layer {layer}: {n} rows in {load_s:.1f} s, {n / load_s:,.0f} rows/s", flush=True)
        meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    before = disk_usage(ch, path)
    t = time.perf_counter()
    ch.rows(f"OPTIMIZE TABLE {TABLE} FINAL")
    optimize_s = time.perf_counter() - t
    return {
        "bench": "events_chdb_load",
        "name": args.name,
        "events_total": event_count(ch),
        "layers": layers,
        "disk_before_optimize": before,
        "optimize_final_s": round(optimize_s, 1),
        "disk": disk_usage(ch, path),
        "loadavg": _common.loadavg(),
    }


def generate_rows(plan: dict, *, anchor: datetime, n_events: int, seed: int, layer: int = 1) -> list[list]:
    traffic = _events.Traffic(plan, anchor=anchor, days=DAYS, n_events=n_events, seed=seed, layer=layer)
    return list(traffic.batches())


# --- the reads, in ClickHouse SQL -------------------------------------------------------------------------------


def _scope(shops) -> tuple[str, str]:
    """(WHERE part, group key) for the marketplace (None) or a list of shop ids."""
    if shops is None:
        return "1", "toUInt32(0)"
    return f"shop_id IN ({', '.join(str(int(s)) for s in shops)})", "shop_id"


def _range(period) -> str:
    """The period's rows: whole local days, or today (and yesterday) up to the live moment."""
    cond = f"day BETWEEN '{period.start}' AND '{period.end}'"
    if period.live_end is not None:
        cond += f" AND ts < fromUnixTimestamp64Micro({_us(period.live_end.timestamp())}, 'UTC')"
    return cond


def counts_by(ch: CH, shops, period, *, funnel: bool = True) -> dict:
    """{key: (traffic + trade fields, funnel steps)}: one pass over the period's traffic per visitor, one over its
    money events. key = shop id, or 0 for the marketplace."""
    where, key = _scope(shops)
    rng = _range(period)
    buyers = (
        f"(k, visitor) IN (SELECT {key}, visitor FROM {TABLE} WHERE {where} AND {rng} "
        f"AND kind IN ('order', 'paid') AND visitor != '')"
    )
    payers = buyers.replace("('order', 'paid')", "('paid')")
    # the funnel: b = ordered or paid in the period, pb = paid (each looked up once per visitor)
    steps = (
        ", countIf(p > 0 AND (pp > 0 OR c > 0 OR b)), countIf(p > 0 AND (c > 0 OR b)), countIf(p > 0 AND b), "
        "countIf(p > 0 AND pb)"
        if funnel
        else ""
    )
    marks = f", {buyers} AS b, {payers} AS pb" if funnel else ""
    traffic = ch.rows(
        f"SELECT k, countIf(p > 0), sum(p), countIf(p = 1), sum(s), countIf(pp > 0), countIf(c > 0), "
        f"countIf(f > 0){steps} FROM (SELECT *{marks} FROM (SELECT {key} AS k, visitor, "
        "countIf(kind = 'pv') AS p, countIf(kind = 'pv' AND page_type = 'product') AS pp, "
        "sumIf(duration_ms, kind = 'stay') AS s, countIf(kind = 'cart') AS c, countIf(kind = 'fav') AS f "
        f"FROM {TABLE} WHERE {where} AND {rng} AND kind IN {TRAFFIC} AND visitor != '' GROUP BY k, visitor)) "
        "GROUP BY k"
    )
    trade = ch.rows(
        f"SELECT {key} AS k, uniqExactIf(user_id, kind = 'paid' AND user_id != 0), sumIf(amount_fen, kind = 'paid'), "
        "countIf(kind = 'paid'), uniqExactIf(user_id, kind = 'order' AND user_id != 0), "
        f"sumIf(amount_fen, kind = 'refund') FROM {TABLE} WHERE {where} AND {rng} "
        "AND kind IN ('paid', 'order', 'refund') GROUP BY k"
    )
    out: dict = {}
    for k in [0] if shops is None else shops:
        out[k] = {"counts": dict.fromkeys(TRAFFIC_NAMES + TRADE_NAMES, 0), "funnel": dict.fromkeys(FUNNEL, 0)}
    for r in traffic:
        out[r[0]]["counts"].update(zip(TRAFFIC_NAMES, r[1:8], strict=True))
        if funnel:
            out[r[0]]["funnel"] = dict(zip(FUNNEL, [r[1], *r[8:12]], strict=True))
    for r in trade:
        out[r[0]]["counts"].update(zip(TRADE_NAMES, r[1:6], strict=True))
    return out


TRAFFIC_NAMES = ("uv", "pv", "bounced", "stay_ms", "product_visitors", "cart_visitors", "fav_visitors")
TRADE_NAMES = ("paid_buyers", "paid_fen", "paid_orders", "ordered_buyers", "refund_fen")
FUNNEL = ("visit", "product", "cart", "order", "pay")


def daily_series(ch: CH, shops, start: date, end: date) -> list[dict]:
    """One row per day of one scope, each day's visitors deduplicated within the day."""
    from wanshang.insights.metrics import Counts

    where, _key = _scope(shops)
    rng = f"day BETWEEN '{start}' AND '{end}'"
    traffic = ch.rows(
        "SELECT toString(day), countIf(p > 0), sum(p), countIf(p = 1), sum(s), countIf(pp > 0), countIf(c > 0), "
        "countIf(f > 0) FROM (SELECT day, visitor, countIf(kind = 'pv') AS p, "
        "countIf(kind = 'pv' AND page_type = 'product') AS pp, sumIf(duration_ms, kind = 'stay') AS s, "
        "countIf(kind = 'cart') AS c, countIf(kind = 'fav') AS f "
        f"FROM {TABLE} WHERE {where} AND {rng} AND kind IN {TRAFFIC} AND visitor != '' GROUP BY day, visitor) "
        "GROUP BY day"
    )
    trade = ch.rows(
        "SELECT toString(day), uniqExactIf(user_id, kind = 'paid' AND user_id != 0), "
        "sumIf(amount_fen, kind = 'paid'), countIf(kind = 'paid'), "
        "uniqExactIf(user_id, kind = 'order' AND user_id != 0), sumIf(amount_fen, kind = 'refund') "
        f"FROM {TABLE} WHERE {where} AND {rng} AND kind IN ('paid', 'order', 'refund') GROUP BY day"
    )
    t = {r[0]: dict(zip(TRAFFIC_NAMES, r[1:], strict=True)) for r in traffic}
    p = {r[0]: dict(zip(TRADE_NAMES, r[1:], strict=True)) for r in trade}
    out, day = [], start
    while day <= end:
        out.append({"day": day, **Counts(**t.get(str(day), {}), **p.get(str(day), {})).as_dict()})
        day += timedelta(days=1)
    return out


def source_rows(ch: CH, shops, period) -> dict:
    """{key: {level-2 code: [visitors, paying]}}: a visitor counts once per source of a day's first page view
    (today: of their first page view so far); paying = their (last known) buyer paid in the period.

    A day's first page view is the earliest by ts alone: ordering by (ts, id) as the rollup does doubled the
    cost of this query, and two page views of one visitor in the same microsecond do not happen."""
    where, key = _scope(shops)
    rng = _range(period)
    payers = (
        f"(k, u) IN (SELECT {key}, user_id FROM {TABLE} WHERE {where} AND {rng} "
        "AND kind = 'paid' AND user_id != 0)"
    )
    if period.live_end is None:  # visitor-days with a page view: the first one's source, the day's last buyer
        inner = (
            "SELECT k, visitor, argMaxIf(du, day, du != 0) AS u, groupUniqArray(src) AS srcs FROM ("
            f"SELECT {key} AS k, visitor, day, argMinIf(source, ts, kind = 'pv') AS src, "
            "argMaxIf(user_id, (ts, id), user_id != 0) AS du, countIf(kind = 'pv') AS p "
            f"FROM {TABLE} WHERE {where} AND {rng} AND kind IN {TRAFFIC} AND visitor != '' "
            "GROUP BY k, visitor, day HAVING p > 0) GROUP BY k, visitor"
        )
    else:  # today: each visitor's first page view so far, with its own buyer
        inner = (
            f"SELECT k, visitor, first.2 AS u, [first.1] AS srcs FROM (SELECT {key} AS k, visitor, "
            "argMin((source, user_id), (ts, id)) AS first "
            f"FROM {TABLE} WHERE {where} AND {rng} AND kind = 'pv' AND visitor != '' GROUP BY k, visitor)"
        )
    rows = ch.rows(
        "SELECT k, if(s = '', 'other', s) AS code, count(), countIf(u != 0 AND "
        f"{payers}) FROM ({inner}) ARRAY JOIN srcs AS s GROUP BY k, code"
    )
    out: dict = {k: {} for k in ([0] if shops is None else shops)}
    for k, code, visitors, paying in rows:
        out[k][code] = [visitors, paying]
    return out


def source_mix(by_source: dict) -> dict:
    """The product's `metrics.sources` shape: level 2 in SOURCES order, level 1, shares and conversions."""
    from wanshang.analytics.types import LEVEL1_ORDER, SOURCES, level1_of

    def ratio(a, b):
        return a / b if b else None

    level2, level1 = [], {code: [0, 0] for code in LEVEL1_ORDER}
    for code in SOURCES:
        if code not in by_source:
            continue
        visitors, paying = by_source[code]
        group = level1_of(code)
        level2.append(
            {"code": code, "visitors": visitors, "paying": paying, "conversion": ratio(paying, visitors)}
        )
        level1[group][0] += visitors
        level1[group][1] += paying
    total = sum(r["visitors"] for r in level2)
    for r in level2:
        r["share"] = ratio(r["visitors"], total)
    groups = [
        {"code": c, "visitors": v, "paying": p, "share": ratio(v, total), "conversion": ratio(p, v)}
        for c, (v, p) in level1.items()
    ]
    return {"level1": groups, "level2": level2, "total": total}


class Reads:
    """The chdb side of each page: the same figures as `wanshang.insights.selectors`."""

    def __init__(self, ch: CH, meta: dict):
        self.ch, self.meta = ch, meta
        self.now = datetime.fromisoformat(meta["anchor"])
        shops = meta["plan"]["shops"]
        self.rank = {s["rank"]: s["id"] for s in shops}
        self.top_category = {s["id"]: s.get("top_category_id", s["category_id"]) for s in shops}

    def period(self, key: str):
        from wanshang.insights.metrics import period_for

        return period_for(key, now=self.now)

    def peers(self, shop: int) -> list[int]:
        return sorted(s for s, c in self.top_category.items() if c == self.top_category[shop] and s != shop)

    def category_average(self, shop: int, period) -> dict | None:
        from wanshang.insights.metrics import METRICS, Counts

        peers = self.peers(shop)
        if len(peers) < 3:
            return None
        per_shop = [Counts(**v["counts"]) for v in counts_by(self.ch, peers, period, funnel=False).values()]
        values = {}
        for attr, _label, _kind in METRICS:
            xs = [getattr(c, attr) for c in per_shop if getattr(c, attr) is not None]
            values[attr] = sum(xs) / len(xs) if xs else None
        return {"peers": len(peers), "values": values}

    def dashboard(self, shop: int | None, key: str) -> dict:
        from wanshang.insights.metrics import Counts

        period = self.period(key)
        shops = None if shop is None else [shop]
        k = 0 if shop is None else shop
        current = counts_by(self.ch, shops, period)[k]
        previous = counts_by(self.ch, shops, period.previous, funnel=False)[k]
        now_counts = Counts(**current["counts"])
        trend_end = period.end if period.live_end is None else period.end - timedelta(days=1)
        trend_days = 30 if period.key == "30d" else 7
        trend = daily_series(self.ch, shops, trend_end - timedelta(days=trend_days - 1), trend_end)
        if period.live_end is not None:
            trend.append({"day": period.start, **now_counts.as_dict()})
        return {
            "counts": now_counts.as_dict(),
            "previous": Counts(**previous["counts"]).as_dict(),
            "category_avg": None if shop is None else self.category_average(shop, period),
            "funnel": current["funnel"],
            "trend": trend,
            "sources": source_mix(source_rows(self.ch, shops, period)[k]),
        }

    def products(self, shop: int, key: str, limit: int = 50) -> list[dict]:
        period = self.period(key)
        rng = _range(period)
        kinds = TRAFFIC if period.live_end is None else "('pv', 'cart')"
        traffic = self.ch.rows(
            "SELECT product_id, uniqExactIf(visitor, kind = 'pv'), countIf(kind = 'pv'), "
            f"uniqExactIf(visitor, kind = 'cart') FROM {TABLE} WHERE shop_id = {int(shop)} AND {rng} "
            f"AND product_id != 0 AND kind IN {kinds} AND visitor != '' GROUP BY product_id"
        )
        sales = self.ch.rows(
            "SELECT product_id, uniqExactIf(user_id, user_id != 0), sum(amount_fen), sum(quantity) "
            f"FROM {TABLE} WHERE shop_id = {int(shop)} AND {rng} AND kind = 'item_paid' GROUP BY product_id"
        )
        t = {r[0]: r[1:] for r in traffic}
        s = {r[0]: r[1:] for r in sales}
        rows = []
        for pid in set(t) | set(s):
            uv, pv, carts = t.get(pid, (0, 0, 0))
            buyers, fen, qty = s.get(pid, (0, 0, 0))
            rows.append(
                {
                    "product_id": pid,
                    "uv": uv,
                    "pv": pv,
                    "cart_visitors": carts,
                    "cart_rate": carts / uv if uv else None,
                    "paid_buyers": buyers,
                    "paid_fen": fen,
                    "quantity": qty,
                    "conversion": buyers / uv if uv else None,
                }
            )
        rows.sort(key=lambda r: (-r["paid_fen"], -r["uv"], r["product_id"]))
        return rows[:limit]

    def paid_by_shop(self, period, shops=None) -> dict[int, int]:
        where = "1" if shops is None else _scope(shops)[0]
        return dict(
            self.ch.rows(
                f"SELECT shop_id, sum(amount_fen) FROM {TABLE} WHERE {where} AND {_range(period)} "
                "AND kind = 'paid' GROUP BY shop_id"
            )
        )

    def _pooled(self, shops: list[int], period) -> dict:
        counts = counts_by(self.ch, shops, period, funnel=False)
        mixes = source_rows(self.ch, shops, period)
        uv = sum(counts[s]["counts"]["uv"] for s in shops)
        buyers = sum(counts[s]["counts"]["paid_buyers"] for s in shops)
        paid = sum(counts[s]["counts"]["paid_fen"] for s in shops)
        mix: dict[str, int] = {}
        for s in shops:
            for row in source_mix(mixes[s])["level1"]:
                mix[row["code"]] = mix.get(row["code"], 0) + row["visitors"]
        total = sum(mix.values())
        return {
            "uv": uv,
            "conversion": buyers / uv if uv else None,
            "uv_value_fen": paid / uv if uv else None,
            "per_buyer_fen": paid / buyers if buyers else None,
            "mix": {code: (n / total if total else None) for code, n in mix.items()},
        }

    def competition(self, shop: int, key: str) -> dict:
        period = self.period(key)
        mine = self._pooled([shop], period)
        peers = self.peers(shop)
        paid = self.paid_by_shop(period, peers)
        top_ids = [
            pk for pk in sorted(peers, key=lambda pk: (-paid.get(pk, 0), pk))[:5] if paid.get(pk, 0) > 0
        ]
        top = self._pooled(top_ids, period) if len(top_ids) >= 3 else None
        return {"mine": mine, "top": top, "top_n": len(top_ids)}

    def top_shops(self, key: str, limit: int = 20) -> list[dict]:
        from wanshang.insights.metrics import Counts

        period = self.period(key)
        paid = self.paid_by_shop(period)
        ranked = sorted(paid.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        if not ranked:
            return []
        counts = counts_by(self.ch, [s for s, _fen in ranked], period, funnel=False)
        rows = []
        for shop_id, fen in ranked:
            c = Counts(**counts[shop_id]["counts"])
            rows.append(
                {
                    "shop": shop_id,
                    "paid_fen": fen,
                    "uv": c.uv,
                    "paid_buyers": c.paid_buyers,
                    "conversion": c.pay_conversion,
                    "per_buyer_fen": c.per_buyer_fen,
                }
            )
        return rows

    def platform_uv(self, key: str, fn: str) -> list:
        """Marketplace UV, product-page, cart and favourite visitors with `uniqExact` or HLL `uniq`."""
        rng = _range(self.period(key))
        return self.ch.one(
            f"SELECT {fn}If(visitor, kind = 'pv'), {fn}If(visitor, kind = 'pv' AND page_type = 'product'), "
            f"{fn}If(visitor, kind = 'cart'), {fn}If(visitor, kind = 'fav') FROM {TABLE} "
            f"WHERE {rng} AND kind IN {TRAFFIC} AND visitor != ''"
        )


def read_list(r: Reads) -> list[tuple[str, object]]:
    big, mid = r.rank[1], r.rank[5]
    out: list[tuple[str, object]] = []
    for key in ("today", "7d", "30d"):
        out.append((f"seller_overview.{key}", lambda k=key: r.dashboard(big, k)))
    for key in ("today", "7d", "30d"):
        out.append((f"seller_overview_mid.{key}", lambda k=key: r.dashboard(mid, k)))
    for key in ("today", "7d", "30d"):
        out.append((f"products.{key}", lambda k=key: r.products(big, k)))
    for key in ("7d", "30d"):
        out.append((f"competition.{key}", lambda k=key: r.competition(big, k)))
    for key in ("today", "7d", "30d"):
        out.append((f"platform_overview.{key}", lambda k=key: r.dashboard(None, k)))
        out.append((f"platform_top_shops.{key}", lambda k=key: r.top_shops(k)))
    out.append(("platform_uv_exact.30d", lambda: r.platform_uv("30d", "uniqExact")))
    out.append(("platform_uv_uniq.30d", lambda: r.platform_uv("30d", "uniq")))
    return out


# --- measure ----------------------------------------------------------------------------------------------------


def cmd_measure(args) -> dict:
    root = var_root()
    meta = json.loads((root / f"{args.name}.json").read_text())
    django_on("chdb-measure", fresh=False)
    ch = CH(open_session(root / args.name, fresh=False))
    reads = Reads(ch, meta)
    only = [p for p in args.only.split(",") if p]
    load0 = _common.loadavg()
    results = {}
    for name, fn in read_list(reads):
        if only and not any(name.startswith(p) for p in only):
            continue
        fn()  # untimed: the page cache and chdb's mark cache
        times, cpu, l0, q0 = [], [], _common.loadavg(), ch.queries
        for _ in range(args.reps):
            c, t = time.process_time(), time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)  # every thread of the process: chdb runs inside it
            if sum(times) > args.budget and len(times) >= 5:
                break
        times.sort()
        cpu.sort()
        row = {
            "n": len(times),
            "p50_ms": round(_common.percentile(times, 50) * 1000, 1),
            "p95_ms": round(_common.percentile(times, 95) * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1),
            "cpu_p50_ms": round(_common.percentile(cpu, 50) * 1000, 1),
            "queries": (ch.queries - q0) // len(times),
            "load": [l0, _common.loadavg()],
        }
        results[name] = row
        print(
            f"{name:28s} n={row['n']:3d} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
            f"CPU p50 {row['cpu_p50_ms']:7.1f} ms  "
            f"{row['queries']} q  load {l0}→{row['load'][1]}",
            flush=True,
        )
    exact, approx = reads.platform_uv("30d", "uniqExact"), reads.platform_uv("30d", "uniq")
    error = [round((a - e) / e * 100, 3) if e else None for a, e in zip(approx, exact, strict=True)]
    print(f"uniq vs uniqExact, marketplace 30d (uv, product, cart, fav): {approx} vs {exact}: {error} %")
    return {
        "bench": "events_chdb",
        "name": args.name,
        "events_total": event_count(ch),
        "anchor": meta["anchor"],
        "reps": args.reps,
        "reads": results,
        "uniq_error_pct": error,
        "disk": disk_usage(ch, root / args.name),
        "loadavg_before": load0,
        "loadavg_after": _common.loadavg(),
    }


# --- check ------------------------------------------------------------------------------------------------------


def diff(a, b, path: str, out: list, tol: float = 1e-9) -> int:
    """Append every leaf where a (the product) and b (chdb) differ, as 'path: a != b'. Returns the leaves
    compared."""
    if isinstance(a, dict) and isinstance(b, dict):
        return sum(
            diff(a.get(k), b.get(k), f"{path}.{k}", out, tol) for k in sorted(set(a) | set(b), key=str)
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} rows != {len(b)} rows")
        return sum(diff(x, y, f"{path}[{i}]", out, tol) for i, (x, y) in enumerate(zip(a, b, strict=False)))
    numbers = isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool)
    if (abs(a - b) > tol * max(1, abs(a))) if numbers else a != b:
        out.append(f"{path}: {a!r} != {b!r}")
    return 1


def product_dashboard(d: dict) -> dict:
    def mix(s):
        keep = ("code", "visitors", "paying", "share", "conversion")
        return {
            "level1": [{k: r[k] for k in keep} for r in s["level1"]],
            "level2": [{k: r[k] for k in keep} for r in s["level2"]],
            "total": s["total"],
        }

    avg = d["category_avg"]
    return {
        "counts": d["counts"].as_dict(),
        "previous": d["previous"].as_dict(),
        "category_avg": {"peers": avg["peers"], "values": avg["values"]} if avg else None,
        "funnel": {s["key"]: s["count"] for s in d["funnel"]},
        "trend": d["trend"],
        "sources": mix(d["sources"]),
    }


def product_pairs(meta: dict, r: Reads) -> list[tuple[str, object, object]]:
    """(read, the product's figures, chdb's figures) callables."""
    from wanshang.insights import selectors
    from wanshang.insights.metrics import MARKETPLACE
    from wanshang.merchants.models import Shop

    now = r.now
    big, mid = Shop.objects.get(pk=r.rank[1]), Shop.objects.get(pk=r.rank[5])
    fields = ("product_id", "uv", "pv", "cart_visitors", "cart_rate", "paid_buyers", "paid_fen", "quantity")
    out = []
    for key in ("today", "7d", "30d"):
        for label, scope, sid in (
            ("seller", big, big.pk),
            ("seller_mid", mid, mid.pk),
            ("platform", MARKETPLACE, None),
        ):
            out.append(
                (
                    f"{label}_overview.{key}",
                    lambda s=scope, k=key: product_dashboard(
                        selectors.dashboard(scope=s, period_key=k, now=now)
                    ),
                    lambda s=sid, k=key: r.dashboard(s, k),
                )
            )
        out.append(
            (
                f"products.{key}",
                lambda k=key: [
                    {f: row[f] for f in (*fields, "conversion")}
                    for row in selectors.products(shop=big, period_key=k, now=now)["rows"]
                ],
                lambda k=key: r.products(big.pk, k),
            )
        )
        out.append(
            (
                f"top_shops.{key}",
                lambda k=key: [
                    {**row, "shop": row["shop"].pk} for row in selectors.top_shops(period_key=k, now=now)
                ],
                lambda k=key: r.top_shops(k),
            )
        )
    for key in ("7d", "30d"):
        for label, shop in (("", big), ("_mid", mid)):
            out.append(
                (
                    f"competition{label}.{key}",
                    lambda s=shop, k=key: {
                        x: y
                        for x, y in selectors.competition(shop=s, period_key=k, now=now).items()
                        if x in ("mine", "top", "top_n")
                    },
                    lambda s=shop, k=key: r.competition(s.pk, k),
                )
            )
    return out


def cmd_check(args) -> dict:
    from django.core.cache import cache

    url = django_on("chdb-check", fresh=True)
    plan = _events.seed_catalog(args.seed)
    anchor = datetime.now(_events.TZ).replace(second=0, microsecond=0)
    meta = {"anchor": anchor.isoformat(), "days": DAYS, "seed": args.seed, "plan": plan}
    batches = generate_rows(plan, anchor=anchor, n_events=args.events, seed=args.seed)
    n = _events.load_sqlite(_events.sqlite_path(url), batches)
    from wanshang.analytics.rollup import rollup_pending

    t = time.perf_counter()
    days = rollup_pending(now=anchor)
    print(f"SQLite: {n} events, rollup of {days} days in {time.perf_counter() - t:.1f} s", flush=True)
    ch = CH(open_session(var_root() / "check", fresh=True))
    insert_batches(ch, batches, tsv=var_root() / "check-batch.tsv")
    reads = Reads(ch, meta)
    mismatches, compared, figures = {}, 0, 0
    for name, product, columnar in product_pairs(meta, reads):
        cache.clear()
        out: list[str] = []
        leaves = diff(product(), columnar(), name, out)
        compared, figures = compared + 1, figures + leaves
        if out:
            mismatches[name] = out
            print(
                f"MISMATCH {name}: {len(out)} of {leaves} figures differ", *out[:20], sep="\n  ", flush=True
            )
        else:
            print(f"ok {name}: {leaves} figures equal", flush=True)
    return {
        "bench": "events_chdb_check",
        "events": n,
        "anchor": meta["anchor"],
        "reads_compared": compared,
        "figures_compared": figures,
        "reads_mismatched": len(mismatches),
        "mismatches": {k: v[:20] for k, v in mismatches.items()},
        "loadavg": _common.loadavg(),
    }


# --- main -------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    load = sub.add_parser("load", help="generate the PostgreSQL bench's layers up to --to into chdb")
    load.add_argument("--name", required=True, help="data directory under $WANSHANG_VAR_DIR, e.g. 1m")
    load.add_argument("--to", type=int, required=True)
    load.add_argument("--fresh", action="store_true")
    load.add_argument("--seed", type=int, default=1)
    load.add_argument(
        "--meta", default="", help="events-postgres.json of the PostgreSQL bench: its plan and anchor"
    )
    measure = sub.add_parser("measure", help="time the reads")
    measure.add_argument("--name", required=True)
    measure.add_argument("--reps", type=int, default=20)
    measure.add_argument("--only", default="")
    measure.add_argument(
        "--budget", type=float, default=60.0, help="stop a read after this many seconds (at least 5 calls)"
    )
    check = sub.add_parser("check", help="compare chdb's figures with the product's on SQLite")
    check.add_argument("--events", type=int, default=150_000)
    check.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    var_root()
    result = {"load": cmd_load, "measure": cmd_measure, "check": cmd_check}[args.cmd](args)
    print("RESULT " + json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 1 if result.get("reads_mismatched") else 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
