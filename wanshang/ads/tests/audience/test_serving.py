"""Serving audience ads: which crowds hold a visitor, the auction on eCPM with pCTR per placement, the
frequency cap, the stop list, the click (CPC charged at the GSP price, CPM not charged per click)."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads.engine import audience as eng
from wanshang.ads.models import AdClick, AdImpression, AdLedgerEntry, AdPlanDay
from wanshang.ads.tests.audience.conftest import BROWSER, new_visitor, serve
from wanshang.ads.tests.spooling import click_settled
from wanshang.insights.models import CrowdPack

pytestmark = pytest.mark.django_db


def test_similar_product_visitors_see_the_ad_with_its_crowd_and_impression(
    live_audience, make_shop, make_product, make_category, touch
):
    category = make_category()
    shop, plan, group, [target] = live_audience(crowds=[("similar", 150, {})], category=category)
    rival = make_product(make_shop(category=category), title="另一家的连衣裙")
    visitor, stranger = new_visitor(), new_visitor()
    touch(visitor, rival)

    [ad] = serve("home", visitor=visitor)
    assert (ad.group_id, ad.plan_id, ad.crowd_id, ad.placement, ad.keyword_id) == (
        group.pk,
        plan.pk,
        target.pk,
        "home",
        0,
    )
    assert 1 <= ad.price_fen <= 150  # never above the bid × the crowd's multiplier
    [imp] = AdImpression.objects.filter(group_id=group.pk)
    assert (imp.placement, imp.crowd_id, imp.visitor, imp.shop_id) == ("home", target.pk, visitor, shop.pk)
    assert serve("home", visitor=stranger) == []  # no history: in no crowd
    assert serve("product", visitor=visitor, exclude=[group.product_id]) == []  # not beside itself
    assert serve("home", visitor=visitor, agent="Googlebot/2.1") == []
    assert serve("sidebar", visitor=visitor) == []


def test_competing_shop_visitors_are_matched_by_the_shop_not_the_category(
    live_audience, make_shop, make_product, make_category, touch
):
    from wanshang.catalog.services import category_create

    dresses = make_category()
    skirts = category_create(name="半身裙", slug=f"skirts-{dresses.pk}", parent_id=dresses.parent_id)
    shop, plan, group, [target] = live_audience(crowds=[("competitor", 120, {})], category=dresses)
    rival = make_shop(category=dresses)
    make_product(rival, title="竞品连衣裙", category_id=dresses.pk)  # the rival sells dresses too
    rival_skirt = make_product(rival, title="竞品半身裙", category_id=skirts.pk)
    unrelated = make_product(make_shop(category=dresses), title="别家半身裙", category_id=skirts.pk)
    own_other = make_product(shop, title="本店另一件")
    fan_of_rival, other, own_fan = new_visitor(), new_visitor(), new_visitor()
    touch(fan_of_rival, rival_skirt)  # visited the rival shop, not its dresses
    touch(other, unrelated)
    touch(own_fan, own_other)  # the shop's own visitors are not a competitor's crowd

    [ad] = serve("cart", visitor=fan_of_rival)
    assert ad.crowd_id == target.pk
    assert serve("cart", visitor=other) == []
    assert serve("cart", visitor=own_fan) == []


def test_keyword_intent_and_crowd_pack_crowds(live_audience, make_user, searched):
    buyer = make_user()
    shop, plan, group, _ = live_audience(crowds=[("intent", 100, {"words": "碎花裙 雪纺"})])
    pack = CrowdPack.objects.create(shop=shop, name="老客", buyer_ids=[buyer.pk], size=1)
    from wanshang.ads.services import target_add

    vip = target_add(shop=shop, plan_id=plan.pk, kind="pack", pack_id=pack.pk, multiplier_pct=250)
    seeker, late_seeker = new_visitor(), new_visitor()
    searched(seeker, "夏天 雪纺 上衣")
    searched(late_seeker, "雪纺", days_ago=20)  # past the intent window

    [ad] = serve("order_done", visitor=seeker)
    assert ad.crowd_id != vip.pk
    assert serve("order_done", visitor=late_seeker) == []
    # the pack's buyer, signed in, also searched: the higher multiplier (the pack) is the crowd that won
    searched(buyer_visitor := new_visitor(), "碎花裙")
    [ad] = serve("order_done", visitor=buyer_visitor, user_id=buyer.pk)
    assert ad.crowd_id == vip.pk
    assert serve("order_done", visitor=new_visitor(), user_id=make_user().pk) == []


def test_frequency_cap_per_visitor_per_day(live_audience, make_shop, make_product, make_category, touch):
    category = make_category()
    live_audience(cap=2, category=category)
    one, two = new_visitor(), new_visitor()
    rival = make_product(make_shop(category=category))
    touch(one, rival)
    touch(two, rival)
    shown = [len(serve("home", visitor=one)) for _ in range(4)]
    assert shown == [1, 1, 0, 0]
    assert len(serve("home", visitor=two)) == 1  # another visitor has their own count
    tomorrow = timezone.now() + timedelta(days=1)
    assert len(serve("home", visitor=one, now=tomorrow)) == 1


def test_the_cap_survives_a_cleared_cache(live_audience, make_shop, make_product, make_category, touch):
    from django.core.cache import cache

    from wanshang.ads.audience_serving import _cap_key

    category = make_category()
    _s, plan, _g, _t = live_audience(cap=1, category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    assert len(serve("home", visitor=visitor)) == 1
    key = _cap_key(timezone.localdate(), plan.pk, visitor)
    assert cache.get(key) == 1
    cache.delete(key)
    assert serve("home", visitor=visitor) == []  # counted again from the impressions


def test_a_page_view_writes_the_counters_of_the_ads_it_showed_only(
    live_audience, make_shop, make_product, make_category, touch
):
    from django.core.cache import cache

    from wanshang.ads.audience_serving import _cap_key

    dresses, phones = make_category(), make_category()
    _s, shown_plan, _g, _t = live_audience(cap=3, category=dresses)
    _s2, other_plan, _g2, _t2 = live_audience(cap=3, category=phones, title="旗舰手机")
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=dresses)))  # in the dress plan's crowd only
    assert len(serve("home", visitor=visitor)) == 1
    today = timezone.localdate()
    assert cache.get(_cap_key(today, shown_plan.pk, visitor)) == 1
    assert _cap_key(today, other_plan.pk, visitor) not in cache  # read for the auction, never written


def _history(group, placement, shown, clicks):
    now = timezone.now() - timedelta(days=1)
    AdImpression.objects.bulk_create(
        AdImpression(
            ts=now,
            page_view="h",
            shop_id=group.shop_id,
            plan_id=group.plan_id,
            group_id=group.pk,
            keyword_id=0,
            product_id=group.product_id,
            position=1,
            price_fen=10,
            placement=placement,
        )
        for _ in range(shown)
    )
    AdClick.objects.bulk_create(
        AdClick(
            token_hash=f"{group.pk}-{placement}-{i}",
            ts=now,
            issued_at=now,
            shop_id=group.shop_id,
            plan_id=group.plan_id,
            group_id=group.pk,
            keyword_id=0,
            product_id=group.product_id,
            price_fen=10,
            charged_fen=10,
            status="charged",
            placement=placement,
        )
        for i in range(clicks)
    )


def test_ad_rank_uses_the_groups_ctr_at_that_placement(
    live_audience, make_shop, make_product, make_category, touch
):
    category = make_category()
    _s, _p, proven, _ = live_audience(bid=100, category=category)
    _s, _p, newcomer, _ = live_audience(bid=120, category=category)
    _history(proven, "home", shown=100, clicks=20)  # 20 % at home, nothing known on product pages
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))

    home = serve("home", visitor=visitor)
    assert [a.group_id for a in home] == [proven.pk, newcomer.pk]
    # p̂ = (20 + 200·1 %) ÷ (100 + 200) = 22/300; rank 100 × 73.3 beats 120 × 10 (the default 1 %)
    p_proven = eng.predicted_ctr(100, 20, 0.01)
    assert p_proven == pytest.approx(22 / 300)
    assert home[0].price_fen == math.ceil(120 * 10 * 1_000_000 / round(p_proven * 1000 * 1_000_000)) + 1
    assert home[0].price_fen < 100
    # on the product page both are new there: the higher bid wins
    [first] = serve("product", visitor=visitor)  # one slot on a product page
    assert first.group_id == newcomer.pk


def test_the_crowd_multiplier_raises_the_rank(live_audience, make_shop, make_product, make_category, touch):
    category = make_category()
    _s, _p, boosted, _ = live_audience(bid=100, crowds=[("similar", 200, {})], category=category)
    _s, _p, plain, _ = live_audience(bid=150, crowds=[("similar", 100, {})], category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    ads = serve("home", visitor=visitor)
    assert [a.group_id for a in ads] == [boosted.pk, plain.pk]
    assert ads[0].price_fen == 151  # the next rank (150) ÷ equal pCTR, + 1 fen; ≤ 100 × 200 %
    assert ads[1].price_fen <= 150


def test_cpm_and_cpc_compete_on_ecpm(live_audience, make_shop, make_product, make_category, touch):
    category = make_category()
    _s, _p, cpm, _ = live_audience(bid=2000, billing="cpm", category=category)  # ¥20 per thousand
    _s, _p, cpc, _ = live_audience(bid=100, category=category)  # ¥1 × 1 % = ¥10 per thousand
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    first, second = serve("home", visitor=visitor)
    assert (first.group_id, second.group_id) == (cpm.pk, cpc.pk)
    assert first.price_fen == 1001  # the CPC ad's eCPM + 1 fen, per thousand impressions
    assert second.price_fen == 10  # the reserve (10 fen at the placement's average CTR)


def test_click_on_cpc_charges_the_gsp_price_and_cpm_click_is_free(
    live_audience, make_shop, make_product, make_category, touch
):
    category = make_category()
    _s, _p, cpm, _ = live_audience(bid=2000, billing="cpm", category=category)
    shop, plan, cpc, _ = live_audience(bid=100, category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    by_group = {a.group_id: a for a in serve("home", visitor=visitor)}

    paid = click_settled(token=by_group[cpc.pk].token, visitor=visitor, user_id=None, user_agent=BROWSER)
    assert (paid.status, paid.charged_fen) == ("charged", by_group[cpc.pk].price_fen)
    free = click_settled(token=by_group[cpm.pk].token, visitor=visitor, user_id=None, user_agent=BROWSER)
    assert (free.status, free.charged_fen) == ("charged", 0)
    clicks = {c.group_id: c for c in AdClick.objects.all()}
    assert (clicks[cpc.pk].placement, clicks[cpc.pk].crowd_id) == ("home", by_group[cpc.pk].crowd_id)
    assert (clicks[cpm.pk].charged_fen, clicks[cpm.pk].reason) == (0, "cpm")
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1
    assert AdPlanDay.objects.get(plan=plan).spend_fen == by_group[cpc.pk].price_fen


def test_an_exhausted_budget_stops_the_plan(live_audience, make_shop, make_product, make_category, touch):
    from wanshang.ads.services import ad_charge

    category = make_category()
    shop, plan, group, _ = live_audience(bid=100, daily=1000, category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    assert ad_charge(group_id=group.pk, price_fen=950, ref="earlier").charged  # 50 fen left < a 100 fen bid
    from wanshang.ads.serving import state_invalidate

    state_invalidate()
    assert serve("home", visitor=visitor) == []


def test_terminal_and_bots(live_audience, make_shop, make_product, make_category, touch):
    category = make_category()
    live_audience(category=category, on_mobile=False)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    assert serve("home", visitor=visitor, terminal="h5") == []
    assert len(serve("home", visitor=visitor, terminal="pc")) == 1


def test_keeping_only_the_best_candidates_gives_the_auction_over_all():
    """`_candidates(keep=slots + 1)` builds only the best matches; the wins and prices are the full auction's."""
    import random

    from wanshang.ads.audience_serving import (
        AudienceIndex,
        GroupInfo,
        PlanInfo,
        TargetInfo,
        Visitor,
        _candidates,
    )
    from wanshang.ads.engine.auction import run_auction

    rng = random.Random(7)
    plans, groups, targets, ctr = {}, {}, {}, {}
    for p in range(1, 60):
        billing = "cpm" if p % 3 == 0 else "cpc"
        plans[p] = PlanInfo(p, True, True, 100_000, None, billing, 3, 999)
        groups[p] = [
            GroupInfo(p * 10 + g, p, p, p * 10 + g, rng.randint(1, 4), rng.choice([50, 80, 100]))
            for g in range(3)
        ]
        targets[p] = [TargetInfo(p, "similar", rng.choice([100, 150, 200]))]
        for g in groups[p]:
            n = rng.randint(0, 400)
            ctr[(g.group_id, "home")] = (n, rng.randint(0, n // 10))
    index = AudienceIndex((), plans, groups, targets, {}, {}, ctr, {"home": 0.01}, 9999)
    who = Visitor(frozenset({1, 2, 3}), frozenset(), ())
    for seed in range(20):
        everything = _candidates(index, "home", who, {}, frozenset(), False, set(), seed=seed)
        kept = _candidates(index, "home", who, {}, frozenset(), False, set(), keep=3, seed=seed)
        assert len(kept) == 3 < len(everything)
        full = run_auction(everything, slots=2, reserve_fen=100, tie_seed=seed)
        cut = run_auction(kept, slots=2, reserve_fen=100, tie_seed=seed)
        assert [(w.candidate.ad_id, w.price_fen) for w in cut.wins] == [
            (w.candidate.ad_id, w.price_fen) for w in full.wins
        ]
