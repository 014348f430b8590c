"""Storefront tracking end to end: cookies, page views with their source, actions, the beacon and the API.
Each test flushes the spool with `ingest()` and reads Event. A buyer's deletion request is tested in
wanshang/insights/tests/test_privacy.py."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from wanshang.analytics.collector import ingest
from wanshang.analytics.models import Event
from wanshang.analytics.services import MAX_STAY_MS, paid_marker, stay_token
from wanshang.analytics.tracking import SESSION_COOKIE, VISITOR_COOKIE

pytestmark = pytest.mark.django_db


def events(**filters) -> list[Event]:
    ingest()
    return list(Event.objects.filter(**filters).order_by("id"))


@pytest.fixture
def shop(make_shop):
    return make_shop(name="数据小店")


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙", prices=(19900,), stock=5)


def product_url(product, query=""):
    return reverse("storefront:product", args=[product.pk]) + query


# --- visitors ----------------------------------------------------------------------------------------------------


def test_first_visit_sets_visitor_and_session_cookies_and_keeps_no_ip(client, product):
    response = client.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    visitor, session = response.cookies[VISITOR_COOKIE], response.cookies[SESSION_COOKIE]
    assert re.fullmatch(r"[0-9a-f]{32}", visitor.value) and re.fullmatch(r"[0-9a-f]{32}", session.value)
    assert visitor["httponly"] and visitor["max-age"] >= 365 * 24 * 3600 and session["max-age"] == 30 * 60
    [pv] = events(kind="pv")
    assert (pv.visitor, pv.session, pv.page_type, pv.source) == (
        visitor.value,
        session.value,
        "home",
        "direct",
    )
    stored = [str(getattr(pv, f.attname)) for f in Event._meta.concrete_fields]
    assert not any("203.0.113" in v or "198.51.100" in v for v in stored)
    assert not [f.name for f in Event._meta.get_fields() if "ip" in f.name.split("_")]

    again = client.get(product_url(product))  # the test client sends the cookies back
    assert VISITOR_COOKIE not in again.cookies  # kept, not renewed
    assert {e.visitor for e in events(kind="pv")} == {visitor.value}


def test_a_forged_visitor_cookie_is_replaced(client):
    client.cookies[VISITOR_COOKIE] = "Z" * 32  # alphanumeric, but not an id we gave out
    response = client.get("/")
    assert re.fullmatch(r"[0-9a-f]{32}", response.cookies[VISITOR_COOKIE].value)


def test_a_logged_in_buyer_is_on_their_page_views(login_client, buyer, product):
    login_client(buyer).get(product_url(product))
    [pv] = events(kind="pv")
    assert pv.user_id == buyer.pk and len(pv.visitor) == 32


def test_a_mobile_browser_is_h5(client):
    client.get("/", HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148")
    client.get("/", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
    assert [e.terminal for e in events(kind="pv")] == ["h5", "pc"]


# --- page views ----------------------------------------------------------------------------------------------------


def test_product_page_view_records_shop_product_and_category(client, shop, product):
    assert client.get(product_url(product)).status_code == 200
    [pv] = events(kind="pv")
    assert (pv.page_type, pv.shop_id, pv.product_id, pv.category_id) == (
        "product",
        shop.pk,
        product.pk,
        product.category_id,
    )


def test_shop_and_category_pages_say_what_they_are_about(client, shop, product):
    client.get(reverse("storefront:shop", args=[shop.slug]))
    client.get(reverse("storefront:category", args=[shop.test_category.slug]))
    shop_pv, category_pv = events(kind="pv")
    assert (shop_pv.page_type, shop_pv.shop_id) == ("shop", shop.pk)
    assert (category_pv.page_type, category_pv.category_id, category_pv.shop_id) == (
        "category",
        shop.test_category.pk,
        None,
    )


def test_search_page_records_the_query(client, product):
    client.get("/search/", {"q": " 连衣裙 "})
    [pv] = events(kind="pv")
    assert (pv.page_type, pv.query) == ("search", "连衣裙")


def test_other_pages_record_no_query(client, product):
    client.get(product_url(product, "?q=spam"))
    assert events(kind="pv")[0].query == ""


@pytest.mark.parametrize(
    ("referrer", "query", "source", "ref_host"),
    [
        ("http://testserver/search/?q=x", "", "search", ""),
        ("https://www.baidu.com/s?wd=x", "", "external", "www.baidu.com"),
        ("", "", "direct", ""),
        ("", "?ad=1", "direct", ""),  # a bare marker is not signed: not paid traffic
        ("https://www.baidu.com/", "?aff=zz", "external", "www.baidu.com"),  # no live link declared it
        ("https://www.baidu.com/", "marker:ads_kw", "ads_kw", ""),  # signed in the test (ids stay stable)
        ("", "marker:ads_auto", "ads_auto", ""),
        ("http://testserver/me/favourites/", "", "favourites", ""),
        ("http://testserver/", "", "home", ""),
        ("http://localhost:8000/cart/", "", "cart", ""),  # another of our ALLOWED_HOSTS
    ],
)
def test_page_view_source(client, product, referrer, query, source, ref_host):
    extra = {"HTTP_REFERER": referrer} if referrer else {}
    if query.startswith("marker:"):
        query = "?" + urlencode({"ad": paid_marker(query.removeprefix("marker:"))})
    client.get(product_url(product, query), **extra)
    [pv] = events(kind="pv")
    assert (pv.source, pv.ref_host) == (source, ref_host)


def test_htmx_partials_and_non_page_answers_record_nothing(login_client, buyer, client, product):
    sku = product.skus.get()
    client.get("/", HTTP_HX_REQUEST="true")
    client.get(product_url(product), HTTP_HX_REQUEST="true")
    client.get(reverse("storefront:product", args=[999999]))  # 404
    client.get(reverse("storefront:cart"))  # a redirect to log in
    client.get(reverse("accounts:login"))
    client.get("/seller/")
    client.get("/platform/")
    client.get("/api/store/categories")
    buyer_client = login_client(buyer)
    buyer_client.post(
        reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": 1}, HTTP_HX_REQUEST="true"
    )
    assert events(kind="pv") == []


@pytest.mark.django_db(transaction=True)  # on_commit runs inside the request, as in production
def test_cart_add_records_cart_with_shop_and_product(login_client, buyer, shop, product):
    client = login_client(buyer)
    client.get(product_url(product))
    client.post(
        reverse("storefront:cart_add"),
        {"sku_id": product.skus.get().pk, "quantity": 2},
        HTTP_HX_REQUEST="true",
    )
    (pv,) = events(kind="pv")
    [cart] = events(kind="cart")
    assert (cart.shop_id, cart.product_id, cart.category_id, cart.quantity, cart.user_id) == (
        shop.pk,
        product.pk,
        product.category_id,
        2,
        buyer.pk,
    )
    assert (cart.visitor, cart.session) == (pv.visitor, pv.session)


def test_a_refused_cart_add_records_nothing(
    login_client, buyer, shop, product, take_off_shelf, django_capture_on_commit_callbacks
):
    take_off_shelf(shop, product)
    with django_capture_on_commit_callbacks(execute=True):
        login_client(buyer).post(
            reverse("storefront:cart_add"), {"sku_id": product.skus.get().pk, "quantity": 1}
        )
    assert events(kind="cart") == []


@pytest.fixture
def take_off_shelf():
    from wanshang.catalog.services import product_set_status

    def do(shop, product):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")

    return do


# --- favourites ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # on_commit runs inside the request, as in production
def test_favourite_toggle_records_fav_on_the_visit_once(login_client, buyer, shop, product):
    client = login_client(buyer)
    client.get(product_url(product))
    for action in ("add", "add", "remove", "add"):  # a double click and a change of mind
        client.post(
            reverse("storefront:favourite_toggle"),
            {"product_id": product.pk, "action": action},
            HTTP_HX_REQUEST="true",
        )
    [pv] = events(kind="pv")
    favs = events(kind="fav")
    assert len(favs) == 2  # each time it was newly added
    assert {(e.shop_id, e.product_id, e.category_id, e.user_id, e.visitor, e.session) for e in favs} == {
        (shop.pk, product.pk, product.category_id, buyer.pk, pv.visitor, pv.session)
    }


def test_api_favourite_records_fav_for_the_buyer(
    login_client, buyer, shop, product, django_capture_on_commit_callbacks
):
    client = login_client(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/store/favourites", {"product_id": product.pk}, content_type="application/json")
        client.post("/api/store/favourites", {"product_id": product.pk}, content_type="application/json")
    [fav] = events(kind="fav")
    assert (fav.visitor, fav.user_id, fav.shop_id, fav.product_id) == (
        f"u{buyer.pk}",
        buyer.pk,
        shop.pk,
        product.pk,
    )


def test_a_refused_favourite_records_nothing(
    login_client, buyer, shop, product, take_off_shelf, django_capture_on_commit_callbacks
):
    take_off_shelf(shop, product)
    with django_capture_on_commit_callbacks(execute=True):
        login_client(buyer).post(
            "/api/store/favourites", {"product_id": product.pk}, content_type="application/json"
        )
    assert events(kind="fav") == []


def test_a_click_from_my_favourites_comes_from_favourites(login_client, buyer, product):
    from wanshang.catalog.services import favourite_add

    client = login_client(buyer)
    favourite_add(user=buyer, product_id=product.pk)
    html = client.get(reverse("storefront:my_favourites")).content.decode()
    assert f'href="{product_url(product)}"' in html
    client.get(product_url(product), HTTP_REFERER="http://testserver" + reverse("storefront:my_favourites"))
    mine, viewed = events(kind="pv")
    assert mine.page_type == "mine" and (viewed.page_type, viewed.source) == ("product", "favourites")


# --- time on page ------------------------------------------------------------------------------------------------


def beacon_of(html: str) -> tuple[str, str]:
    match = re.search(r'data-stay-url="([^"]+)" data-stay-token="([^"]+)"', html)
    assert match, "the page has no beacon"
    return match.group(1), match.group(2)


def test_product_page_carries_the_beacon_and_its_stay_is_recorded(client, shop, product):
    html = client.get(product_url(product)).content.decode()
    assert "storefront/beacon" in html
    url, token = beacon_of(html)
    assert url == reverse("storefront:stay_beacon")
    response = client.post(
        url, {"t": token, "ms": "12345"}
    )  # csrf-exempt: the test client enforces nothing here
    assert response.status_code == 204
    [pv] = events(kind="pv")
    [stay] = events(kind="stay")
    assert (stay.duration_ms, stay.page_type, stay.shop_id, stay.product_id, stay.category_id) == (
        12345,
        "product",
        shop.pk,
        product.pk,
        product.category_id,
    )
    assert stay.visitor == pv.visitor


def test_the_beacon_needs_no_csrf_token(product):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    token = stay_token(page_type="home")
    assert strict.post(reverse("storefront:stay_beacon"), {"t": token, "ms": "800"}).status_code == 204


def test_search_page_beacon_is_a_search(client, product):
    _url, token = beacon_of(client.get("/search/", {"q": "裙"}).content.decode())
    client.post(reverse("storefront:stay_beacon"), {"t": token, "ms": "900"})
    assert events(kind="stay")[0].page_type == "search"


def test_long_stays_are_capped(client):
    client.post(
        reverse("storefront:stay_beacon"), {"t": stay_token(page_type="home"), "ms": str(10 * 3600 * 1000)}
    )
    assert events(kind="stay")[0].duration_ms == MAX_STAY_MS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ms": "1000"}, "页面标识无效"),
        ({"t": "forged", "ms": "1000"}, "页面标识无效"),
        ({"t": "GOOD:tampered", "ms": "1000"}, "页面标识无效"),
        ({"t": "GOOD"}, "停留时长须为毫秒整数"),
        ({"t": "GOOD", "ms": "abc"}, "停留时长须为毫秒整数"),
        ({"t": "GOOD", "ms": "1.5e3"}, "停留时长须为毫秒整数"),
        ({"t": "GOOD", "ms": "0"}, "停留时长必须大于 0"),
        ({"t": "GOOD", "ms": "-5"}, "停留时长必须大于 0"),
    ],
)
def test_a_bad_beacon_is_400_with_a_reason_and_writes_nothing(client, data, message):
    good = stay_token(page_type="product", shop_id=1, product_id=2, category_id=3)
    data = {k: v.replace("GOOD", good) for k, v in data.items()}
    response = client.post(reverse("storefront:stay_beacon"), data)
    assert response.status_code == 400
    assert response.content.decode() == message
    assert events() == []


def test_the_beacon_takes_only_post(client):
    assert client.get(reverse("storefront:stay_beacon")).status_code == 405


def test_pages_outside_the_storefront_have_no_beacon(client):
    assert "data-stay-token" not in client.get(reverse("accounts:login")).content.decode()


# --- the JSON API ------------------------------------------------------------------------------------------------


def test_api_product_detail_records_a_product_view_for_the_buyer(login_client, buyer, shop, product):
    client = login_client(buyer)
    before = set(client.get(f"/api/store/products/{product.pk}").json())
    [pv] = events(kind="pv")
    assert (pv.page_type, pv.visitor, pv.user_id, pv.shop_id, pv.product_id, pv.category_id, pv.source) == (
        "product",
        f"u{buyer.pk}",
        buyer.pk,
        shop.pk,
        product.pk,
        product.category_id,
        "direct",
    )
    assert {"id", "title", "skus", "price_fen", "category_id", "shop"} <= before


def test_api_product_detail_by_an_anonymous_caller(client, product):
    client.get(f"/api/store/products/{product.pk}", HTTP_REFERER="https://www.douyin.com/x")
    [pv] = events(kind="pv")
    assert (pv.visitor, pv.user_id, pv.source, pv.ref_host) == ("", None, "external", "www.douyin.com")
    assert client.get("/api/store/products/999999").status_code == 404
    assert len(events(kind="pv")) == 1


def test_api_search_records_the_query_once_per_list(login_client, buyer, product):
    client = login_client(buyer)
    answer = client.get("/api/store/products", {"q": "连衣裙"}).json()
    assert answer["count"] == 1 and set(answer) == {"count", "page", "pages", "items"}
    client.get("/api/store/products", {"q": "连衣裙", "page": 2})
    [pv] = events(kind="pv")
    assert (pv.page_type, pv.query, pv.visitor) == ("search", "连衣裙", f"u{buyer.pk}")


def test_api_category_and_shop_lists_are_their_pages(client, shop, product):
    client.get("/api/store/products", {"category": shop.test_category.slug})
    client.get("/api/store/products", {"shop": shop.slug})
    category_pv, shop_pv = events(kind="pv")
    assert (category_pv.page_type, category_pv.category_id) == ("category", shop.test_category.pk)
    assert (shop_pv.page_type, shop_pv.shop_id) == ("shop", shop.pk)


def test_api_cart_add_falls_back_to_the_buyer_as_visitor(
    login_client, buyer, product, django_capture_on_commit_callbacks
):
    client = login_client(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/store/cart/items",
            {"sku_id": product.skus.get().pk, "quantity": 1},
            content_type="application/json",
        )
    assert response.status_code == 201
    [cart] = events(kind="cart")
    assert (cart.visitor, cart.user_id, cart.product_id) == (f"u{buyer.pk}", buyer.pk, product.pk)
