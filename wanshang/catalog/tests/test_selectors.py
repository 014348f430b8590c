"""Catalog reads: seller selectors are scoped to one shop; public ones show only what a buyer may buy."""

import pytest

from wanshang.catalog.selectors import (
    price_history,
    product_counts_of_shop,
    product_get_public,
    product_search,
    seller_product_get,
    seller_product_list,
    seller_products_in_tab,
    seller_sku_get,
    seller_skus_by_id,
    skus_for_purchase,
)
from wanshang.catalog.services import product_set_status, sku_price_update
from wanshang.common.errors import NotFound
from wanshang.common.scoping import ShopScopeMissing

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops(shop, make_shop, make_product):
    """(shop A, its product, shop B, its product), both on sale and titled alike."""
    other = make_shop()
    return shop, make_product(shop, title="连衣裙A"), other, make_product(other, title="连衣裙B")


# --- shop scoping -----------------------------------------------------------------------------------------


def test_shop_a_lists_never_return_shop_bs_products(two_shops):
    a, mine, b, theirs = two_shops

    # whatever the filters and tabs, A's lists hold only A's product
    assert list(seller_product_list(shop=a)) == [mine]
    assert list(seller_product_list(shop=a, q="连衣裙")) == [mine]
    assert list(seller_product_list(shop=a, category_id=theirs.category_id)) == []
    for tab in ("all", "on_sale", "warehouse", "unknown"):
        assert theirs not in seller_products_in_tab(shop=a, tab=tab)
    assert list(seller_product_list(shop=b)) == [theirs]


def test_shop_a_cannot_get_shop_bs_product_or_sku_by_id(two_shops):
    a, mine, b, theirs = two_shops
    sku = theirs.skus.get()

    with pytest.raises(NotFound):
        seller_product_get(shop=a, product_id=theirs.pk)
    with pytest.raises(NotFound):
        seller_sku_get(shop=a, sku_id=sku.pk)
    assert seller_skus_by_id(shop=a, sku_ids=[sku.pk, mine.skus.get().pk]) == {
        mine.skus.get().pk: mine.skus.get()
    }
    assert seller_product_get(shop=b, product_id=theirs.pk) == theirs


def test_shop_a_cannot_read_shop_bs_price_history(two_shops):
    a, _mine, b, theirs = two_shops
    sku = theirs.skus.get()
    sku_price_update(staff=b.owner_staff, sku_id=sku.pk, price_fen=8800)

    assert price_history(shop=a, sku_id=sku.pk) == []
    assert len(price_history(shop=b, sku_id=sku.pk)) == 2


def test_a_seller_query_without_a_shop_fails_closed(db):
    # given no shop (a bug upstream), then the query raises instead of returning every shop's products
    for call in (lambda: seller_product_list(shop=None), lambda: seller_product_get(shop=None, product_id=1)):
        with pytest.raises(ShopScopeMissing):
            call()


def test_product_counts_and_tabs_of_a_shop(shop, make_product):
    # given one product on sale, one draft, one off the shelf
    on_sale, draft, off = make_product(shop), make_product(shop, on_sale=False), make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[off.pk], status="off_shelf")

    # then the counts and tabs sort them
    assert product_counts_of_shop(shop=shop) == {"draft": 1, "on_sale": 1, "off_shelf": 1, "all": 3}
    assert list(seller_products_in_tab(shop=shop, tab="on_sale")) == [on_sale]
    assert set(seller_products_in_tab(shop=shop, tab="warehouse")) == {draft, off}


# --- public reads -------------------------------------------------------------------------------------------


def test_public_reads_show_only_products_on_sale_in_open_shops(shop, make_shop, make_product):
    # given a product on sale, a draft, and a product of a suspended shop
    from wanshang.merchants.services import shop_suspend

    visible, draft = make_product(shop), make_product(shop, on_sale=False)
    closed_shop = make_shop()
    hidden = make_product(closed_shop)
    shop_suspend(shop_id=closed_shop.pk, reason="资质到期")

    # then search and the product page show only the first
    assert list(product_search()) == [visible]
    assert product_get_public(product_id=visible.pk) == visible
    for product in (draft, hidden):
        with pytest.raises(NotFound):
            product_get_public(product_id=product.pk)


def test_skus_for_purchase_says_why_a_sku_cannot_be_bought(shop, make_shop, make_product):
    # given a buyable SKU, an off-shelf one, one of a suspended shop, and an unknown id
    from wanshang.merchants.services import shop_suspend

    ok = make_product(shop).skus.get()
    off = make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[off.pk], status="off_shelf")
    closed_shop = make_shop()
    closed = make_product(closed_shop).skus.get()
    shop_suspend(shop_id=closed_shop.pk, reason="资质到期")

    found = skus_for_purchase(sku_ids=[ok.pk, off.skus.get().pk, closed.pk, 987654])

    assert 987654 not in found
    assert (found[ok.pk].ok, found[ok.pk].reason) == (True, "")
    assert found[off.skus.get().pk].reason == "商品已下架"
    assert found[closed.pk].reason == "店铺已暂停营业"
