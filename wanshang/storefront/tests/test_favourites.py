"""我的收藏 on the product page, the list and the API; 隐私: deleting my behaviour data. Like the views, tests
reach the domain only through services and selectors; the `fav` events themselves are checked in
wanshang/analytics/tests/test_tracking.py (the storefront may not import analytics models)."""

import pytest
from django.urls import reverse

from wanshang.catalog.selectors import favourite_list, favourite_product_ids
from wanshang.catalog.services import favourite_add, favourite_remove
from wanshang.common.errors import NotFound, ValidationError

pytestmark = pytest.mark.django_db


def favourited(user) -> list[int]:
    return [f.product_id for f in favourite_list(user=user)]


@pytest.fixture
def toggle(buyer_client):
    def do(product, action="add", **extra):
        return buyer_client.post(
            reverse("storefront:favourite_toggle"),
            {"product_id": product.pk, "action": action, **extra},
            HTTP_HX_REQUEST="true",
        )

    return do


# --- services ------------------------------------------------------------------------------------------------------


def test_add_is_idempotent(buyer, shop, product):
    fav, created = favourite_add(user=buyer, product_id=product.pk)
    again, created_again = favourite_add(user=buyer, product_id=str(product.pk))
    assert created and not created_again and again.pk == fav.pk
    assert (fav.shop_id, favourited(buyer)) == (shop.pk, [product.pk])


def test_only_buyable_products_can_be_added(buyer, make_user, shop, make_product, take_off_shelf):
    off = make_product(shop, title="下架商品")
    take_off_shelf(shop, off)
    draft = make_product(shop, title="草稿", on_sale=False)
    with pytest.raises(ValidationError, match="商品已下架，暂不能收藏"):
        favourite_add(user=buyer, product_id=off.pk)
    for unknown in (draft.pk, 999999, "abc", None, -1):
        with pytest.raises(NotFound, match="商品不存在"):
            favourite_add(user=buyer, product_id=unknown)
    assert favourited(buyer) == []


def test_a_paused_shop_cannot_be_favourited(buyer, shop, product):
    from wanshang.merchants.services import shop_suspend

    shop_suspend(shop_id=shop.pk, reason="整改")
    with pytest.raises(ValidationError, match="店铺已暂停营业"):
        favourite_add(user=buyer, product_id=product.pk)


def test_remove_is_idempotent_and_works_for_products_no_longer_on_sale(buyer, shop, product, take_off_shelf):
    favourite_add(user=buyer, product_id=product.pk)
    take_off_shelf(shop, product)
    [fav] = favourite_list(user=buyer)
    assert fav.buyable is False
    assert favourite_add(user=buyer, product_id=product.pk)[1] is False  # already there: no error either
    assert favourite_remove(user=buyer, product_id=product.pk) is True
    assert favourite_remove(user=buyer, product_id=product.pk) is False
    assert favourite_remove(user=buyer, product_id="nonsense") is False
    assert favourited(buyer) == []


def test_favourites_are_each_buyers_own(buyer, make_user, product):
    other = make_user()
    favourite_add(user=other, product_id=product.pk)
    assert favourited(buyer) == [] and favourite_product_ids(user=buyer, product_ids=[product.pk]) == set()
    favourite_remove(user=buyer, product_id=product.pk)
    assert favourited(other) == [product.pk]


def test_the_list_is_newest_first(buyer, shop, make_product):
    first, second = make_product(shop), make_product(shop)
    favourite_add(user=buyer, product_id=first.pk)
    favourite_add(user=buyer, product_id=second.pk)
    assert favourited(buyer) == [second.pk, first.pk]


# --- the product page toggle ---------------------------------------------------------------------------------------


def test_product_page_shows_the_toggle_in_its_state(buyer_client, buyer, product):
    url = reverse("storefront:product", args=[product.pk])
    assert 'data-favourite="off"' in buyer_client.get(url).content.decode()
    favourite_add(user=buyer, product_id=product.pk)
    page = buyer_client.get(url).content.decode()
    assert 'data-favourite="on"' in page and "已收藏" in page


def test_visitors_see_the_toggle_and_are_sent_to_log_in(client, product):
    page = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert 'data-favourite="off"' in page
    response = client.post(
        reverse("storefront:favourite_toggle"),
        {"product_id": product.pk, "action": "add"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_toggle_adds_and_removes_with_htmx(toggle, buyer, product):
    added = toggle(product).content.decode()
    assert 'data-favourite="on"' in added and "已加入收藏" in added and "hx-swap-oob" in added
    assert favourited(buyer) == [product.pk]
    assert 'data-favourite="on"' in toggle(product).content.decode()  # a double click changes nothing
    removed = toggle(product, action="remove").content.decode()
    assert 'data-favourite="off"' in removed and "已取消收藏" in removed
    assert favourited(buyer) == []


def test_toggle_refusal_is_shown_in_a_toast(toggle, buyer, shop, product, take_off_shelf):
    take_off_shelf(shop, product)
    html = toggle(product).content.decode()
    assert (
        "商品已下架，暂不能收藏" in html and 'class="toast error"' in html and 'data-favourite="off"' in html
    )
    assert favourited(buyer) == []


def test_toggle_without_htmx_redirects_back_with_a_message(buyer_client, buyer, product):
    url = reverse("storefront:favourite_toggle")
    page = reverse("storefront:product", args=[product.pk])
    response = buyer_client.post(url, {"product_id": product.pk, "action": "add", "next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page and "已加入收藏" in response.content.decode()
    response = buyer_client.post(
        url, {"product_id": product.pk, "action": "add", "next": "https://evil.example/"}
    )
    assert response.url == page  # not an open redirect
    assert buyer_client.get(url).status_code == 405


# --- 我的收藏 ----------------------------------------------------------------------------------------------------------


def test_my_favourites_lists_products_linking_to_them(
    buyer_client, buyer, shop, product, make_product, take_off_shelf
):
    gone = make_product(shop, title="停售围巾")
    favourite_add(user=buyer, product_id=product.pk)
    favourite_add(user=buyer, product_id=gone.pk)
    take_off_shelf(shop, gone)
    response = buyer_client.get(reverse("storefront:my_favourites"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("storefront:my_favourites") == "/me/favourites/"
    assert f'href="{reverse("storefront:product", args=[product.pk])}"' in html and "纯棉连衣裙" in html
    assert "停售围巾" in html and "已失效" in html
    assert "¥" in html or "199" in html


def test_removing_from_the_list_answers_nothing_so_the_card_goes(toggle, buyer, product):
    favourite_add(user=buyer, product_id=product.pk)
    response = toggle(product, action="remove", **{"from": "list"})
    assert response.status_code == 200 and response.content == b""
    assert favourited(buyer) == []


def test_my_favourites_needs_login_and_is_linked_from_the_header(buyer_client):
    from django.test import Client

    assert Client().get(reverse("storefront:my_favourites")).status_code == 302
    home = buyer_client.get("/").content.decode()
    assert f'href="{reverse("storefront:my_favourites")}"' in home
    empty = buyer_client.get(reverse("storefront:my_favourites")).content.decode()
    assert "还没有收藏的商品" in empty and f'href="{reverse("storefront:my_privacy")}"' in empty


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_favourites_add_list_get_and_delete(buyer_client, buyer, shop, product):
    created = buyer_client.post(
        "/api/store/favourites", {"product_id": product.pk}, content_type="application/json"
    )
    again = buyer_client.post(
        "/api/store/favourites", {"product_id": product.pk}, content_type="application/json"
    )
    assert created.status_code == 201 and again.status_code == 200
    body = created.json()
    assert body["product_id"] == product.pk and body["buyable"] is True
    assert body["product"]["shop"]["id"] == shop.pk and body["product"]["price_fen"] == 19900
    listed = buyer_client.get("/api/store/favourites").json()
    assert listed["count"] == 1 and listed["items"][0]["product"]["title"] == "纯棉连衣裙"
    assert buyer_client.get(f"/api/store/favourites/{product.pk}").status_code == 200
    assert buyer_client.delete(f"/api/store/favourites/{product.pk}").status_code == 204
    assert buyer_client.delete(f"/api/store/favourites/{product.pk}").status_code == 204  # idempotent
    missing = buyer_client.get(f"/api/store/favourites/{product.pk}")
    assert missing.status_code == 404 and missing.json()["detail"] == "未收藏该商品"


def test_api_refuses_unbuyable_products_with_reasons(buyer_client, shop, product, take_off_shelf):
    unknown = buyer_client.post(
        "/api/store/favourites", {"product_id": 999999}, content_type="application/json"
    )
    assert unknown.status_code == 404 and unknown.json()["detail"] == "商品不存在"
    take_off_shelf(shop, product)
    off = buyer_client.post(
        "/api/store/favourites", {"product_id": product.pk}, content_type="application/json"
    )
    assert off.status_code == 400 and off.json() == {
        "detail": "商品已下架，暂不能收藏",
        "code": "invalid",
        "field": "product_id",
    }


def test_api_favourites_need_a_buyer(client, product):
    assert client.get("/api/store/favourites").status_code == 401
    assert (
        client.post(
            "/api/store/favourites", {"product_id": product.pk}, content_type="application/json"
        ).status_code
        == 401
    )


def test_api_lists_only_my_favourites_with_pages(buyer_client, buyer, make_user, shop, make_product):
    products = [make_product(shop) for _ in range(3)]
    for p in products:
        favourite_add(user=buyer, product_id=p.pk)
    favourite_add(user=make_user(), product_id=products[0].pk)
    first = buyer_client.get("/api/store/favourites", {"page_size": 2}).json()
    second = buyer_client.get("/api/store/favourites", {"page_size": 2, "page": 2}).json()
    assert (first["count"], first["pages"]) == (3, 2)
    assert [i["product_id"] for i in first["items"] + second["items"]] == [p.pk for p in reversed(products)]


# --- 隐私: deleting my behaviour data --------------------------------------------------------------------------------


def test_privacy_page_says_what_is_deleted_and_what_is_kept(buyer_client):
    html = buyer_client.get(reverse("storefront:my_privacy")).content.decode()
    assert "删除我的浏览记录" in html and "会删除" in html and "会保留" in html and "订单" in html
    assert f'action="{reverse("storefront:privacy_events_delete")}"' in html


def delete_via_api(client) -> int:
    return client.delete("/api/store/me/events").json()["deleted"]


def test_deleting_needs_the_confirmation(buyer_client, product):
    buyer_client.get(reverse("storefront:product", args=[product.pk]))
    response = buyer_client.post(reverse("storefront:privacy_events_delete"), follow=True)
    assert "请先勾选" in response.content.decode()
    assert delete_via_api(buyer_client) == 2  # nothing was deleted: the product page and the privacy page


def test_deleting_my_events_on_the_privacy_page(buyer_client, buyer, product):
    from wanshang.analytics.tracking import VISITOR_COOKIE

    buyer_client.get(reverse("storefront:product", args=[product.pk]))
    old_visitor = buyer_client.cookies[VISITOR_COOKIE].value
    favourite_add(user=buyer, product_id=product.pk)
    response = buyer_client.post(reverse("storefront:privacy_events_delete"), {"confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("storefront:my_privacy")
    assert response.cookies[VISITOR_COOKIE]["max-age"] == 0  # the browser starts over with a new id
    assert delete_via_api(buyer_client) == 0  # nothing of theirs left
    assert favourited(buyer) == [product.pk]  # 我的收藏 itself is kept
    page = buyer_client.get(reverse("storefront:my_privacy"))
    assert "已删除你的 1 条浏览和行为记录" in page.content.decode()
    assert page.cookies[VISITOR_COOKIE].value != old_visitor


def test_api_deletes_my_events_and_only_mine(buyer_client, buyer, make_user, login_client, product):
    buyer_client.get(f"/api/store/products/{product.pk}")
    buyer_client.get("/api/store/products", {"q": "连衣裙"})
    other = make_user()
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    other_client.get(f"/api/store/products/{product.pk}")
    response = buyer_client.delete("/api/store/me/events")
    assert response.status_code == 200 and response.json() == {"deleted": 2}
    assert delete_via_api(other_client) == 1
