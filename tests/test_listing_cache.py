"""Product lists are cached per URL, but never show a stale price, shelf status or shop."""

import pytest

from wanshang.catalog.services import product_set_status, sku_price_update
from wanshang.merchants.services import shop_restore, shop_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(19900,))
    return shop, product


def search(client):
    return client.get("/search/", {"q": "睡衣"}).content.decode()


def test_price_change_shows_at_once(client, listed, django_capture_on_commit_callbacks):
    shop, product = listed
    assert "199.00" in search(client)
    assert "199.00" in search(client)  # served from the cache
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the request's commit (reindexes: 价格 facet, sort)
        sku_price_update(staff=shop.owner_staff, sku_id=product.skus.get().pk, price_fen=17900)
    page = search(client)
    assert "179.00" in page and "199.00" not in page


def test_off_shelf_and_suspended_shop_disappear_at_once(client, listed, django_capture_on_commit_callbacks):
    shop, product = listed
    assert "冰丝凉感睡衣套装" in search(client)
    # 上架/下架 reach the search index through ProductStatusChanged's after-commit handler: the commit runs it
    with django_capture_on_commit_callbacks(execute=True):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")
    assert "冰丝凉感睡衣套装" not in search(client)
    with django_capture_on_commit_callbacks(execute=True):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="on_sale")
    assert "冰丝凉感睡衣套装" in search(client)
    # a shop's change reaches the lists through ShopChanged's after-commit handler: the commit runs it
    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop_id=shop.pk, reason="资质过期")
    assert "冰丝凉感睡衣套装" not in search(client)
    with django_capture_on_commit_callbacks(execute=True):
        shop_restore(shop_id=shop.pk)
    assert "冰丝凉感睡衣套装" in search(client)


def test_cached_list_is_per_language(client, listed, settings):
    assert "共 1 件" in search(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "共 1 件" not in search(client)
