"""The storefront's cached product cards are a patrol surface (patrol/surfaces.py, storefront/patrol_surface.py):
a card cached with an old title or list price is found, the one-click fix renders it afresh, and a surface that
cannot be read does not lose the report."""

import pytest

from wanshang.catalog.selectors import public_products_in_order
from wanshang.patrol import surfaces
from wanshang.patrol.services import finding_fix, patrol_run_shop
from wanshang.storefront.patrol_surface import LABEL, cached_cards
from wanshang.storefront.templatetags.storefront import goods_cards

pytestmark = pytest.mark.django_db
STALE_PAGE = "stale_page"  # the finding's kind (a face's test reads no app's models)


@pytest.fixture
def patrol_shop(make_shop, make_product):
    """(shop, {name: product}): three products on sale that read the same everywhere."""

    def make():
        shop = make_shop()
        products = {
            name: make_product(shop, title=title, prices=prices, stock=20)
            for name, title, prices in (
                ("dress", "真丝连衣裙", (29900,)),
                ("shirt", "纯棉衬衫", (12900, 13900)),
                ("bag", "帆布托特包", (8900,)),
            )
        }
        return shop, products

    return make


def render_cards(products) -> str:
    """What a search or category page does: each product's card rendered and cached."""
    return goods_cards(public_products_in_order(product_ids=[p.pk for p in products]))


def test_cached_cards_are_read_back_with_title_and_list_price(patrol_shop):
    _shop, p = patrol_shop()
    assert cached_cards([p["bag"].pk]) == {}  # nothing rendered yet, nothing to compare
    html = render_cards([p["bag"], p["shirt"]])
    assert "帆布托特包" in html
    shown = cached_cards([p["bag"].pk, p["shirt"].pk])
    assert shown[p["bag"].pk].title == "帆布托特包" and shown[p["bag"].pk].price_fen == 8900
    assert shown[p["shirt"].pk].price_fen == 12900


def test_a_clean_shop_with_cached_cards_has_no_page_finding(patrol_shop):
    shop, p = patrol_shop()
    render_cards(p.values())
    report = patrol_run_shop(shop=shop)
    assert not report.findings.filter(kind=STALE_PAGE).exists()


def test_a_card_cached_with_an_old_title_and_price_is_found_and_fixed(patrol_shop):
    shop, p = patrol_shop()
    bag = p["bag"]
    render_cards([bag])
    # changed without bumping the listing version (what a missed bump or a racing render leaves behind)
    type(bag).objects.filter(pk=bag.pk).update(title="帆布托特包 大容量", min_price_fen=7900)
    report = patrol_run_shop(shop=shop)
    finding = report.findings.get(kind=STALE_PAGE)
    assert finding.product_id == bag.pk and finding.fix == "refresh_cache"
    by_field = {d["field"]: d["values"] for d in finding.diffs}
    assert by_field["title"] == [["实际", "帆布托特包 大容量"], [LABEL, "帆布托特包"]]
    assert by_field["list_price"] == [["实际", "¥79.00"], [LABEL, "¥89.00"]]
    fixed = finding_fix(shop=shop, finding_id=finding.pk)
    assert fixed.status == "fixed"  # the listing version moved: the old card is not read
    assert cached_cards([bag.pk]) == {}


def test_a_surface_that_fails_is_skipped_and_the_report_is_written(patrol_shop, monkeypatch):
    shop, p = patrol_shop()
    render_cards(p.values())

    def broken(_ids):
        raise ConnectionError("cache server down")

    monkeypatch.setitem(surfaces._readers, "坏的缓存", broken)
    report = patrol_run_shop(shop=shop)
    assert report.finished_at is not None and report.products_checked == 3
    assert not report.findings.filter(kind=STALE_PAGE).exists()
