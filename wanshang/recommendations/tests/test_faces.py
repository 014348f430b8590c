"""The rows on the pages (slots filled by htmx from the fragment views) and the JSON API."""

from datetime import timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

API = "/api/store/recommendations"


@pytest.fixture
def shop(make_shop):
    return make_shop(name="万商旗舰店")


@pytest.fixture
def scene(shop, make_shop, make_product, view, build, midday):
    """a and b are viewed together by three visitors; hot, of another shop and category, is the mall's most
    viewed product."""
    a = make_product(shop, title="纯棉连衣裙")
    b = make_product(shop, title="真丝半身裙")
    hot = make_product(make_shop(), title="爆款T恤")
    now = midday
    for n in range(3):
        view(f"v{n}", a, at=now - timedelta(minutes=30))
        view(f"v{n}", b, at=now - timedelta(minutes=20))
    for n in range(8):
        view(f"fan{n}", hot)
    build()
    return a, b, hot


def test_product_page_has_the_slot_and_the_fragment_shows_co_viewed(client, scene):
    a, b, _hot = scene
    page = client.get(reverse("storefront:product", args=[a.pk])).content.decode()
    url = reverse("storefront:recs_product", args=[a.pk])
    assert f'hx-get="{url}"' in page

    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "看了又看" in fragment and "真丝半身裙" in fragment
    assert "纯棉连衣裙" not in fragment  # never the product itself


def test_product_fragment_of_an_unknown_product_is_404(client, scene):
    assert client.get(reverse("storefront:recs_product", args=[999999])).status_code == 404


def test_home_feed_is_popular_for_a_newcomer_and_personal_after_a_view(client, scene):
    a, b, hot = scene
    page = client.get(reverse("storefront:home")).content.decode()
    assert 'data-recs-place="home"' in page
    feed = client.get(reverse("storefront:recs_feed") + "?place=home").content.decode()
    assert "猜你喜欢" in feed and "爆款T恤" in feed

    from wanshang.analytics.services import events_ingest

    client.get(reverse("storefront:product", args=[a.pk]))  # the visitor cookie's page view …
    events_ingest()  # … reaches the event log
    feed = client.get(reverse("storefront:recs_feed") + "?place=home").content.decode()
    assert feed.index("真丝半身裙") < feed.index("爆款T恤")


def test_cart_page_shows_guesses_seeded_by_the_cart(buyer, login_client, scene):
    from wanshang.checkout.services import cart_add

    a, _b, _hot = scene
    client = login_client(buyer)
    cart_add(user=buyer, sku_id=a.skus.get().pk, quantity=1)
    page = client.get(reverse("storefront:cart")).content.decode()
    assert 'data-recs-place="cart"' in page
    feed = client.get(reverse("storefront:recs_feed") + "?place=cart").content.decode()
    assert "真丝半身裙" in feed and "纯棉连衣裙" not in feed


def test_pay_done_page_shows_co_bought(buyer, login_client, make_user, shop, make_product, buy, build):
    a = make_product(shop, title="咖啡豆")
    b = make_product(shop, title="手冲滤杯")
    buy(make_user(), a, b)
    build()
    payment = buy(buyer, a)
    client = login_client(buyer)

    page = client.get(reverse("storefront:pay_done", args=[payment.no])).content.decode()
    assert 'data-recs-place="paid"' in page and f"payment={payment.no}" in page
    feed = client.get(reverse("storefront:recs_feed") + f"?place=paid&payment={payment.no}").content.decode()
    assert "买了又买" in feed and "手冲滤杯" in feed and "咖啡豆" not in feed


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_product_recommendations(client, scene):
    a, b, _hot = scene
    data = client.get(f"{API}/product/{a.pk}?kind=co_viewed").json()
    assert data["count"] >= 1 and data["page"] == 1
    first = data["items"][0]
    assert first["id"] == b.pk and first["title"] == "真丝半身裙" and first["shop"]["name"] == "万商旗舰店"
    assert {"price_fen", "image", "sales_count"} <= set(first)
    assert client.get(f"{API}/product/{a.pk}?kind=co_bought").json()["items"] == []


def test_api_product_recommendations_bad_input(client, scene):
    a, *_ = scene
    assert client.get(f"{API}/product/999999").status_code == 404
    assert client.get(f"{API}/product/{a.pk}?kind=similar").status_code == 422
    assert client.get(f"{API}/product/0").status_code == 422
    assert client.get(f"{API}/product/{a.pk}?page_size=500").status_code == 422


def test_api_for_you_cold_start_and_signed_in(client, buyer, login_client, scene, view):
    a, b, hot = scene
    anonymous = client.get(f"{API}/for-you").json()
    assert anonymous["items"][0]["id"] == hot.pk

    view("buyer-browser", a, user=buyer)
    mine = login_client(buyer).get(f"{API}/for-you").json()
    ids = [item["id"] for item in mine["items"]]
    assert ids[0] == b.pk and a.pk not in ids
