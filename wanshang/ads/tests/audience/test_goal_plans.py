"""全站推广 goal plans in the audience placements: their products compete in the same eCPM auction at the goal
bid for the placement, reach the visitors of similar products or of the plan's shop, are charged per click to
the goal plan's budgets and account (hard stop included), and the goal plan's report splits by placement."""

import pytest
from django.utils import timezone

from wanshang.ads.models import AdClick, AdImpression, AdLedgerEntry, AdPlanDay
from wanshang.ads.services import (
    AutoPlanInput,
    ad_charge,
    autoplan_create,
    bid_for,
    plan_set_status,
)
from wanshang.ads.serving import state_invalidate
from wanshang.ads.tests.audience.conftest import BROWSER, new_visitor, serve
from wanshang.ads.tests.spooling import click_settled

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def live_goal(make_shop, make_product, fund, django_capture_on_commit_callbacks):
    """live_goal(category=…, daily=5000, price=10_000) → (shop, plan, product): an active, funded goal plan."""

    def make(*, category=None, daily=5_000, price=10_000, **changes):
        shop = make_shop(category=category)
        fund(shop, 50_000)
        product = make_product(shop, title="夏季碎花连衣裙", prices=(price,))
        with django_capture_on_commit_callbacks(execute=True):
            plan = autoplan_create(
                shop=shop,
                data=AutoPlanInput(
                    name="全站推广",
                    product_ids=[product.pk],
                    daily_budget_fen=daily,
                    target_roas_centi=300,
                    start_date=timezone.localdate(),
                    pacing=changes.pop("pacing", "accelerated"),
                    **changes,
                ),
            )
            plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        return shop, plan, product

    return make


def test_a_goal_plan_reaches_similar_product_and_shop_visitors_at_its_goal_bid(
    live_goal, make_shop, make_product, make_category, touch
):
    from wanshang.catalog.services import category_create

    category = make_category()
    elsewhere = category_create(name="半身裙", slug=f"skirts-{category.pk}", parent_id=category.parent_id)
    shop, plan, product = live_goal(category=category)
    similar, fan, stranger = new_visitor(), new_visitor(), new_visitor()
    touch(similar, make_product(make_shop(category=category), title="别家的连衣裙"))
    touch(fan, make_product(shop, title="本店半身裙", category_id=elsewhere.pk))  # the shop, not the category
    touch(stranger, make_product(make_shop(category=category), title="别家半身裙", category_id=elsewhere.pk))

    [ad] = serve("home", visitor=similar)
    assert (ad.plan_id, ad.product.pk, ad.crowd_id, ad.placement) == (plan.pk, product.pk, None, "home")
    goal_bid = bid_for(plan.pk, product.pk, "home")
    assert goal_bid == 100  # λ 1 × 3 % × ¥100 ÷ 3, nothing learnt yet
    assert 1 <= ad.price_fen <= goal_bid
    [imp] = AdImpression.objects.filter(plan_id=plan.pk)
    assert (imp.placement, imp.shop_id, imp.crowd_id) == ("home", shop.pk, None)
    assert [a.plan_id for a in serve("cart", visitor=fan)] == [plan.pk]
    assert serve("home", visitor=stranger) == []
    assert serve("product", visitor=similar, exclude=[product.pk]) == []  # never beside itself


def test_goal_and_audience_plans_share_one_ecpm_auction(
    live_goal, live_audience, make_shop, make_product, make_category, touch
):
    category = make_category()
    _shop, goal, _product = live_goal(category=category)  # a goal bid of 100 fen
    _s, _p, dearer, _ = live_audience(bid=150, category=category)
    _s, _p, cheaper, _ = live_audience(bid=60, category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    first, second = serve("home", visitor=visitor)  # two slots: 150, then the goal plan's 100
    assert (first.group_id, second.plan_id) == (dearer.pk, goal.pk)
    assert second.price_fen == 61  # GSP: the next eCPM (60 at the same pCTR) + 1 fen, below its bid
    assert cheaper.pk not in {first.group_id, second.group_id}


def test_a_click_is_charged_to_the_goal_plan_and_shows_in_its_placement_split(
    live_goal, make_shop, make_product, make_category, touch, client
):
    category = make_category()
    shop, plan, _product = live_goal(category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    [ad] = serve("order_done", visitor=visitor)
    click = click_settled(token=ad.token, visitor=visitor, user_id=None, user_agent=BROWSER)
    assert (click.status, click.charged_fen) == ("charged", ad.price_fen)
    [entry] = AdLedgerEntry.objects.filter(kind="charge", plan_id=plan.pk)
    assert entry.amount_fen == -ad.price_fen and entry.shop_id == shop.pk
    assert AdPlanDay.objects.get(plan=plan).spend_fen == ad.price_fen
    assert AdClick.objects.get().placement == "order_done"

    client.force_login(shop.owner)
    body = client.get(f"/api/seller/ads/auto-plans/{plan.pk}/report?days=7").json()
    rows = {r["placement"]: r for r in body["placements"]}
    assert list(rows) == ["search", "home", "product", "cart", "order_done"]
    assert (rows["order_done"]["impressions"], rows["order_done"]["clicks"]) == (1, 1)
    assert rows["order_done"]["spend_fen"] == ad.price_fen and rows["search"]["spend_fen"] == 0
    assert body["spend_fen"] == ad.price_fen
    page = client.get(f"/seller/ads/auto/{plan.pk}/")
    assert page.status_code == 200 and 'data-placement="order_done"' in page.content.decode()


def test_an_invalid_click_refund_comes_off_its_placement(
    live_goal, make_shop, make_product, make_category, touch, client
):
    from wanshang.ads.services import invalid_click_refund

    category = make_category()
    shop, plan, _product = live_goal(category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    [ad] = serve("cart", visitor=visitor)
    click_settled(token=ad.token, visitor=visitor, user_id=None, user_agent=BROWSER)
    invalid_click_refund(charge_ref=f"adclick:{AdClick.objects.get().pk}", reason="测试")
    client.force_login(shop.owner)
    body = client.get(f"/api/seller/ads/auto-plans/{plan.pk}/report").json()
    [cart] = [r for r in body["placements"] if r["placement"] == "cart"]
    assert cart["spend_fen"] == 0 and cart["impressions"] == 1


def test_another_shops_goal_plan_report_is_404(live_goal, make_shop, client):
    _shop, plan, _product = live_goal()
    other = make_shop()
    client.force_login(other.owner)
    assert client.get(f"/api/seller/ads/auto-plans/{plan.pk}/report").status_code == 404
    assert client.get(f"/seller/ads/auto/{plan.pk}/").status_code == 404


def test_the_goal_plans_hard_stop_holds_in_the_audience_placements(
    live_goal, make_shop, make_product, make_category, touch
):
    from wanshang.ads.models import AdGroup

    category = make_category()
    _shop, plan, _product = live_goal(category=category, daily=1_000)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    group = AdGroup.objects.get(plan=plan)
    assert ad_charge(group_id=group.pk, price_fen=950, ref="earlier").charged  # 50 fen left < its 100 fen bid
    state_invalidate()
    assert serve("home", visitor=visitor) == []
