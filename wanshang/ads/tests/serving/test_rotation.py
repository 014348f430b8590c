"""Creative rotation: the even then CTR-weighted rule, the creative worn by a served ad, recorded on its
impression and carried by its click; the creatives report."""

import pytest

from wanshang.ads.creative_report import creative_report
from wanshang.ads.rotation import EXPLORE_IMPRESSIONS, Arm, choose, shares
from wanshang.ads.services import creative_add, creative_delete
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.tests.spooling import ads_ingested, click_settled
from wanshang.ads.traffic_models import AdClick, AdImpression
from wanshang.common.errors import NotFound

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
IMAGES = ["/media/demo/a.jpg", "/media/demo/b.jpg"]


def test_even_until_every_creative_has_enough_impressions():
    arms = [Arm(1, "a", "x", EXPLORE_IMPRESSIONS, 50), Arm(2, "b", "x", EXPLORE_IMPRESSIONS - 1, 0)]
    assert shares(arms) == [0.5, 0.5]
    assert [choose(arms, u).creative_id for u in (0.0, 0.49, 0.5, 0.99)] == [1, 1, 2, 2]
    assert choose((), 0.3) is None


def test_then_weighted_toward_the_better_ctr_keeping_a_floor():
    arms = [Arm(1, "a", "x", 1000, 40), Arm(2, "b", "x", 1000, 10)]
    first, second = shares(arms)
    assert first + second == pytest.approx(1.0)
    # smoothed CTRs: (40 + 100·0.025) ÷ 1100 and (10 + 2.5) ÷ 1100 → 42.5 : 12.5, then a fifth spread evenly
    assert first == pytest.approx(0.1 + 0.8 * 42.5 / 55)
    assert second == pytest.approx(0.1 + 0.8 * 12.5 / 55) and second > 0.1
    no_clicks = [Arm(1, "a", "x", 500, 0), Arm(2, "b", "x", 500, 0)]
    assert shares(no_clicks) == [0.5, 0.5]


@pytest.fixture
def with_creatives(live_ad, make_product, django_capture_on_commit_callbacks):
    def make(n=2, **kw):
        shop, plan, group, kws = live_ad(**kw)
        group.product.images = IMAGES
        group.product.save(update_fields=["images"])
        made = []
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                creative, _w = creative_add(
                    shop=shop, group_id=group.pk, title=f"官方正品连衣裙{i}", image_url=IMAGES[i % 2]
                )
                made.append(creative)
        return shop, group, kws, made

    return make


def test_served_ads_wear_the_groups_creatives_in_turn(with_creatives):
    shop, group, _kws, creatives = with_creatives()
    by_id = {c.pk: c for c in creatives}
    seen = []
    for _ in range(30):
        [ad] = serve("连衣裙")
        assert ad.creative_id in by_id
        assert (ad.title, ad.image_url) == (by_id[ad.creative_id].title, by_id[ad.creative_id].image_url)
        seen.append(ad.creative_id)
    assert set(seen) == set(by_id)  # even rotation: 30 draws of two creatives show both
    recorded = list(AdImpression.objects.filter(group_id=group.pk).values_list("creative_id", flat=True))
    assert sorted(recorded) == sorted(seen)
    # the click carries the creative through the signed token
    click_settled(token=ad.token, visitor="v" * 32, user_id=None, user_agent=BROWSER)
    assert AdClick.objects.get().creative_id == ad.creative_id


def test_a_group_without_creatives_shows_the_product(live_ad):
    live_ad()
    [ad] = serve("连衣裙")
    assert ad.creative_id is None and ad.title == "" and ad.image_url == ""
    assert AdImpression.objects.get().creative_id is None


def test_a_deleted_creative_leaves_the_rotation(with_creatives, django_capture_on_commit_callbacks):
    shop, _group, _kws, (first, second) = with_creatives()
    serve("连衣裙")
    with django_capture_on_commit_callbacks(execute=True):
        creative_delete(shop=shop, creative_id=first.pk)
    assert {serve("连衣裙")[0].creative_id for _ in range(6)} == {second.pk}


def test_the_creatives_report_counts_each_creative(with_creatives, django_capture_on_commit_callbacks):
    shop, group, _kws, (first, second) = with_creatives()
    served = [serve("连衣裙")[0] for _ in range(12)]
    clicked = next(ad for ad in served if ad.creative_id == first.pk)
    click_settled(token=clicked.token, visitor="v" * 32, user_id=None, user_agent=BROWSER)
    rows = {r.creative_id: r for r in creative_report(shop=shop, group_id=group.pk, days=7)}
    shown = {c: sum(1 for ad in served if ad.creative_id == c) for c in (first.pk, second.pk)}
    assert (rows[first.pk].impressions, rows[first.pk].clicks) == (shown[first.pk], 1)
    assert rows[first.pk].ctr == 1 / shown[first.pk]
    assert (rows[second.pk].impressions, rows[second.pk].clicks) == (shown[second.pk], 0)
    assert rows[first.pk].share == rows[second.pk].share == 0.5
    assert None not in rows  # every impression wore a creative
    # deleted: its impressions stay in the report, as one row
    with django_capture_on_commit_callbacks(execute=True):
        creative_delete(shop=shop, creative_id=first.pk)
    rows = {r.creative_id: r for r in creative_report(shop=shop, group_id=group.pk, days=7)}
    assert rows[-1].deleted and rows[-1].impressions == shown[first.pk] and rows[second.pk].share == 1.0


def test_the_creatives_report_of_another_shops_group_is_not_found(with_creatives, live_ad):
    _shop, group, _kws, _made = with_creatives()
    other, *_ = live_ad(bid=120)
    with pytest.raises(NotFound):
        creative_report(shop=other, group_id=group.pk)


def test_the_search_page_and_api_show_the_creative_on_the_ad_card(client, with_creatives, make_product):
    from html import unescape

    shop, group, _kws, creatives = with_creatives(n=1, title="夏季碎花连衣裙")
    make_product(shop, title="碎花连衣裙 长款")  # an organic result beside the ad
    [creative] = creatives
    page = client.get("/search/", {"q": "连衣裙"}, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200
    html = unescape(page.text)
    card = html[html.index('class="goods-card ad-card"') :][:2000]
    assert f'data-ad-creative="{creative.pk}"' in card
    assert creative.title in card and creative.image_url in card
    ads_ingested()
    assert AdImpression.objects.get().creative_id == creative.pk
    answer = client.get("/api/store/search", {"q": "连衣裙"}, HTTP_USER_AGENT=BROWSER).json()
    [ad] = answer["ads"]
    assert (ad["creative_id"], ad["title"], ad["image"]) == (creative.pk, creative.title, creative.image_url)
