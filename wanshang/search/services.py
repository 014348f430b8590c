"""Writes of search: the index, the query log and clicks, synonyms, hot words."""

import math
import multiprocessing
import re
from collections.abc import Iterable
from datetime import timedelta
from html import unescape

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from wanshang.catalog.selectors import (
    categories_by_id,
    product_ids_after,
    product_ids_of_shop,
    products_for_index,
)
from wanshang.common.errors import NotFound, ValidationError
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import product_tags
from wanshang.merchants.selectors import shops_sanctions
from wanshang.reviews.selectors import product_ratings
from wanshang.search import text
from wanshang.search.backends import backend
from wanshang.search.models import SearchDoc, SearchQuery, SearchTerm, Synonym

SYNONYM_VERSION_KEY = "search:synonyms:version"
INDEX_CHUNK = 500


# --- the index ---------------------------------------------------------------------------------------------


def popularity(*, sales_count: int, conversion: float, rating: float | None) -> float:
    """The non-text part of 综合 (docs/search.md): log sales, conversion, and the rating once reviews exist."""
    score = 0.15 * math.log1p(max(sales_count, 0)) + 2.0 * max(min(conversion, 1.0), 0.0)
    if rating is not None:
        score += 0.2 * (rating - 4.0)
    return max(score, 0.0)


def demoted(popularity_score: float, *, factor: float) -> float:
    """A 搜索降权 sanction (体检中心, kept by merchants): 综合 is relevance × (1 + popularity), so storing
    (1 + p) × factor − 1 multiplies the shop's products' whole 综合 score by `factor` (and sinks them in the
    popularity order too) without another column or a change to the ranking SQL."""
    return (1.0 + popularity_score) * factor - 1.0


def _words(*texts: str, chars: bool = False) -> str:
    seen: dict[str, None] = {}
    for t in texts:
        for w in text.index_words(t, chars=chars):
            seen.setdefault(w, None)
    return " ".join(seen)


def title_words_of(product) -> str:
    """The words a product's document holds for its title (title, subtitle and tags)."""
    return _words(product.title, product.subtitle, " ".join(product.tags or []), chars=True)


def _attribute_text(attributes: dict) -> str:
    return " ".join(f"{k} {v}" for k, v in (attributes or {}).items() if isinstance(v, str | int))


def _detail_text(html: str) -> str:
    # the detail is sanitised HTML: tags out, the first few thousand characters are plenty for matching
    return unescape(re.sub(r"<[^>]+>", " ", html or ""))[:1500]


def _flags(products, *, now=None) -> tuple[set[int], set[int]]:
    """(products with stock on an active SKU, products in a running promotion): one look-up each."""
    stock = available_by_sku(sku_ids=[s.pk for p in products for s in p.active_skus])
    in_stock = {p.pk for p in products if any(stock.get(s.pk, 0) > 0 for s in p.active_skus)}
    tags = product_tags(product_ids=[p.pk for p in products], now=now)
    return in_stock, {pid for pid, found in tags.items() if found}


def _document(
    product,
    *,
    categories,
    in_stock: set[int],
    promoted: set[int],
    now,
    rating: float | None = None,
    demote: bool = False,
) -> SearchDoc:
    chain = [categories[int(i)] for i in product.category.path.strip("/").split("/") if int(i) in categories]
    names = [c.name for c in chain] or [product.category.name]
    brand = product.brand.name if product.brand else ""
    brand_en = product.brand.name_en if product.brand else ""
    text.learn([*names, brand])
    title_words = title_words_of(product)
    category_words = _words(*names, chars=True)
    brand_words = _words(brand, brand_en)
    visible = product.status == "on_sale" and product.shop.status == "open"
    score = popularity(sales_count=product.sales_count, conversion=0.0, rating=rating)
    if demote:
        score = demoted(score, factor=settings.WANSHANG["SEARCH_SANCTION_FACTOR"])
    return SearchDoc(
        product_id=product.pk,
        shop_id=product.shop_id,
        category_id=product.category_id,
        category_path=product.category.path,
        brand_id=product.brand_id,
        visible=visible,
        is_wholesale=product.is_wholesale,
        in_stock=product.pk in in_stock,
        on_promotion=product.pk in promoted,
        min_price_fen=product.min_price_fen,
        sales_count=product.sales_count,
        rating=rating,
        popularity=score,
        attributes={k: str(v) for k, v in (product.attributes or {}).items() if isinstance(v, str | int)},
        created_at=product.created_at,
        title_words=title_words,
        brand_words=brand_words,
        category_words=category_words,
        attribute_words=_words(_attribute_text(product.attributes)),
        detail_words=_words(_detail_text(product.detail_html)),
        pinyin_words=" ".join(
            text.pinyin_words(
                [
                    w
                    for w in (*title_words.split(), *category_words.split(), *brand_words.split())
                    if len(w) > 1
                ]
            )
        ),
        indexed_at=now,
    )


_INDEX_LOCK = (
    0x5358  # "SX": the first key of the two-key advisory locks of indexing (the scheduler uses "WS")
)


def _lock_for_indexing(cursor, product_ids: list[int]) -> None:
    """Two indexers of one product at once (a save's subscriber and the patrol's reindex, say) would both delete
    nothing and both insert its document: the second fails on the primary key. On PostgreSQL each product's
    transaction-scoped advisory lock is taken first, in ascending id order (the chunk is sorted), so they take
    turns and cannot deadlock. SQLite has one writer at a time already."""
    if connection.vendor != "postgresql":
        return
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, (id %% 2147483647)::int) FROM unnest(%s::bigint[]) AS id",
        [_INDEX_LOCK, list(product_ids)],
    )


def index_products(*, product_ids: Iterable[int]) -> int:
    """(Re)index these products: documents and full text in one transaction. Idempotent; returns how many.

    A product that no longer exists loses its document. Runs after commit from the subscribers, from the
    catch-up job and from `manage.py search_rebuild`.
    """
    ids = sorted({int(i) for i in product_ids})
    done = 0
    for start in range(0, len(ids), INDEX_CHUNK):
        chunk = ids[start : start + INDEX_CHUNK]
        products = products_for_index(product_ids=chunk)
        in_stock, promoted = _flags(products)
        categories = categories_by_id()
        ratings = product_ratings(product_ids=chunk)
        sanctions = shops_sanctions(shop_ids={p.shop_id for p in products})
        now = timezone.now()
        docs = [
            _document(
                p,
                categories=categories,
                in_stock=in_stock,
                promoted=promoted,
                now=now,
                rating=ratings.get(p.pk),
                demote="search_demote" in sanctions.get(p.shop_id, ()),
            )
            for p in products
        ]
        gone = sorted(set(chunk) - {d.product_id for d in docs})
        with transaction.atomic(), connection.cursor() as cursor:
            _lock_for_indexing(cursor, chunk)
            SearchDoc.objects.filter(product_id__in=chunk).delete()
            SearchDoc.objects.bulk_create(docs)
            backend().write(cursor, [d.product_id for d in docs])
            if gone:
                backend().delete(cursor, gone)
        done += len(docs)
    return done


def index_shop(*, shop_id: int) -> int:
    """A shop opened, was suspended or renamed: its products' visibility and words change."""
    return index_products(product_ids=product_ids_of_shop(shop_id=shop_id))


def rebuild_index(*, chunk: int = 2000, progress=None, workers: int = 1) -> int:
    """Reindex every product, walking the table by id (`manage.py search_rebuild`).

    `workers` > 1 cuts the words of different chunks in that many processes at once (jieba is pure Python,
    one core per process). Only on PostgreSQL, whose writers do not block each other, and only where
    processes can fork; otherwise the chunks are indexed here one after another.
    """
    chunks, after = [], 0
    while ids := product_ids_after(after_id=after, limit=chunk):
        chunks.append(ids)
        after = ids[-1]
    total = 0
    for done in _index_chunks(chunks, workers=workers):
        total += done
        if progress:
            progress(total)
    stale = SearchDoc.objects.filter(product_id__gt=after)
    if stale.exists():
        with connection.cursor() as cursor:
            backend().delete(cursor, list(stale.values_list("product_id", flat=True)))
        stale.delete()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            backend().compact(cursor)
    return total


def _index_chunks(chunks: list[list[int]], *, workers: int) -> Iterable[int]:
    if workers <= 1 or len(chunks) <= 1 or connection.vendor != "postgresql" or not _can_fork():
        for ids in chunks:
            yield index_products(product_ids=ids)
        return
    connections.close_all()  # the children must not share the parent's sockets
    with multiprocessing.get_context("fork").Pool(workers, initializer=connections.close_all) as pool:
        yield from pool.imap_unordered(_index_chunk, chunks)


def _index_chunk(ids: list[int]) -> int:
    return index_products(product_ids=ids)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def refresh_signals(*, now=None) -> int:
    """Stock and promotion flags change without a product save (sales, promotions starting and ending).

    Re-reads both for the visible documents whose flags are wrong now and reindexes only those. Cheap enough
    to run every few minutes: one stock sum and one promotion look-up per chunk of documents.
    """
    changed: list[int] = []
    last = 0
    while True:
        rows = list(
            SearchDoc.objects.filter(visible=True, product_id__gt=last)
            .order_by("product_id")
            .values_list("product_id", "in_stock", "on_promotion")[:INDEX_CHUNK]
        )
        if not rows:
            break
        last = rows[-1][0]
        ids = [r[0] for r in rows]
        has_stock, promoted = _flags(products_for_index(product_ids=ids), now=now)
        changed += [
            pid
            for pid, in_stock, on_promo in rows
            if (pid in has_stock, pid in promoted) != (in_stock, on_promo)
        ]
    return index_products(product_ids=changed) if changed else 0


# --- the query log, clicks and the suggestion dictionary --------------------------------------------------


def query_record(
    *, text_typed: str, results: int, fallback: str = "", shop_id=None, user=None, visitor: str = "", at=None
) -> SearchQuery:
    """Log one search (`at`: when, for the demo's simulated history; now otherwise)."""
    normalised = " ".join(text.query_words(text_typed)) or text.normalise(text_typed)[:50]
    return SearchQuery.objects.create(
        text=text_typed[:50],
        normalised=normalised[:50],
        results=results,
        fallback=fallback[:50],
        shop_id=shop_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        visitor=visitor[:64],
        created_at=at or timezone.now(),
    )


def query_click(*, query_id, product_id) -> bool:
    """A result of a logged search was opened: the first click counts (click-through rate). Idempotent."""
    try:
        query_id, product_id = int(query_id), int(product_id)
    except (TypeError, ValueError):
        return False
    return bool(
        SearchQuery.objects.filter(pk=query_id, clicked_product_id__isnull=True).update(
            clicked_product_id=product_id, clicked_at=timezone.now()
        )
    )


def terms_refresh(*, now=None, days: int = 30) -> int:
    """Rebuild the suggestion dictionary's volumes from the last `days` of queries, plus catalogue words."""
    now = now or timezone.now()
    rows = (
        SearchQuery.objects.filter(created_at__gte=now - timedelta(days=days), results__gt=0)
        .exclude(text="")
        .values("text")
        .annotate(n=Count("id"))
    )
    volumes: dict[str, int] = {}
    for r in rows:  # what people typed, folded only by case and width (ＴＥＥ = tee)
        term = text.normalise(r["text"])[:50]
        if term:
            volumes[term] = volumes.get(term, 0) + r["n"]
    for name in {c.name for c in categories_by_id().values()}:
        volumes.setdefault(name, 0)
    existing = {t.term: t for t in SearchTerm.objects.filter(term__in=list(volumes))}
    touched = 0
    for term, n in volumes.items():
        row = existing.get(term)
        if row is None:
            full, initials = text.pinyin_of(term.replace(" ", ""))
            SearchTerm.objects.create(
                term=term[:50], pinyin=full[:200], initials=initials[:50], searches=n, is_catalog_word=n == 0
            )
            touched += 1
        elif row.searches != n:
            row.searches = n
            row.save(update_fields=["searches"])
            touched += 1
    SearchTerm.objects.filter(~Q(term__in=list(volumes)), searches__gt=0).update(searches=0)
    return touched


def hot_word_set(*, term: str, pinned: bool | None = None, hidden: bool | None = None) -> SearchTerm:
    """The platform pins a word to the hot-word list or hides it from suggestions."""
    term = text.normalise(term)[:50]
    if not term:
        raise ValidationError("请输入搜索词", field="term")
    full, initials = text.pinyin_of(term.replace(" ", ""))
    row, _ = SearchTerm.objects.get_or_create(
        term=term, defaults={"pinyin": full[:200], "initials": initials[:50]}
    )
    fields = []
    if pinned is not None:
        row.pinned = pinned
        fields.append("pinned")
    if hidden is not None:
        row.hidden = hidden
        fields.append("hidden")
    if fields:
        row.save(update_fields=fields)
    return row


# --- synonyms ----------------------------------------------------------------------------------------------


def _clean_group(words) -> list[str]:
    out: list[str] = []
    for raw in words:
        w = text.normalise(str(raw)).replace(" ", "")
        if not w:
            continue
        if len(w) > 20:
            raise ValidationError(f"“{w[:20]}…”太长：每个词不超过 20 个字", field="words")
        if w not in out:
            out.append(w)
    if len(out) < 2:
        raise ValidationError("一组同义词至少两个不同的词", field="words")
    if len(out) > 20:
        raise ValidationError("一组同义词最多 20 个词", field="words")
    return out


def synonym_save(*, words, one_way: bool = False, note: str = "", synonym_id=None) -> Synonym:
    group = _clean_group(words)
    if synonym_id is None:
        row = Synonym(words=group, one_way=one_way, note=note[:60])
    else:
        row = Synonym.objects.filter(pk=synonym_id).first()
        if row is None:
            raise NotFound("同义词组不存在")
        row.words, row.one_way, row.note = group, one_way, note[:60]
    row.save()
    text.learn(group)
    _synonyms_changed()
    return row


def synonym_delete(*, synonym_id) -> None:
    deleted, _ = Synonym.objects.filter(pk=synonym_id).delete()
    if not deleted:
        raise NotFound("同义词组不存在")
    _synonyms_changed()


def _synonyms_changed() -> None:
    try:
        cache.incr(SYNONYM_VERSION_KEY)
    except ValueError:
        cache.set(SYNONYM_VERSION_KEY, 2, None)
