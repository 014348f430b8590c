"""Set-up shared by the 数据中心 benchmarks (bench/events_ingest.py, bench/events_dashboard.py).

They run on throwaway databases of their own, never the catalog bench database nor the development one:

* SQLite: ``$WANSHANG_VAR_DIR/events/<name>.sqlite3`` (``WANSHANG_VAR_DIR`` defaults to /tmp/bench-var);
* PostgreSQL: ``postgres://postgres@127.0.0.1:5432/wanshang_bench_<name>`` (dropped and re-created on --fresh).

Django's own var dir for these scripts is ``$WANSHANG_VAR_DIR/events`` too, so the file cache they clear and the
event spool they fill are theirs alone.

The traffic generator (`Traffic`) writes events in the shape the real code writes them (see docs/data-center.md):
page views with the source of the page before, time-on-page beacons, add-to-cart and favourites through the
spool's fields, and 下单 / 支付 / 商品支付 / 退款 with the buyer and the order. It is deterministic for a seed.
"""

from __future__ import annotations

import json
import math
import os
import random
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

import _common

PG_TEMPLATE = "postgres://postgres@127.0.0.1:5432/wanshang_bench_{name}"
TZ = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: days, hours and the daily rhythm are local
COLUMNS = (
    "ts",
    "kind",
    "visitor",
    "session",
    "user_id",
    "shop_id",
    "product_id",
    "category_id",
    "page_type",
    "source",
    "ref_host",
    "query",
    "terminal",
    "order_id",
    "amount_fen",
    "quantity",
    "duration_ms",
)


# --- databases --------------------------------------------------------------------------------------------------


def var_dir() -> Path:
    base = Path(
        os.environ.get("WANSHANG_VAR_DIR_BASE")
        or os.environ.get("WANSHANG_VAR_DIR")
        or _common.DEFAULT_VAR_DIR
    )
    if base.name != "events":
        base = base / "events"
    base.mkdir(parents=True, exist_ok=True)
    return base


def use_database(db: str, name: str, *, fresh: bool) -> str:
    """Point Django at the throwaway database `name` (sqlite file or wanshang_bench_<name>), optionally empty it,
    start Django and migrate. Returns the URL."""
    var = var_dir()
    os.environ["WANSHANG_VAR_DIR_BASE"] = str(var)
    os.environ["WANSHANG_VAR_DIR"] = str(var)
    os.environ.pop("REDIS_URL", None)  # the file cache under our var dir, so clearing it touches nobody else
    if db == "postgres":
        # BENCH_PG_URL: another database of one's own (several engineers share one server)
        url = os.environ.get("BENCH_PG_URL") or PG_TEMPLATE.format(name=name)
        os.environ["DATABASE_URL"] = url
        _common.configure_env("postgres")
        _common.check_safe_url(url)
        _common.ensure_pg_database(url, recreate=fresh)
    else:
        path = var / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        os.environ["DATABASE_URL"] = url
        _common.configure_env("sqlite")
        _common.check_safe_url(url)
    _common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def sqlite_path(url: str) -> str:
    return url.split("sqlite:///", 1)[1]


def meta_path(db: str, name: str) -> Path:
    return var_dir() / f"{name}-{db}.json"


def meta_load(db: str, name: str) -> dict | None:
    path = meta_path(db, name)
    return json.loads(path.read_text()) if path.exists() else None


def meta_save(db: str, name: str, meta: dict) -> None:
    meta_path(db, name).write_text(json.dumps(meta, ensure_ascii=False, indent=1))


# --- shops and products -----------------------------------------------------------------------------------------

CATEGORIES = [("服饰鞋包", "apparel"), ("数码家电", "digital"), ("食品生鲜", "food")]
# 15 shops of very different sizes (share of the shop traffic ∝ 1/rank), 5 per main category: every shop has 4
# peers, above MIN_PEERS (3), so the category average and the top-shops comparison are computed for each.
SHOP_COUNT = 15
PRODUCTS_BY_RANK = [400, 300, 220, 160, 120, 100, 80, 60, 50, 40, 30, 25, 20, 20, 20]
WORDS = [
    "连衣裙",
    "羽绒服",
    "运动鞋",
    "手机壳",
    "蓝牙耳机",
    "充电宝",
    "笔记本",
    "坚果",
    "牛奶",
    "咖啡",
    "大米",
    "T恤",
    "牛仔裤",
    "双肩包",
    "机械键盘",
    "显示器",
    "茶叶",
    "零食大礼包",
    "面膜",
    "保温杯",
]


def seed_catalog(seed: int) -> dict:
    """Operator, 3 category trees, 15 open shops (merchants services) and their products (bulk, one SKU each,
    about 10 % sold out). Returns the plan the generator needs (ids only)."""
    from django.db import transaction

    from wanshang.accounts.services import user_register
    from wanshang.catalog.models import Product, Sku
    from wanshang.catalog.services import category_create
    from wanshang.inventory.models import Stock, Warehouse
    from wanshang.merchants.services import application_approve, application_submit

    rng = random.Random(f"events-catalog:{seed}")
    operator = user_register(login="13700000000", password=_common.BENCH_PASSWORD)
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    tops, leaves = [], []
    for name, slug in CATEGORIES:
        top = category_create(name=name, slug=f"ev-{slug}")
        leaf = category_create(name=f"{name}精选", slug=f"ev-{slug}-leaf", parent_id=top.pk)
        tops.append(top)
        leaves.append(leaf)
    shops = []
    for rank in range(SHOP_COUNT):
        cat = rank % len(CATEGORIES)
        owner = user_register(login=f"1361000{rank:04d}", password=_common.BENCH_PASSWORD)
        app = application_submit(
            user=owner,
            company_name=f"数据压测公司{rank + 1}",
            credit_code="91350100M000100Y43",
            contact_name="李四",
            contact_phone="13900001111",
            shop_name=f"数据压测店{rank + 1}",
            categories=[tops[cat]],
        )
        shop = application_approve(application_id=app.pk, reviewer=operator)
        warehouse = Warehouse.objects.get(shop=shop, is_default=True)
        n = PRODUCTS_BY_RANK[rank]
        with transaction.atomic():
            products = Product.objects.bulk_create(
                [
                    Product(
                        shop=shop,
                        category=leaves[cat],
                        title=f"{CATEGORIES[cat][0]}商品{rank + 1}-{k + 1}",
                        status=Product.Status.ON_SALE,
                        min_price_fen=rng.randrange(990, 59900, 100),
                    )
                    for k in range(n)
                ],
                batch_size=500,
            )
            skus = Sku.objects.bulk_create(
                [
                    Sku(
                        shop=shop,
                        product=p,
                        spec_values=[],
                        spec_key="",
                        price_fen=p.min_price_fen,
                        cost_fen=p.min_price_fen // 2,
                        weight_g=300,
                    )
                    for p in products
                ],
                batch_size=500,
            )
            Stock.objects.bulk_create(
                [
                    Stock(
                        shop=shop,
                        sku=s,
                        warehouse=warehouse,
                        on_hand=0 if rng.random() < 0.1 else rng.randrange(5, 500),
                    )
                    for s in skus
                ],
                batch_size=500,
            )
        shops.append(
            {
                "id": shop.pk,
                "rank": rank + 1,
                "category_id": leaves[cat].pk,
                "top_category_id": tops[cat].pk,
                "products": [[p.pk, p.min_price_fen] for p in products],
            }
        )
    return {"shops": shops, "categories": [c.pk for c in leaves]}


# --- the traffic ------------------------------------------------------------------------------------------------

HOURLY = [
    2.0,
    1.2,
    0.7,
    0.5,
    0.4,
    0.5,
    1.0,
    2.0,
    3.2,
    4.2,
    4.8,
    5.0,
    5.2,
    4.8,
    4.6,
    4.6,
    4.8,
    5.0,
    5.4,
    6.2,
    7.4,
    8.2,
    7.6,
    4.6,
]  # local hours: night trough, lunch bump, 20–22 h peak
ENTRY = [("direct", 0.45), ("external", 0.2), ("ads", 0.2), ("affiliate", 0.08), ("favourites", 0.07)]
ENTRY_PAGE = {
    "direct": [("home", 0.5), ("product", 0.3), ("shop", 0.2)],
    "external": [("product", 0.7), ("shop", 0.3)],
    "ads": [("product", 0.8), ("search", 0.2)],
    "affiliate": [("product", 1.0)],
    "favourites": [("product", 0.7), ("shop", 0.3)],
}
NEXT = {
    "home": [("search", 0.4), ("category", 0.25), ("product", 0.25), ("activity", 0.1)],
    "search": [("product", 0.75), ("search", 0.15), ("shop", 0.1)],
    "category": [("product", 0.7), ("category", 0.2), ("search", 0.1)],
    "product": [("product", 0.45), ("shop", 0.15), ("search", 0.2), ("home", 0.1), ("cart", 0.1)],
    "shop": [("product", 0.8), ("search", 0.2)],
    "cart": [("product", 0.6), ("home", 0.4)],
    "activity": [("product", 0.8), ("home", 0.2)],
    "checkout": [("order", 1.0)],
    "order": [("home", 1.0)],
}
SOURCE_FROM = {
    "home": "home",
    "search": "search",
    "category": "category",
    "product": "recommend",
    "shop": "recommend",
    "cart": "cart",
    "activity": "activity",
    "checkout": "cart",
    "order": "orders",
}
EXTERNAL_HOSTS = ["www.baidu.com", "weibo.com", "www.douyin.com", "mp.weixin.qq.com", "www.zhihu.com"]


def _table(pairs):
    names = [p[0] for p in pairs]
    cum = list(accumulate(p[1] for p in pairs))
    return names, [c / cum[-1] for c in cum]


def _pick(table, r: float):
    names, cum = table
    return names[min(bisect_left(cum, r), len(names) - 1)]


class Traffic:
    """`n_events` events (give or take one visit) over `days` local days ending at `anchor` (today up to the
    anchor's time). Layer k of a database uses its own visitors and order numbers, and buyers from a shared pool,
    so layers add up to one busier marketplace.

    Shape: daily volume with a slight upward trend, busier weekends and two promotion days (×2.2); visits start by
    the hourly rhythm; 40 % of visits see one page (bounce), the others 2 + geometric(mean 3) pages, the source of
    each page being the page before it; 65 % of pages send a time-on-page beacon (lognormal, median 20 s);
    a visit is mostly on one shop (chosen ∝ 1/rank), products by popularity (Zipf); about 8 % of visitors add
    to cart, 3.5 % favourite, about 2.6 % pay (1–3 lines, amounts lognormal), 5 % of orders stay unpaid and 6 % of
    paid orders are refunded 1–72 h later. 35 % of visits are returning visitors of earlier days; 30 % of new
    visitors are logged in, and every payer is."""

    def __init__(self, plan: dict, *, anchor: datetime, days: int, n_events: int, seed: int, layer: int):
        self.plan, self.anchor, self.days, self.n_events = plan, anchor, days, n_events
        self.rng = random.Random(f"events:{seed}:{layer}")
        self.layer = layer
        shops = plan["shops"]
        self.shop_table = _table([(i, 1 / (i + 1)) for i in range(len(shops))])
        self.product_tables = [
            _table([(j, 1 / (j + 1) ** 1.1) for j in range(len(s["products"]))]) for s in shops
        ]
        self.entry = _table(ENTRY)
        self.entry_page = {k: _table(v) for k, v in ENTRY_PAGE.items()}
        self.next = {k: _table(v) for k, v in NEXT.items()}
        self.hours = _table(list(enumerate(HOURLY)))
        self.users = max(
            1000, n_events // 60
        )  # buyer pool: shared by every layer (ids 1..users), so they overlap
        self.order_no = layer * 1_000_000_000
        self.visitors: list[tuple[str, str, int | None]] = []  # (id, terminal, user_id) seen so far
        self.counts = {"events": 0, "visits": 0, "orders": 0, "paid": 0, "refunds": 0}

    def day_weights(self) -> list[tuple[date, float]]:
        end = self.anchor.astimezone(TZ).date()
        out = []
        for i in range(self.days):
            day = end - timedelta(days=self.days - 1 - i)
            w = (1 + 0.005 * i) * (1.15 if day.weekday() >= 5 else 1.0)
            if self.days - 1 - i in (12, 40):
                w *= 2.2  # promotion days
            if day == end:  # today: only the hours up to the anchor
                local = self.anchor.astimezone(TZ)
                done = sum(HOURLY[: local.hour]) + HOURLY[local.hour] * local.minute / 60
                w *= done / sum(HOURLY)
            out.append((day, w))
        return out

    def batches(self):
        """Yield lists of rows (tuples in COLUMNS order, ts as epoch seconds), one list per day."""
        weights = self.day_weights()
        total = sum(w for _d, w in weights)
        anchor_ts = self.anchor.timestamp()
        for day, w in weights:
            quota = round(self.n_events * w / total)
            start = datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()
            is_today = day == weights[-1][0]
            rows: list[tuple] = []
            while len(rows) < quota:
                hour = _pick(self.hours, self.rng.random())
                t0 = start + hour * 3600 + self.rng.random() * 3600
                if is_today and t0 >= anchor_ts:
                    continue
                self._visit(rows, t0, anchor_ts)
            self.counts["events"] += len(rows)
            yield rows

    def _visitor(self):
        rng = self.rng
        if self.visitors and rng.random() < 0.35:
            return self.visitors[rng.randrange(len(self.visitors))]
        user_id = rng.randrange(1, self.users + 1) if rng.random() < 0.3 else None
        v = (f"{rng.getrandbits(128):032x}", "h5" if rng.random() < 0.7 else "pc", user_id)
        self.visitors.append(v)
        return v

    def _visit(self, rows: list, t: float, anchor_ts: float) -> None:
        rng = self.rng
        shops = self.plan["shops"]
        visitor, terminal, user_id = self._visitor()
        session = f"{rng.getrandbits(128):032x}"
        self.counts["visits"] += 1
        pages = 1 if rng.random() < 0.4 else 2 + int(rng.expovariate(1 / 3))
        focus = _pick(self.shop_table, rng.random())
        source = _pick(self.entry, rng.random())
        ref_host = EXTERNAL_HOSTS[rng.randrange(len(EXTERNAL_HOSTS))] if source == "external" else ""
        page = _pick(self.entry_page[source], rng.random())
        wants_cart = rng.random() < 0.105
        wants_fav = rng.random() < 0.045
        carted: list[tuple] = []  # (shop index, product id, category id, price)
        viewed_product = None
        for _page_no in range(pages):
            if t >= anchor_ts:
                return
            shop_id = product_id = category_id = None
            query = ""
            if page in ("product", "shop"):
                s = focus if rng.random() < 0.75 else _pick(self.shop_table, rng.random())
                shop = shops[s]
                shop_id, category_id = shop["id"], shop["category_id"]
                if page == "product":
                    j = _pick(self.product_tables[s], rng.random())
                    product_id, price = shop["products"][j]
                    viewed_product = (s, product_id, category_id, price)
            elif page == "search":
                query = WORDS[rng.randrange(len(WORDS))]
            elif page == "category":
                category_id = self.plan["categories"][rng.randrange(len(self.plan["categories"]))]
            rows.append(
                (
                    t,
                    "pv",
                    visitor,
                    session,
                    user_id,
                    shop_id,
                    product_id,
                    category_id,
                    page,
                    source,
                    ref_host,
                    query,
                    terminal,
                    None,
                    0,
                    0,
                    0,
                )
            )
            stay = min(int(rng.lognormvariate(math.log(20_000), 1.0)), 1_800_000)
            if rng.random() < 0.65 and t + stay / 1000 < anchor_ts:
                rows.append(
                    (
                        t + stay / 1000,
                        "stay",
                        visitor,
                        session,
                        user_id,
                        shop_id,
                        product_id,
                        category_id,
                        page,
                        "",
                        "",
                        "",
                        terminal,
                        None,
                        0,
                        0,
                        stay,
                    )
                )
            if page == "product" and viewed_product:
                if wants_cart and not carted and rng.random() < 0.6:
                    carted.append(viewed_product)
                    rows.append(
                        (
                            t + 5,
                            "cart",
                            visitor,
                            session,
                            user_id,
                            shop_id,
                            product_id,
                            category_id,
                            "",
                            "",
                            "",
                            "",
                            terminal,
                            None,
                            0,
                            1 + (rng.random() < 0.2),
                            0,
                        )
                    )
                if wants_fav and rng.random() < 0.5:
                    wants_fav = False
                    rows.append(
                        (
                            t + 3,
                            "fav",
                            visitor,
                            session,
                            user_id,
                            shop_id,
                            product_id,
                            category_id,
                            "",
                            "",
                            "",
                            "",
                            terminal,
                            None,
                            0,
                            0,
                            0,
                        )
                    )
            t += 5 + rng.expovariate(1 / 40)
            source, ref_host = SOURCE_FROM.get(page, "other"), ""
            page = _pick(self.next.get(page, self.next["home"]), rng.random())
        if wants_cart and not carted and viewed_product:  # add to cart at the end of the visit
            carted.append(viewed_product)
            s, product_id, category_id, _p = viewed_product
            rows.append(
                (
                    t,
                    "cart",
                    visitor,
                    session,
                    user_id,
                    shops[s]["id"],
                    product_id,
                    category_id,
                    "",
                    "",
                    "",
                    "",
                    terminal,
                    None,
                    0,
                    1,
                    0,
                )
            )
        if carted and rng.random() < 0.36:
            self._order(rows, t, anchor_ts, visitor, session, user_id, terminal, carted[0])

    def _order(self, rows, t, anchor_ts, visitor, session, user_id, terminal, item) -> None:
        rng = self.rng
        shops = self.plan["shops"]
        if user_id is None:  # logs in at checkout
            user_id = rng.randrange(1, self.users + 1)
        s, product_id, category_id, price = item
        shop = shops[s]
        for page, src in (("cart", "recommend"), ("checkout", "cart")):
            t += 5 + rng.expovariate(1 / 20)
            rows.append(
                (
                    t,
                    "pv",
                    visitor,
                    session,
                    user_id,
                    None,
                    None,
                    None,
                    page,
                    src,
                    "",
                    "",
                    terminal,
                    None,
                    0,
                    0,
                    0,
                )
            )
        lines = [(product_id, category_id, price, 1 + (rng.random() < 0.25))]
        for _ in range(int(rng.random() < 0.35) + int(rng.random() < 0.1)):
            j = _pick(self.product_tables[s], rng.random())
            pid, pprice = shop["products"][j]
            lines.append((pid, shop["category_id"], pprice, 1))
        goods = sum(price * qty for _pid, _cat, price, qty in lines)
        freight = 0 if goods >= 9900 else 800
        total = goods + freight
        self.order_no += 1
        order_id = self.order_no
        t += 10
        if t >= anchor_ts:
            return
        self.counts["orders"] += 1
        rows.append(
            (
                t,
                "order",
                visitor,
                session,
                user_id,
                shop["id"],
                None,
                None,
                "",
                "",
                "",
                "",
                terminal,
                order_id,
                total,
                0,
                0,
            )
        )
        if rng.random() < 0.05:
            return  # never paid
        t += 20 + rng.expovariate(1 / 60)
        if t >= anchor_ts:
            return
        self.counts["paid"] += 1
        rows.append(
            (
                t,
                "paid",
                visitor,
                "",
                user_id,
                shop["id"],
                None,
                None,
                "",
                "",
                "",
                "",
                "",
                order_id,
                total,
                sum(q for *_x, q in lines),
                0,
            )
        )
        for pid, cat, price, qty in lines:
            rows.append(
                (
                    t,
                    "item_paid",
                    visitor,
                    "",
                    user_id,
                    shop["id"],
                    pid,
                    cat,
                    "",
                    "",
                    "",
                    "",
                    "",
                    order_id,
                    price * qty,
                    qty,
                    0,
                )
            )
        if rng.random() < 0.06:
            when = t + 3600 * rng.uniform(1, 72)
            if when < anchor_ts:
                self.counts["refunds"] += 1
                rows.append(
                    (
                        when,
                        "refund",
                        visitor,
                        "",
                        user_id,
                        shop["id"],
                        None,
                        None,
                        "",
                        "",
                        "",
                        "",
                        "",
                        order_id,
                        total if rng.random() < 0.6 else total // 2,
                        0,
                        0,
                    )
                )


# --- loading ----------------------------------------------------------------------------------------------------


def load_postgres(url: str, batches) -> int:
    """COPY the rows into analytics_event (indexes in place, as on a live database). Returns rows."""
    import psycopg

    n = 0
    cols = ", ".join(COLUMNS)
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for rows in batches:
            with cur.copy(f"COPY analytics_event ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((datetime.fromtimestamp(row[0], UTC), *row[1:]))
            conn.commit()
            n += len(rows)
    return n


def load_sqlite(path: str, batches, *, chunk: int = 200_000) -> int:
    """executemany in transactions of about `chunk` rows; ts as Django stores it (naive UTC text)."""
    import sqlite3

    n = 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "PRAGMA cache_size=-512000"
    )  # 512 MB page cache for the loader: the indexes grow out of order
    sql = f"INSERT INTO analytics_event ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608 - constant column names
    pending: list[tuple] = []

    def flush():
        with conn:
            conn.executemany(sql, pending)
        pending.clear()

    for rows in batches:
        for row in rows:
            pending.append((str(datetime.fromtimestamp(row[0], UTC).replace(tzinfo=None)), *row[1:]))
        n += len(rows)
        if len(pending) >= chunk:
            flush()
    if pending:
        flush()
    conn.close()
    return n
