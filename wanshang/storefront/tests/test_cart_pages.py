"""The cart page: add, change quantity, select, remove; invalid lines stay visible with their problem."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def cart_lines(client):
    response = client.get(reverse("storefront:cart"))
    assert response.status_code == 200
    return {line.sku_id: line for line in response.context["cart"].lines}


def test_cart_requires_login(client, db):
    response = client.get(reverse("storefront:cart"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_add_to_cart_from_a_product_page_while_logged_out_comes_back_to_the_product(client, product):
    url = reverse("storefront:product", args=[product.pk])
    response = client.post(
        reverse("storefront:cart_add"),
        {"sku_id": product.skus.first().pk, "quantity": 1},
        HTTP_REFERER=f"http://testserver{url}",
    )
    assert response.status_code == 302
    assert "next=%2Fp%2F" in response["Location"]


def test_add_then_update_quantity(buyer_client, product):
    sku = product.skus.first()
    response = buyer_client.post(reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": 2})
    assert response.status_code == 302
    assert cart_lines(buyer_client)[sku.pk].quantity == 2

    buyer_client.post(reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": 1})
    assert cart_lines(buyer_client)[sku.pk].quantity == 3

    buyer_client.post(reverse("storefront:cart_update"), {"sku_id": sku.pk, "quantity": 5})
    assert cart_lines(buyer_client)[sku.pk].quantity == 5

    buyer_client.post(reverse("storefront:cart_update"), {"sku_id": sku.pk, "quantity": 5, "set": 4})
    assert cart_lines(buyer_client)[sku.pk].quantity == 4


def test_add_to_cart_over_htmx_answers_a_toast_and_the_new_count(buyer_client, product):
    response = buyer_client.post(
        reverse("storefront:cart_add"), {"sku_id": product.skus.first().pk, "quantity": 1}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已加入购物车" in html
    assert 'id="cart-count" hx-swap-oob="true"' in html and ">1</span>" in html


def test_bad_quantities_are_refused_with_a_message(buyer_client, product):
    sku = product.skus.first()
    for qty in (0, -3, 100000, "abc"):
        response = buyer_client.post(
            reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": qty}, **HTMX
        )
        assert "toast error" in response.content.decode()
    assert cart_lines(buyer_client) == {}


def test_unknown_sku_is_refused(buyer_client, db):
    response = buyer_client.post(
        reverse("storefront:cart_add"), {"sku_id": 999999, "quantity": 1}, follow=True
    )
    assert "商品规格不存在" in response.content.decode()


def test_invalid_lines_are_shown_greyed_with_their_problem(
    buyer_client, shop, make_product, take_off_shelf, set_stock
):
    gone = make_product(shop, title="将下架的商品")
    short = make_product(shop, title="库存紧张的商品", stock=10)
    sold_out = make_product(shop, title="将售罄的商品", stock=10)
    for p, qty in ((gone, 1), (short, 5), (sold_out, 1)):
        buyer_client.post(reverse("storefront:cart_add"), {"sku_id": p.skus.first().pk, "quantity": qty})
    take_off_shelf(shop, gone)
    set_stock(shop, short.skus.first(), 2)
    set_stock(shop, sold_out.skus.first(), 0)

    response = buyer_client.get(reverse("storefront:cart"))
    html = response.content.decode()
    assert html.count('class="cart-line invalid"') == 3
    assert "商品已下架" in html
    assert "库存不足，仅剩 2 件" in html
    assert "已售罄" in html
    assert response.context["selected_fen"] == 0


def test_select_and_remove_over_htmx_return_the_cart_body(buyer_client, shop, make_product):
    a, b = make_product(shop, prices=(1000,)), make_product(shop, prices=(2000,))
    for p in (a, b):
        buyer_client.post(reverse("storefront:cart_add"), {"sku_id": p.skus.first().pk, "quantity": 1})
    response = buyer_client.post(
        reverse("storefront:cart_select"), {"sku_id": a.skus.first().pk, "selected": "0"}, **HTMX
    )
    assert response.status_code == 200
    assert response.context["selected_fen"] == 2000
    assert 'id="cart-body"' in response.content.decode()

    buyer_client.post(reverse("storefront:cart_select"), {"all": "1", "selected": "1"}, **HTMX)
    assert cart_lines(buyer_client)[a.skus.first().pk].selected

    response = buyer_client.post(reverse("storefront:cart_remove"), {"sku_id": b.skus.first().pk}, **HTMX)
    assert "已删除 1 件商品" in response.content.decode()
    assert list(cart_lines(buyer_client)) == [a.skus.first().pk]


def test_cart_page_runs_a_bounded_number_of_queries(
    buyer_client, make_shop, make_product, django_assert_max_num_queries
):
    for _ in range(3):
        shop = make_shop()
        for _ in range(4):
            p = make_product(shop, prices=(1000, 2000))
            for sku in p.skus.all():
                buyer_client.post(reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": 1})
    with django_assert_max_num_queries(12):
        response = buyer_client.get(reverse("storefront:cart"))
    assert len(response.context["cart"].lines) == 24
