"""The JSON API's product accepts a promoter's `aff` code like the product page: the click is recorded for the
caller (logged-in buyer, or the browser's visitor cookie), the view counts as 付费流量 / 淘宝客, and the header
X-Aff-Click says what happened. A malformed code is a 422 and records nothing."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
API = "/api/store"


@pytest.fixture
def link(shop, product, make_user, operator):
    from wanshang.affiliates.services import link_create, promoter_apply, promoter_review, shop_rate_set

    shop_rate_set(shop=shop, rate_bps=1000)
    promoter = promoter_apply(user=make_user(), name="数码老K", channels="B站", audience="数码", contact="x")
    promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
    return link_create(promoter=promoter, product_id=product.pk)


def _clicks(link) -> int:
    from wanshang.affiliates.selectors import promoter_summary

    return promoter_summary(promoter=link.promoter)["clicks"]


def test_a_logged_in_buyer_through_the_api_is_clicked_once_and_counted_as_taobaoke(
    shop, product, link, buyer, buyer_client
):
    from wanshang.analytics.services import events_ingest

    r = buyer_client.get(f"{API}/products/{product.pk}", {"aff": link.code})
    assert r.status_code == 200 and r.json()["id"] == product.pk
    assert r["X-Aff-Click"] == "recorded" and _clicks(link) == 1
    again = buyer_client.get(f"{API}/products/{product.pk}", {"aff": link.code})
    assert again["X-Aff-Click"] == "repeat" and _clicks(link) == 1  # the dedupe window, as on the page
    events_ingest()
    seller = Client()
    seller.force_login(shop.owner)
    rows = {
        r["code"]: r for r in seller.get("/api/seller/data/overview?period=today").json()["sources"]["level2"]
    }
    assert rows["affiliate"]["visitors"] == 1 and rows["affiliate"]["level1"] == "paid"


def test_an_anonymous_caller_with_the_visitor_cookie_is_clicked(product, link):
    client = Client()
    client.get("/")  # the storefront gave this browser its visitor cookie
    r = client.get(f"{API}/products/{product.pk}", {"aff": link.code})
    assert r["X-Aff-Click"] == "recorded" and _clicks(link) == 1


def test_an_anonymous_caller_without_a_cookie_cannot_be_attributed(product, link):
    r = Client().get(f"{API}/products/{product.pk}", {"aff": link.code})
    assert r.status_code == 200 and r["X-Aff-Click"] == "no_visitor" and _clicks(link) == 0


def test_an_unknown_code_or_another_products_link_is_ignored(shop, product, link, make_product, buyer_client):
    other = make_product(shop, title="另一件商品")
    assert buyer_client.get(f"{API}/products/{product.pk}", {"aff": "nosuchcode"})["X-Aff-Click"] == "ignored"
    assert buyer_client.get(f"{API}/products/{other.pk}", {"aff": link.code})["X-Aff-Click"] == "ignored"
    assert _clicks(link) == 0


@pytest.mark.parametrize("bad", ["x" * 17, "ABC", "a b", "a%27--", "码"])
def test_a_malformed_code_is_refused_and_records_nothing(product, link, buyer_client, bad):
    r = buyer_client.get(f"{API}/products/{product.pk}", {"aff": bad})
    assert r.status_code == 422 and _clicks(link) == 0


def test_without_aff_the_product_answers_as_before(product, buyer_client):
    r = buyer_client.get(f"{API}/products/{product.pk}")
    assert r.status_code == 200 and "X-Aff-Click" not in r
