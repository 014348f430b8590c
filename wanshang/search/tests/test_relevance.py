"""Search relevance with hand-made products: subtree, synonyms, pinyin, visibility, facets, fallback.

The products are saved through the catalog's services with after-commit callbacks executed, so the index is
kept by the real domain events (ProductSaved, ProductStatusChanged, ShopChanged), not by calling the indexer.
These run on SQLite (FTS5) and, marked `sql`, again on PostgreSQL (tsvector + GIN) in the second test part.
"""

import pytest

from wanshang.catalog.services import brand_create, category_create, product_set_status
from wanshang.inventory.services import stock_set_default_warehouse
from wanshang.merchants.services import shop_suspend
from wanshang.search.selectors import SearchParams, search, suggest
from wanshang.search.services import rebuild_index, refresh_signals, synonym_save, terms_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.sql]


@pytest.fixture
def mall(make_shop, make_product, django_capture_on_commit_callbacks, operator):
    root = category_create(name="服饰内衣", slug="s-root")
    women = category_create(name="女装", slug="s-women", parent_id=root.pk)
    dresses = category_create(name="连衣裙", slug="s-dress", parent_id=women.pk)
    skirts = category_create(name="半身裙", slug="s-skirt", parent_id=women.pk)
    men = category_create(name="男装", slug="s-men", parent_id=root.pk)
    shirts = category_create(name="衬衫", slug="s-shirt", parent_id=men.pk)
    brand = brand_create(name="花西子")
    with django_capture_on_commit_callbacks(execute=True):
        shop = make_shop(name="甲店", category=dresses)
        other = make_shop(name="乙店", category=dresses)
        p = {
            "dress": make_product(shop, title="纯棉碎花连衣裙夏季", category_id=dresses.pk, prices=(15900,)),
            "dress2": make_product(
                other, title="真丝长款连衣裙", category_id=dresses.pk, prices=(39900,), brand_id=brand.pk
            ),
            "skirt": make_product(shop, title="百褶半身裙", category_id=skirts.pk, prices=(8900,)),
            "shirt": make_product(shop, title="商务长袖衬衫", category_id=shirts.pk, prices=(12900,)),
            "off": make_product(shop, title="下架的连衣裙", category_id=dresses.pk),
            "wholesale": make_product(
                shop,
                title="批发连衣裙",
                category_id=dresses.pk,
                prices=(2000,),
                is_wholesale=True,
                min_order_qty=50,
            ),
        }
        product_set_status(staff=shop.owner_staff, product_ids=[p["off"].pk], status="off_shelf")
    return {"shop": shop, "other": other, "women": women, "dresses": dresses, "men": men, "brand": brand, **p}


def ids(result):
    return {p.pk for p in result.products}


def test_a_category_name_finds_its_whole_subtree(mall):
    found = search(SearchParams(q="女装"))
    assert ids(found) == {mall[k].pk for k in ("dress", "dress2", "skirt", "wholesale")}
    assert found.category_hint.pk == mall["women"].pk


def test_words_match_title_and_two_words_must_both_match(mall):
    assert ids(search(SearchParams(q="纯棉连衣裙"))) == {mall["dress"].pk}
    assert ids(search(SearchParams(q="连衣裙"))) == {mall[k].pk for k in ("dress", "dress2", "wholesale")}


def test_brand_is_searchable(mall):
    assert ids(search(SearchParams(q="花西子"))) == {mall["dress2"].pk}


def test_a_synonym_finds_its_words(mall, django_capture_on_commit_callbacks):
    assert ids(search(SearchParams(q="裙子"))) == set()
    synonym_save(words=["裙子", "连衣裙", "半身裙"])
    assert ids(search(SearchParams(q="裙子"))) == {
        mall[k].pk for k in ("dress", "dress2", "skirt", "wholesale")
    }


def test_one_way_synonyms_do_not_expand_back(mall):
    synonym_save(words=["上衣", "衬衫"], one_way=True)
    assert ids(search(SearchParams(q="上衣"))) == {mall["shirt"].pk}
    assert ids(search(SearchParams(q="衬衫"))) == {mall["shirt"].pk}


@pytest.mark.parametrize("typed", ["lianyiqun", "lyq", "LianYiQun"])
def test_pinyin_and_initials_find_the_chinese_word(mall, typed):
    assert ids(search(SearchParams(q=typed))) == {mall[k].pk for k in ("dress", "dress2", "wholesale")}


def test_off_shelf_and_suspended_shops_never_appear(mall, operator, django_capture_on_commit_callbacks):
    assert mall["off"].pk not in ids(search(SearchParams(q="连衣裙")))
    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop_id=mall["other"].pk, reason="测试暂停")
    assert ids(search(SearchParams(q="连衣裙"))) == {mall["dress"].pk, mall["wholesale"].pk}
    assert mall["dress2"].pk not in ids(search(SearchParams(q="真丝")))


def test_facets_count_exactly_what_the_results_hold(mall):
    found = search(SearchParams(q="裙"))  # 裙 is inside 连衣裙 and 半身裙 (search-mode words)
    facets = {f.key: f for f in found.facets}
    assert sum(v.count for v in facets["category"].values) == found.total
    for value in facets["category"].values:
        assert search(SearchParams(q="裙", category=_category(value.value))).total == value.count
    channel = {v.value: v.count for v in facets["channel"].values}
    assert channel == {"retail": found.total - 1, "wholesale": 1}
    assert search(SearchParams(q="裙", channel="wholesale")).total == 1
    price = {v.value: v.count for v in facets["price"].values}
    assert sum(price.values()) == found.total
    low, high = next(iter(price)).split("-")
    assert (
        search(SearchParams(q="裙", min_price_fen=int(low), max_price_fen=int(high) if high else None)).total
        == price[f"{low}-{high}"]
    )
    brands = {v.label: v.count for v in facets["brand"].values}
    assert brands == {"花西子": 1}


def _category(pk):
    from wanshang.catalog.selectors import category_get  # noqa: PLC0415 - test helper

    return category_get(category_id=int(pk))


def test_filters_in_stock_shop_and_sorts(mall):
    by_price = search(SearchParams(q="连衣裙", sort="price_asc"))
    assert [p.pk for p in by_price.products] == [mall["wholesale"].pk, mall["dress"].pk, mall["dress2"].pk]
    assert ids(search(SearchParams(q="连衣裙", shop_id=mall["other"].pk))) == {mall["dress2"].pk}
    assert search(SearchParams(q="连衣裙", in_stock=True)).total == 3


def test_nothing_found_drops_words_then_suggests_a_correction(mall):
    dropped = search(SearchParams(q="连衣裙 火星"))
    assert ids(dropped) and dropped.dropped == ["火星"] and dropped.fallback == "连衣裙"
    terms_refresh()
    typo = search(SearchParams(q="连衣群"))
    assert typo.did_you_mean == "连衣裙" and typo.fallback == "连衣裙"
    assert ids(typo) == {mall[k].pk for k in ("dress", "dress2", "wholesale")}
    nothing = search(SearchParams(q="火星"))
    assert (nothing.total, nothing.products, nothing.fallback) == (0, [], "")


def test_suggestions_by_prefix_and_pinyin(mall):
    terms_refresh()
    assert "连衣裙" in suggest(prefix="连衣")
    assert "连衣裙" in suggest(prefix="lianyi")
    assert "连衣裙" in suggest(prefix="lyq")
    assert suggest(prefix="") == []


def test_rebuild_gives_the_same_answers(mall):
    before = ids(search(SearchParams(q="连衣裙")))
    assert rebuild_index() >= 6
    assert ids(search(SearchParams(q="连衣裙"))) == before


@pytest.mark.postgres
def test_large_matches_rank_only_the_most_popular_candidates_on_postgres(mall, require_postgres, monkeypatch):
    """综合 over more than RERANK_LIMIT matches scores the most popular ones only (docs/search.md)."""
    monkeypatch.setattr("wanshang.search.selectors.RERANK_LIMIT", 2)
    matches = {mall[k].pk for k in ("dress", "dress2", "wholesale")}  # equal popularity: newest first
    found = search(SearchParams(q="连衣裙", per_page=2))
    assert found.total == 3
    assert ids(found) == set(sorted(matches)[-2:])
    deeper = search(SearchParams(q="连衣裙", per_page=2, page=2))  # past the window: everything is scored
    assert ids(deeper) | ids(found) == matches


def test_the_signals_job_follows_stock_that_changed_without_a_product_save(mall):
    shop, dress = mall["shop"], mall["dress"]
    assert refresh_signals() == 0  # nothing is stale
    stock_set_default_warehouse(shop=shop, sku=dress.skus.get(), on_hand=0, actor=shop.owner, reason="盘点")
    assert dress.pk in ids(search(SearchParams(q="连衣裙", in_stock=True)))  # the index has not seen it yet
    assert refresh_signals() == 1
    assert dress.pk not in ids(search(SearchParams(q="连衣裙", in_stock=True)))
    assert refresh_signals() == 0


def test_a_fresh_web_process_cuts_a_query_with_the_names_the_index_learned(mall, monkeypatch):
    """A web worker that indexed nothing still cuts 花西子 as one word, as the indexer did (learn_vocabulary)."""
    from wanshang.search import selectors, text

    monkeypatch.setattr(text, "_tokenizer", None)
    monkeypatch.setattr(text, "_learned", set())
    monkeypatch.setattr(selectors, "_vocabulary_learned_at", None)
    text._short_index_words.cache_clear()
    text._block_words.cache_clear()
    found = search(SearchParams(q="花西子"))
    assert ids(found) == {mall["dress2"].pk}
    assert not found.dropped
