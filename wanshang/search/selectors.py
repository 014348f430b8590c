"""Reads of search: the search itself (results, facets, fallback), suggestions, hot words, the platform report.

How a query runs (docs/search.md has the whole story and the 综合 formula):

1. The text is cut into words (jieba, precise mode); each word becomes a group of itself and its synonyms.
2. The backend matches documents holding every group (any word of it) in any field, with a relevance score.
   A category's name is among the words of every product under it, so 女装 finds the whole subtree; pinyin
   and initials are words too, so lianyiqun and lyq find 连衣裙.
3. Filters (category subtree, brand, price, shop, in stock, on promotion, retail or wholesale, attributes)
   narrow the set; the facets count that same set, so a facet's number is what its click will show.
4. Nothing found: the last words are dropped one at a time while that finds something (`fallback`), and a
   word with the pinyin of a better-known word is offered as a correction (`did_you_mean`).
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, connections, router
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.catalog.selectors import (
    attribute_templates,
    brand_list,
    brands_by_ids,
    categories_by_id,
    public_products_in_order,
)
from wanshang.common.dbrouter import primary_reads
from wanshang.merchants.selectors import shops_by_ids
from wanshang.search import text
from wanshang.search.backends import Match, backend
from wanshang.search.models import SearchDoc, SearchQuery, SearchTerm, Synonym
from wanshang.search.services import SYNONYM_VERSION_KEY, title_words_of

SORTS = ("default", "sales", "new", "price_asc", "price_desc")
PRICE_BANDS = ((0, 5000), (5000, 10000), (10000, 20000), (20000, 50000), (50000, 100000), (100000, None))
FACET_LIMIT = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: object | None = None  # a catalog Category: its whole subtree
    shop_id: int | None = None
    brand_ids: tuple[int, ...] = ()
    min_price_fen: int | None = None
    max_price_fen: int | None = None  # inclusive
    in_stock: bool = False
    on_promotion: bool = False
    channel: str = ""  # "retail" | "wholesale" | "" (both)
    attributes: tuple[tuple[str, str], ...] = ()
    sort: str = "default"
    page: int = 1
    per_page: int = 40


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    key: str  # the query parameter a click sets: category, brand, price, shop, in_stock, on_promotion, channel, attr
    label: str
    values: tuple[FacetValue, ...]
    name: str = ""  # for key "attr": the attribute's name


@dataclass
class SearchResult:
    products: list
    total: int
    page: int
    pages: int
    per_page: int
    words: list[str]
    facets: list[Facet] = field(default_factory=list)
    fallback: str = ""  # the query shown instead, when the one typed found nothing
    dropped: list[str] = field(default_factory=list)
    did_you_mean: str = ""
    category_hint: object | None = None  # the query named this category (its attributes become facets)
    query_id: int | None = None  # set by a face that logged this search

    @property
    def page_obj(self):
        """A Django Page for the pagination component (a range stands in for the rows: nothing is loaded)."""
        return Paginator(range(self.total), self.per_page).get_page(self.page)


def attribute_filter(text: str) -> tuple[str, str] | None:
    """`材质:纯棉` → ('材质', '纯棉'); None for anything else (the faces word their own error)."""
    name, sep, value = str(text).partition(":")
    if not sep or not name.strip() or not value.strip() or len(text) > 100:
        return None
    return name.strip(), value.strip()


# --- synonyms ---------------------------------------------------------------------------------------------


def synonym_map() -> dict[str, tuple[str, ...]]:
    """word → the words a query for it also matches (cached; synonym changes bump the version)."""
    cache.add(SYNONYM_VERSION_KEY, 1, None)
    key = f"search:synonyms:{cache.get(SYNONYM_VERSION_KEY)}"
    found = cache.get(key)
    if found is None:
        expand: dict[str, list[str]] = {}
        with primary_reads():  # kept for an hour: not from a replica that may not have the change yet
            rows = list(Synonym.objects.all())
        for row in rows:
            words = list(row.words)
            sources = words[:1] if row.one_way else words
            for w in sources:
                bucket = expand.setdefault(w, [])
                bucket += [o for o in words if o != w and o not in bucket]
        found = {k: tuple(v) for k, v in expand.items()}
        cache.set(key, found, 3600)
    return found


def synonym_list() -> list[Synonym]:
    return list(Synonym.objects.all())


def query_groups(words: list[str]) -> list[list[str]]:
    synonyms = synonym_map()
    return [[w, *synonyms.get(w, ())] for w in words]


# --- SQL assembly --------------------------------------------------------------------------------------------


@dataclass
class _Where:
    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, sql: str, *params) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) or "1=1"


def _filters(p: SearchParams) -> _Where:
    w = _Where()
    w.add("d.visible = %s", True)
    if p.category is not None:
        w.add("d.category_path LIKE %s", p.category.path + "%")
    if p.shop_id:
        w.add("d.shop_id = %s", int(p.shop_id))
    if p.brand_ids:
        w.add(f"d.brand_id IN ({', '.join('%s' for _ in p.brand_ids)})", *p.brand_ids)
    if p.min_price_fen is not None:
        w.add("d.min_price_fen >= %s", p.min_price_fen)
    if p.max_price_fen is not None:
        w.add("d.min_price_fen <= %s", p.max_price_fen)
    if p.in_stock:
        w.add("d.in_stock = %s", True)
    if p.on_promotion:
        w.add("d.on_promotion = %s", True)
    if p.channel in ("retail", "wholesale"):
        w.add("d.is_wholesale = %s", p.channel == "wholesale")
    for name, value in p.attributes:
        w.add(f"{backend().json_text('d.attributes')} = %s", name, value)
    return w


def _from_where(match: Match, where: _Where) -> tuple[str, list]:
    sql = f"FROM {match.from_sql} WHERE {match.where_sql} AND {where.sql}"
    return sql, [*match.from_params, *match.where_params, *where.params]


def _order(p: SearchParams, match: Match, has_words: bool) -> tuple[str, list]:
    if p.sort == "sales":
        return "d.sales_count DESC, d.product_id DESC", []
    if p.sort == "new":
        return "d.created_at DESC, d.product_id DESC", []
    if p.sort == "price_asc":
        return "d.min_price_fen ASC, d.product_id ASC", []
    if p.sort == "price_desc":
        return "d.min_price_fen DESC, d.product_id DESC", []
    if has_words:  # 综合: relevance × (1 + popularity)
        return (
            f"{match.score_sql} * (1 + d.popularity) DESC, d.popularity DESC, d.product_id DESC",
            list(match.score_params),
        )
    return "d.popularity DESC, d.product_id DESC", []


def _rows(sql: str, params: list) -> list[tuple]:
    # asks the router like the ORM would: a search page may be answered by a read replica (docs/production.md)
    with connections[router.db_for_read(SearchDoc)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _match_for(groups: list[list[str]]) -> Match:
    return backend().match(groups) if groups else backend().everything()


def _count(groups, p: SearchParams) -> int:
    body, params = _from_where(_match_for(groups), _filters(p))
    return _rows(f"SELECT COUNT(*) {body}", params)[0][0]


# --- the search ------------------------------------------------------------------------------------------------


_categories: ContextVar[dict | None] = ContextVar("search_categories", default=None)


def _cats() -> dict:
    """The category table, read once per search (the tree comes from the cache, unpickled on every read)."""
    found = _categories.get()
    return found if found is not None else categories_by_id()


def _category_named(words: list[str]):
    """The shallowest active category whose name is the whole query (女装), or None."""
    if not words:
        return None
    joined = "".join(words)
    named = [c for c in _cats().values() if c.name == joined]
    return min(named, key=lambda c: c.level) if named else None


def _better_term(typed: str) -> str | None:
    """A known word (searched with results, or a category or brand name) with the pinyin of `typed`."""
    full, _initials = text.pinyin_of(typed)
    if not full:
        return None
    better = (
        SearchTerm.objects.filter(pinyin=full, hidden=False)
        .exclude(term=typed)
        .filter(Q(results__gt=0) | Q(is_catalog_word=True) | Q(searches__gt=0))
        .order_by("-searches")
        .values_list("term", flat=True)
        .first()
    )
    if better is None:
        better = next(
            (c.name for c in _cats().values() if c.name != typed and text.pinyin_of(c.name)[0] == full),
            None,
        )
    return better


def did_you_mean(words: list[str]) -> str:
    """A better-known query with the same pinyin as what was typed (连衣群 → 连衣裙), or ''.

    The whole query first (jieba cuts a typo into pieces: 连衣 群), then word by word.
    """
    if not words:
        return ""
    whole = _better_term("".join(words))
    if whole:
        return whole
    fixed = [_better_term(w) or w for w in words]
    return " ".join(fixed) if fixed != words else ""


VOCABULARY_TTL = 300  # seconds: a brand or category added since is learned by then
_vocabulary_learned_at: float | None = None


def learn_vocabulary(*, force: bool = False) -> None:
    """Teach this process's segmenter every brand and category name, as the indexer does before it cuts a
    product (`services._document`): a query must be cut with the same words whatever this process indexed
    itself, or 花西子 becomes 花 + 西子 in a web worker. Once per VOCABULARY_TTL; the WSGI/ASGI entry points
    call it at start so the first buyer does not pay for loading jieba."""
    global _vocabulary_learned_at
    now = time.monotonic()
    if not force and _vocabulary_learned_at is not None and now - _vocabulary_learned_at < VOCABULARY_TTL:
        return
    text.learn([c.name for c in categories_by_id().values()])
    text.learn([b.name for b in brand_list()])
    _vocabulary_learned_at = now


def index_words(raw: str) -> tuple[str, ...]:
    """The words the index stores for a field (search mode: the shorter words inside long ones too)."""
    learn_vocabulary()
    return tuple(text.index_words(raw))


def search(params: SearchParams) -> SearchResult:
    learn_vocabulary()
    token = _categories.set(categories_by_id())
    try:
        return _search(params)
    finally:
        _categories.reset(token)


RERANK_LIMIT = 1000


def _rerank_window(p: SearchParams, groups, total: int, last_row: int) -> bool:
    return (
        connection.vendor == "postgresql"
        and p.sort == "default"
        and bool(groups)
        and total > RERANK_LIMIT
        and last_row <= RERANK_LIMIT
    )


def _search(params: SearchParams) -> SearchResult:
    p = params if params.sort in SORTS else SearchParams(**{**params.__dict__, "sort": "default"})
    per_page = max(1, min(p.per_page, MAX_PAGE_SIZE))
    typed = text.query_words(p.q)
    words, groups = typed, query_groups(typed)
    # The facets' counts come first: their query also gives the result's size, so a search that finds
    # something matches once for the count and the facets together (again only if a fallback changes it).
    hint = p.category or _category_named(words)
    counts, names = _gather(groups, p, hint)
    total = counts.total
    dropped: list[str] = []
    correction = did_you_mean(typed) if total == 0 else ""
    if correction:  # 连衣群 found nothing: show 连衣裙 when that finds something
        fixed = text.query_words(correction)
        fixed_total = _count(query_groups(fixed), p)
        if fixed_total:
            words, groups, total = fixed, query_groups(fixed), fixed_total
    while total == 0 and len(groups) > 1:
        dropped.insert(0, words[len(groups) - 1])
        groups = groups[:-1]
        total = _count(groups, p)
    if total == 0 and words:
        words, groups, dropped = (
            typed,
            query_groups(typed),
            [],
        )  # show the real (empty) result, not everything
    used_words = words[: len(groups)]
    if words != typed or dropped:
        hint = p.category or _category_named(words)
        counts, names = _gather(groups, p, hint) if total else (_Counts(), [])
    pages = max(1, -(-total // per_page))
    page = max(1, min(int(p.page or 1), pages))
    match = _match_for(groups)
    body, params_ = _from_where(match, _filters(p))
    order_sql, order_params = _order(p, match, bool(groups))
    window = [per_page, (page - 1) * per_page]
    if _rerank_window(p, groups, total, page * per_page):
        # 综合 over a large match on PostgreSQL: relevance needs each row's vectors, so only the RERANK_LIMIT
        # most popular matches are scored (docs/search.md)
        sql = (
            f"WITH m AS MATERIALIZED (SELECT d.product_id, d.popularity {body}), "  # noqa: S608
            f"top AS (SELECT product_id FROM m ORDER BY popularity DESC, product_id DESC LIMIT {RERANK_LIMIT}) "
            f"SELECT d.product_id FROM top JOIN search_searchdoc d ON d.product_id = top.product_id "
            f"ORDER BY {order_sql} LIMIT %s OFFSET %s"
        )
        ids = [r[0] for r in _rows(sql, [*params_, *order_params, *window])]
    else:
        sql = f"SELECT d.product_id {body} ORDER BY {order_sql} LIMIT %s OFFSET %s"  # noqa: S608
        ids = [r[0] for r in _rows(sql, [*params_, *order_params, *window])]
    return SearchResult(
        products=public_products_in_order(product_ids=ids),
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        words=used_words,
        facets=_facets(counts, names, p) if total else [],
        fallback=" ".join(used_words) if (dropped or words != typed) and total else "",
        dropped=dropped,
        did_you_mean=correction,
        category_hint=None if p.category else hint,
    )


# --- facets --------------------------------------------------------------------------------------------------


def _price_label(low: int, high: int | None) -> str:
    return f"¥{low // 100}以上" if high is None else f"¥{low // 100}–{high // 100}"


@dataclass
class _Counts:
    """What the facets count over the filtered result set, however the backend gathered it."""

    total: int = 0
    in_stock: int = 0
    on_promotion: int = 0
    retail: int = 0
    wholesale: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * len(PRICE_BANDS))
    paths: dict[str, int] = field(default_factory=dict)
    brands: dict[int, int] = field(default_factory=dict)
    shops: dict[int, int] = field(default_factory=dict)
    attributes: dict[str, dict[str, int]] = field(default_factory=dict)


def _band_sums(column: str) -> str:
    return ", ".join(
        f"SUM(CASE WHEN {column} >= {lo}{'' if hi is None else f' AND {column} < {hi}'} THEN 1 ELSE 0 END)"
        for lo, hi in PRICE_BANDS
    )


_FLAG_SUMS = (
    "SUM(CASE WHEN {a}in_stock THEN 1 ELSE 0 END), SUM(CASE WHEN {a}on_promotion THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN {a}is_wholesale THEN 0 ELSE 1 END), SUM(CASE WHEN {a}is_wholesale THEN 1 ELSE 0 END)"
)


def _counts_by_query(body: str, params: list, attribute_names: list[str]) -> _Counts:
    """One query per facet (SQLite: each re-runs an FTS5 match, which is cheap there)."""
    c = _Counts()
    flags = _rows(
        f"SELECT COUNT(*), {_FLAG_SUMS.format(a='d.')}, {_band_sums('d.min_price_fen')} {body}", params
    )[0]
    c.total, c.in_stock, c.on_promotion, c.retail, c.wholesale, *c.bands = (int(v or 0) for v in flags)
    if not c.total:
        return c
    c.paths = dict(_rows(f"SELECT d.category_path, COUNT(*) {body} GROUP BY d.category_path", params))
    c.brands = dict(
        _rows(f"SELECT d.brand_id, COUNT(*) {body} AND d.brand_id IS NOT NULL GROUP BY d.brand_id", params)
    )
    c.shops = dict(_rows(f"SELECT d.shop_id, COUNT(*) {body} GROUP BY d.shop_id", params))
    json_text = backend().json_text("d.attributes")
    for name in attribute_names:
        rows = _rows(
            f"SELECT {json_text}, COUNT(*) {body} AND {json_text} IS NOT NULL GROUP BY 1",
            [name, *params, name],
        )
        c.attributes[name] = {v: n for v, n in rows if v}
    return c


def _counts_by_grouping_sets(body: str, params: list, attribute_names: list[str]) -> _Counts:
    """PostgreSQL: the match runs once into a materialised set, every facet is a grouping set over it."""
    attr_cols = [f"a{i}" for i in range(len(attribute_names))]
    attr_select = "".join(f", d.attributes ->> %s AS {col}" for col in attr_cols)
    keys = ["category_path", "brand_id", "shop_id", *attr_cols]
    sets = ", ".join(f"({k})" for k in keys) + ", ()"
    columns = (
        "d.category_path, d.brand_id, d.shop_id, d.in_stock, d.on_promotion, d.is_wholesale, d.min_price_fen"
    )
    sums = f"{_FLAG_SUMS.format(a='')}, {_band_sums('min_price_fen')}"
    grouping = ", ".join(keys)
    sql = f"WITH m AS MATERIALIZED (SELECT {columns}{attr_select} {body}) "  # noqa: S608 - fixed SQL, %s params
    sql += f"SELECT {grouping}, GROUPING({grouping}), COUNT(*), {sums} FROM m GROUP BY GROUPING SETS ({sets})"  # noqa: S608
    c = _Counts()
    everything = (1 << len(keys)) - 1
    for row in _rows(sql, [*attribute_names, *params]):
        values, grouping, n, sums = row[: len(keys)], row[len(keys)], row[len(keys) + 1], row[len(keys) + 2 :]
        if grouping == everything:  # the () set: the size, flags and price bands of the whole result
            c.total = n
            c.in_stock, c.on_promotion, c.retail, c.wholesale, *c.bands = (int(v or 0) for v in sums)
            continue
        index = next(i for i in range(len(keys)) if not grouping & (1 << (len(keys) - 1 - i)))
        value = values[index]
        if value is None:
            continue
        if index == 0:
            c.paths[value] = n
        elif index == 1:
            c.brands[value] = n
        elif index == 2:
            c.shops[value] = n
        else:
            c.attributes.setdefault(attribute_names[index - 3], {})[value] = n
    for name in attribute_names:
        c.attributes.setdefault(name, {})
    return c


def _top(counts: dict, limit: int = FACET_LIMIT) -> list[tuple]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _gather(groups, p: SearchParams, category) -> tuple[_Counts, list[str]]:
    """Every facet's counts (and the result's size) for a query, with the attributes of `category`'s
    template; the names of those attributes."""
    body, params = _from_where(_match_for(groups), _filters(p))
    templates = attribute_templates(category=category)[:6] if category is not None else []
    names = [t.name for t in templates]
    gather = _counts_by_grouping_sets if connection.vendor == "postgresql" else _counts_by_query
    return gather(body, params, names), names


def _facets(c: _Counts, names: list[str], p: SearchParams) -> list[Facet]:
    facets: list[Facet] = [*_category_facet(c.paths, p)]
    brand_rows = _top(c.brands)
    brands = brands_by_ids(ids=[b for b, _n in brand_rows])
    facets.append(
        Facet(
            "brand",
            _("品牌"),
            tuple(
                FacetValue(str(b), brands[b].name, n, b in p.brand_ids) for b, n in brand_rows if b in brands
            ),
        )
    )
    selected_band = (p.min_price_fen, p.max_price_fen)
    facets.append(
        Facet(
            "price",
            _("价格"),
            tuple(
                FacetValue(
                    f"{lo}-{'' if hi is None else hi - 1}",
                    _price_label(lo, hi),
                    n,
                    selected_band == (lo, None if hi is None else hi - 1),
                )
                for (lo, hi), n in zip(PRICE_BANDS, c.bands, strict=True)
                if n
            ),
        )
    )
    chosen = dict(p.attributes)
    for name in names:
        values = tuple(
            FacetValue(v, v, n, chosen.get(name) == v) for v, n in _top(c.attributes.get(name, {}))
        )
        facets.append(Facet("attr", name, values, name=name))
    if not p.shop_id:
        shop_rows = _top(c.shops)
        shops = shops_by_ids(ids=[s_id for s_id, _n in shop_rows])
        facets.append(
            Facet(
                "shop",
                _("店铺"),
                tuple(FacetValue(str(i), shops[i].name, n) for i, n in shop_rows if i in shops),
            )
        )
    facets.append(Facet("in_stock", _("仅看有货"), (FacetValue("1", _("有货"), c.in_stock, p.in_stock),)))
    facets.append(
        Facet("on_promotion", _("促销"), (FacetValue("1", _("促销中"), c.on_promotion, p.on_promotion),))
    )
    facets.append(
        Facet(
            "channel",
            _("渠道"),
            (
                FacetValue("retail", _("零售"), c.retail, p.channel == "retail"),
                FacetValue("wholesale", _("批发"), c.wholesale, p.channel == "wholesale"),
            ),
        )
    )
    return [f for f in facets if f.values]


def _category_facet(paths: dict[str, int], p: SearchParams) -> list[Facet]:
    """Counts per child of the chosen category (or per top category), summed from the leaf paths found."""
    base = p.category.path if p.category is not None else "/"
    categories = _cats()
    counts: dict[int, int] = {}
    for path, n in paths.items():
        rest = path[len(base) :] if path.startswith(base) else ""
        head = rest.split("/", 1)[0]
        if head.isdigit():
            counts[int(head)] = counts.get(int(head), 0) + n
    values = tuple(
        FacetValue(str(cid), categories[cid].name, n)
        for cid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if cid in categories
    )
    return [Facet("category", _("类目"), values)] if values else []


# --- suggestions and hot words ---------------------------------------------------------------------------------


def suggest(*, prefix: str, limit: int = 10) -> list[str]:
    """Queries starting with what was typed, or whose pinyin or initials do (lian, lyq), most searched first."""
    typed = text.normalise(prefix)[:50]
    if not typed:
        return []
    squashed = typed.replace(" ", "")
    condition = Q(term__startswith=typed)
    if text.is_pinyin_like(squashed):
        condition |= Q(pinyin__startswith=squashed) | Q(initials__startswith=squashed)
    rows = (
        SearchTerm.objects.filter(condition, hidden=False)
        .order_by("-pinned", "-searches", "-is_catalog_word", "term")
        .values_list("term", flat=True)[:limit]
    )
    return list(rows)


def hot_words(*, limit: int = 8) -> list[str]:
    """Pinned words first, then the most searched of the last 30 days (terms_refresh keeps the volumes)."""
    rows = (
        SearchTerm.objects.filter(Q(pinned=True) | Q(searches__gt=0), hidden=False)
        .order_by("-pinned", "-searches", "term")
        .values_list("term", flat=True)[:limit]
    )
    return list(rows)


@dataclass(frozen=True)
class QueryStat:
    query: str
    searches: int
    zero_results: int
    clicks: int

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


def query_report(*, days: int = 7, zero_only: bool = False, limit: int = 50, now=None) -> list[QueryStat]:
    """The platform's search report: top queries (or those that found nothing) with their click-through."""
    since = (now or timezone.now()) - timedelta(days=days)
    qs = (
        SearchQuery.objects.filter(created_at__gte=since)
        .values("normalised")
        .annotate(
            searches=Count("id"),
            zero=Count("id", filter=Q(results=0)),
            clicks=Count("id", filter=Q(clicked_product_id__isnull=False)),
        )
    )
    if zero_only:
        qs = qs.filter(zero__gt=0).order_by("-zero", "normalised")
    else:
        qs = qs.order_by("-searches", "normalised")
    return [QueryStat(r["normalised"], r["searches"], r["zero"], r["clicks"]) for r in qs[:limit]]


def hot_word_rows() -> list[SearchTerm]:
    return list(SearchTerm.objects.filter(Q(pinned=True) | Q(hidden=True)).order_by("-pinned", "term"))


def query_words(query: str) -> list[str]:
    """The words the search box cuts `query` into (NFKC, lower case, jieba precise mode, stop words and repeats
    dropped): ads stores a keyword's words this way so its matching reads a query as search does."""
    return text.query_words(query)


# --- for 推广中心's keyword suggestions (ads reads the query log through these) ---------------------------------


def queries_to_category(*, category_id: int, since, limit: int = 50) -> list[tuple[str, int]]:
    """The searches since `since` whose opened result was a product of the category (the first result a search
    opened is what the log keeps): (normalised query, searches), most first. Normalised = the search box's
    words joined by spaces, as `query_words` cuts them."""
    products = SearchDoc.objects.filter(category_id=category_id).values("product_id")
    rows = (
        SearchQuery.objects.filter(created_at__gte=since, clicked_product_id__in=products)
        .exclude(normalised="")
        .values("normalised")
        .annotate(n=Count("id"))
        .order_by("-n", "normalised")[:limit]
    )
    return [(r["normalised"], r["n"]) for r in rows]


def query_volumes(*, normalised, since) -> dict[str, int]:
    """How many searches since `since` read as each of these normalised queries (words joined by spaces)."""
    keys = [k for k in set(normalised) if k]
    if not keys:
        return {}
    rows = (
        SearchQuery.objects.filter(normalised__in=keys, created_at__gte=since)
        .values("normalised")
        .annotate(n=Count("id"))
    )
    return {r["normalised"]: r["n"] for r in rows}


@dataclass(frozen=True)
class IndexedDoc:
    """What the search index holds of a product, for a consistency check (the daily patrol)."""

    product_id: int
    visible: bool
    in_stock: bool
    on_promotion: bool
    min_price_fen: int
    title_words: str
    title_current: bool  # the indexed title words are the product's title, subtitle and tags of now
    indexed_at: object


def _chars(words: str) -> frozenset:
    # compared by characters, not tokens: how jieba groups them depends on the words a process has learned
    return frozenset(words.replace(" ", "").lower())


def indexed_docs(*, products) -> dict[int, IndexedDoc]:
    """product id -> its search document as indexed; products with no document are absent."""
    by_id = {p.pk: p for p in products}
    return {
        d.product_id: IndexedDoc(
            product_id=d.product_id,
            visible=d.visible,
            in_stock=d.in_stock,
            on_promotion=d.on_promotion,
            min_price_fen=d.min_price_fen,
            title_words=d.title_words,
            title_current=_chars(d.title_words) == _chars(title_words_of(by_id[d.product_id])),
            indexed_at=d.indexed_at,
        )
        for d in SearchDoc.objects.filter(product_id__in=list(by_id))
    }
