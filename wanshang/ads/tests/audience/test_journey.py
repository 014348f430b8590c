"""The whole path through the web: a seller's audience plan (seller pages) → a buyer who looked at a similar
product opens the home page, a product page and the cart → each page's ad slot is filled with the ad labelled
广告 → the click goes through the signed redirect and is charged at the auction's price ≤ bid × multiplier."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads.models import AdClick, AdImpression, AdLedgerEntry
from wanshang.ads.tests.audience.conftest import BROWSER, new_visitor
from wanshang.ads.tests.spooling import ads_ingested

pytestmark = pytest.mark.django_db


def _plan_post():
    today = timezone.localdate()
    return {
        "name": "连衣裙人群推广",
        "kind": "audience",
        "daily_budget": "50",
        "total_budget": "",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=10)).isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
        "hours": "",
        "regions": "",
    }


def test_seller_audience_plan_to_labelled_ads_on_every_placement_to_a_charged_click(
    client, make_shop, make_product, make_category, fund, touch, django_capture_on_commit_callbacks
):
    from wanshang.ads import selectors

    category = make_category()
    shop = make_shop(category=category, name="碎花小铺")
    fund(shop, 10_000)
    product = make_product(shop, title="夏季碎花连衣裙 雪纺", prices=(15900,))
    rival = make_shop(category=category, name="隔壁服饰店")
    seen = make_product(rival, title="长款连衣裙")
    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("sellercenter:ads_plan_create"), _plan_post()).status_code == 302
        [plan] = list(selectors.plan_list(shop=shop))
        client.post(
            reverse("sellercenter:ads_group_create", args=[plan.pk]),
            {"product_id": product.pk, "default_bid": "1.20"},
        )
        client.post(
            reverse("sellercenter:ads_audience_target_add", args=[plan.pk]),
            {"kind": "similar", "multiplier_pct": 150},
        )
        client.post(
            reverse("sellercenter:ads_audience_setup", args=[plan.pk]), {"billing": "cpc", "frequency_cap": 4}
        )
        client.post(reverse("sellercenter:ads_plan_status", args=[plan.pk]), {"status": "active"})
    [group] = list(selectors.group_list(shop=shop, plan_id=plan.pk))
    [target] = selectors.target_list(shop=shop, plan_id=plan.pk)
    client.logout()

    visitor = new_visitor()
    client.cookies["wsv"] = visitor
    touch(visitor, seen)  # yesterday, a dress of another shop: a similar-product visitor

    home = client.get(reverse("storefront:home"), HTTP_USER_AGENT=BROWSER)
    assert 'data-ad-place="home"' in home.text
    page = client.get(reverse("storefront:product", args=[seen.pk]), HTTP_USER_AGENT=BROWSER)
    slot = re.search(r'data-ad-place="product" hx-get="([^"]+)"', page.text)
    assert slot and f"product={seen.pk}" in unescape(slot.group(1))

    rows = {}
    for place, params in (("home", {}), ("product", {"product": seen.pk}), ("cart", {}), ("paid", {})):
        row = client.get(reverse("storefront:ad_row"), {"place": place, **params}, HTTP_USER_AGENT=BROWSER)
        assert row.status_code == 200
        assert 'class="goods-card ad-card"' in row.text and "广告" in row.text, place
        assert f'data-ad="{group.pk}"' in row.text
        rows[place] = row.text
    ads_ingested()
    placements = sorted(AdImpression.objects.filter(group_id=group.pk).values_list("placement", flat=True))
    assert placements == ["cart", "home", "order_done", "product"]
    # the plan's frequency cap (4 a day) was reached: a fifth page shows nothing
    again = client.get(reverse("storefront:ad_row"), {"place": "home"}, HTTP_USER_AGENT=BROWSER)
    assert again.status_code == 200 and again.text == ""

    href = unescape(re.search(r'href="([^"]+)"', rows["home"]).group(1))
    assert href.startswith(reverse("storefront:ad_click"))
    response = client.get(href, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    # to the product page with the signed paid-traffic marker (analytics counts the visit as 引力魔方)
    assert response["Location"].startswith(f"{reverse('storefront:product', args=[product.pk])}?ad=ads_aud")
    ads_ingested()  # the ads.ingest job records and charges it
    [click] = AdClick.objects.all()
    assert (click.status, click.placement, click.crowd_id) == ("charged", "home", target.pk)
    assert 1 <= click.charged_fen <= 180  # ¥1.20 × 150 %
    [charge] = AdLedgerEntry.objects.filter(kind="charge")
    assert charge.amount_fen == -click.charged_fen and charge.group_id == group.pk
    assert client.get(href, HTTP_USER_AGENT=BROWSER).status_code == 302  # a replay: not charged again
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_the_ad_row_answers_nothing_to_strangers_and_refuses_unknown_places(client, live_audience):
    live_audience()
    client.cookies["wsv"] = new_visitor()
    row = client.get(reverse("storefront:ad_row"), {"place": "home"}, HTTP_USER_AGENT=BROWSER)
    assert row.status_code == 200 and row.text == ""
    assert client.get(reverse("storefront:ad_row"), {"place": "footer"}).status_code == 400
    assert not AdImpression.objects.exists()
