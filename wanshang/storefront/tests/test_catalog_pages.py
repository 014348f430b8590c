"""Browsing pages: home, category, search, shop, product detail; hidden products and shops are 404."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_products_categories_and_shops(client, product, shop):
    response = client.get(reverse("storefront:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "纯棉连衣裙" in html
    assert "服饰内衣" in html  # the category menu
    assert shop.name in html
    assert "199.00" in html


def test_category_page_lists_products_of_the_subtree(client, product, shop):
    root = shop.test_category.parent.parent
    response = client.get(reverse("storefront:category", args=[root.slug]))
    assert response.status_code == 200
    assert "纯棉连衣裙" in response.content.decode()


def test_unknown_category_is_404(client, db):
    assert client.get(reverse("storefront:category", args=["no-such"])).status_code == 404


def test_search_sorts_and_filters_by_price(client, shop, make_product):
    make_product(shop, title="便宜的裙子", prices=(5000,))
    make_product(shop, title="昂贵的裙子", prices=(90000,))
    response = client.get(reverse("storefront:search"), {"q": "裙子", "sort": "price_asc"})
    titles = [p.title for p in response.context["products"]]
    assert titles == ["便宜的裙子", "昂贵的裙子"]

    response = client.get(
        reverse("storefront:search"), {"q": "裙子", "min_price": "100", "max_price": "1000"}
    )
    assert [p.title for p in response.context["products"]] == ["昂贵的裙子"]


def test_bad_price_filter_is_reported_and_ignored(client, product):
    response = client.get(reverse("storefront:search"), {"min_price": "abc"})
    assert response.status_code == 200
    assert "不是有效的金额" in response.content.decode()
    assert len(response.context["products"]) == 1


def test_shop_page_lists_its_products(client, shop, product, make_shop, make_product):
    other = make_shop()
    make_product(other, title="别家的商品")
    response = client.get(reverse("storefront:shop", args=[shop.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "纯棉连衣裙" in html and "别家的商品" not in html


def test_product_page_shows_skus_with_price_and_stock(client, product):
    response = client.get(reverse("storefront:product", args=[product.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "199.00-259.00" in html
    data = response.context["sku_data"]
    assert [s["price"] for s in data["skus"]] == ["199.00", "259.00"]
    assert all(s["stock"] == 10 for s in data["skus"])
    assert "加入购物车" in html and "立即购买" in html


def test_product_detail_html_is_rendered_sanitised(client, shop, make_product):
    product = make_product(
        shop, detail_html='<p>好<b>料子</b></p><script>alert(1)</script><img src="x" onerror="x()">'
    )
    html = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert "<p>好<b>料子</b></p>" in html
    assert "alert(1)" not in html and "onerror" not in html


def test_off_shelf_product_page_is_404(client, shop, product, take_off_shelf):
    take_off_shelf(shop, product)
    response = client.get(reverse("storefront:product", args=[product.pk]))
    assert response.status_code == 404
    assert "商品不存在或已下架" in response.content.decode()


def test_product_of_suspended_shop_is_404_and_shop_page_too(client, shop, product):
    from wanshang.merchants.services import shop_suspend

    shop_suspend(shop_id=shop.pk, reason="违规经营")
    assert client.get(reverse("storefront:product", args=[product.pk])).status_code == 404
    assert client.get(reverse("storefront:shop", args=[shop.slug])).status_code == 404


def test_product_page_runs_a_bounded_number_of_queries(
    buyer_client, shop, make_product, django_assert_max_num_queries
):
    product = make_product(shop, prices=tuple(1000 + i for i in range(12)), stock=5)
    # 8 for the page, 5 for product_promotions (none running), 1 for the shop's running A/B experiments (cached after),
    # 2 for the product's stored rating and the shop's stored DSR (docs/reviews.md)
    with django_assert_max_num_queries(16):
        response = buyer_client.get(reverse("storefront:product", args=[product.pk]))
    assert response.status_code == 200
