"""The audience-ad slots (引力魔方) on the storefront's pages: each page holds one, filled per request from
/ad/row/, so the pages themselves (and their caches) carry no ad; an unknown place is a 400."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"


def test_home_product_and_cart_pages_hold_an_ad_slot(client, buyer_client, product):
    home = client.get(reverse("storefront:home"), HTTP_USER_AGENT=BROWSER)
    assert 'data-ad-place="home"' in home.text and "ad-card" not in home.text
    page = client.get(reverse("storefront:product", args=[product.pk]), HTTP_USER_AGENT=BROWSER)
    assert 'data-ad-place="product"' in page.text and f"product={product.pk}" in page.text
    cart = buyer_client.get(reverse("storefront:cart"), HTTP_USER_AGENT=BROWSER)
    assert 'data-ad-place="cart"' in cart.text


def test_the_ad_row_without_ads_is_empty_and_an_unknown_place_is_400(client):
    for place in ("home", "product", "cart", "paid"):
        response = client.get(reverse("storefront:ad_row"), {"place": place}, HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200 and response.text == ""
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.get(reverse("storefront:ad_row"), {"place": "banner"}).status_code == 400
    assert client.get(reverse("storefront:ad_row")).status_code == 400


@pytest.mark.parametrize("product", ["²", "9" * 30, "-1", "abc"])
def test_the_ad_row_ignores_a_product_that_is_no_id(client, product):
    response = client.get(
        reverse("storefront:ad_row"), {"place": "product", "product": product}, HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 200
