"""全站推广 goal plans: creation and its refusals, derived keywords, the bid formula in serving and `bid_for`,
and the hourly λ controller (once per hour, catching up after downtime)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads import autoplans, serving
from wanshang.ads.autoplan_models import AutoPlan, AutoPlanHour
from wanshang.ads.models import AdGroup, AdKeyword, AdLedgerEntry, AdPlan
from wanshang.ads.services import (
    AutoPlanInput,
    autobid_tick,
    autoplan_create,
    autoplan_update,
    bid_for,
    group_create,
    plan_set_status,
)
from wanshang.ads.tests.serving.conftest import serve
from wanshang.common.errors import Conflict, ValidationError

pytestmark = pytest.mark.django_db


def _input(products, **changes):
    data = {
        "name": "全站推广",
        "product_ids": [p.pk for p in products],
        "daily_budget_fen": 5_000,
        "target_roas_centi": 300,
        "start_date": timezone.localdate(),
        "end_date": None,
    }
    data.update(changes)
    return AutoPlanInput(**data)


@pytest.fixture
def live_auto(make_shop, make_product, fund, django_capture_on_commit_callbacks):
    def make(shop=None, title="夏季碎花连衣裙", price=10_000, **changes):
        shop = shop or make_shop()
        fund(shop, 50_000)
        product = make_product(shop, title=title, prices=(price,))
        with django_capture_on_commit_callbacks(execute=True):
            plan = autoplan_create(shop=shop, data=_input([product], **changes))
            plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        return shop, plan, product

    return make


def test_a_goal_plan_promotes_its_products_with_keywords_from_title_and_category(make_shop, make_product):
    shop = make_shop()
    dress, shirt = make_product(shop, title="夏季碎花连衣裙"), make_product(shop, title="纯棉短袖T恤")
    plan = autoplan_create(shop=shop, data=_input([dress, shirt]))
    assert plan.kind == AdPlan.Kind.AUTO and plan.status == AdPlan.Status.DRAFT
    assert AutoPlan.objects.get(plan=plan).target_roas_centi == 300
    groups = {g.product_id: g for g in AdGroup.objects.filter(plan=plan)}
    assert set(groups) == {dress.pk, shirt.pk}
    words = set(AdKeyword.objects.filter(group=groups[dress.pk]).values_list("word", flat=True))
    assert "连衣裙" in words
    assert all(
        k.match_type == "broad" and k.bid_fen is None and k.tokens
        for k in AdKeyword.objects.filter(group__plan=plan)
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"product_ids": []}, "products"),
        ({"target_roas_centi": 0}, "target_roas"),
        ({"target_roas_centi": -300}, "target_roas"),
        ({"target_roas_centi": 1_000_000}, "target_roas"),
        ({"target_roas_centi": 2.5}, "target_roas"),
        ({"daily_budget_fen": 5}, "daily_budget"),
        ({"daily_budget_fen": 0}, "daily_budget"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_goal_plans_are_refused_and_change_nothing(make_shop, make_product, changes, field):
    shop = make_shop()
    product = make_product(shop)
    with pytest.raises(ValidationError) as err:
        autoplan_create(shop=shop, data=_input([product], **changes))
    assert err.value.field == field
    assert not AdPlan.objects.exists() and not AutoPlan.objects.exists()


def test_a_budget_below_one_click_at_the_target_is_refused(make_shop, make_product):
    shop = make_shop()
    pricey = make_product(shop, prices=(200_000,))  # ¥2,000 × 3 % ÷ 1.00 → a ¥60 click
    with pytest.raises(ValidationError, match="一次点击") as err:
        autoplan_create(shop=shop, data=_input([pricey], daily_budget_fen=5_000, target_roas_centi=100))
    assert err.value.field == "daily_budget"


def test_another_shops_or_an_off_sale_product_is_refused(make_shop, make_product):
    mine, theirs = make_shop(), make_shop()
    other = make_product(theirs)
    with pytest.raises(ValidationError, match="不存在或不属于本店"):
        autoplan_create(shop=mine, data=_input([other]))
    draft = make_product(mine, on_sale=False)
    with pytest.raises(ValidationError, match="未在出售中"):
        autoplan_create(shop=mine, data=_input([draft]))
    assert not AdPlan.objects.exists()


def test_a_goal_plan_of_another_shop_cannot_be_edited(make_shop, make_product):
    a, b = make_shop(), make_shop()
    plan = autoplan_create(shop=a, data=_input([make_product(a)]))
    from wanshang.common.errors import NotFound

    with pytest.raises(NotFound):
        autoplan_update(shop=b, plan_id=plan.pk, data=_input([make_product(b)]))


def test_products_and_keywords_of_a_goal_plan_are_not_edited_by_hand(make_shop, make_product):
    shop = make_shop()
    plan = autoplan_create(shop=shop, data=_input([make_product(shop)]))
    with pytest.raises(Conflict):
        group_create(shop=shop, plan_id=plan.pk, product_id=make_product(shop).pk, default_bid_fen=100)


def test_editing_the_products_pauses_the_dropped_group_and_adds_the_new(make_shop, make_product):
    shop = make_shop()
    first, second = make_product(shop), make_product(shop, title="纯棉短袖T恤")
    plan = autoplan_create(shop=shop, data=_input([first]))
    autoplan_update(shop=shop, plan_id=plan.pk, data=_input([second], target_roas_centi=500))
    status = dict(AdGroup.objects.filter(plan=plan).values_list("product_id", "status"))
    assert status == {first.pk: "paused", second.pk: "active"}
    assert AutoPlan.objects.get(plan=plan).target_roas_centi == 500


def test_the_bid_is_lambda_times_conversion_times_order_value_over_the_target(live_auto):
    # no history: pCVR is the 3 % default and the order value the product's price (¥100)
    _shop, plan, product = live_auto(price=10_000)
    assert bid_for(plan.pk, product.pk, "search") == 100  # 1.0 × 0.03 × 10,000 ÷ 3
    AutoPlan.objects.filter(plan=plan).update(lambda_goal_micro=2_000_000, lambda_budget_micro=10_000_000)
    assert bid_for(plan.pk, product.pk, "home") == 200
    AutoPlan.objects.filter(plan=plan).update(lambda_goal_micro=100_000)
    assert bid_for(plan.pk, product.pk) == 10  # 10 fen: the reserve floor
    assert bid_for(plan.pk, product.pk + 999) == 0  # not promoted by the plan


def test_the_bid_is_capped_by_the_maximum_bid_and_floored_at_the_reserve(live_auto):
    from wanshang.ads.rules import ad_settings_update

    _shop, plan, product = live_auto(price=10_000)
    ad_settings_update(max_bid_fen=60, reserve_price_fen=20)
    assert bid_for(plan.pk, product.pk) == 60
    AutoPlan.objects.filter(plan=plan).update(lambda_goal_micro=10_000)
    assert bid_for(plan.pk, product.pk) == 20


def test_a_live_goal_plan_takes_part_in_the_search_auction_at_its_bid(live_auto):
    _shop, plan, product = live_auto(price=10_000, pacing="accelerated")
    ads = serve("碎花 连衣裙")
    assert [a.plan_id for a in ads] == [plan.pk] and ads[0].product.pk == product.pk
    served = serving.current_index()
    assert served.highest_bid[plan.pk] == 100
    assert serve("蓝牙耳机") == []


def test_a_keyword_plan_has_no_goal_bid(make_shop, make_plan, make_group):
    shop = make_shop()
    plan = make_plan(shop)
    group = make_group(shop, plan)
    assert bid_for(plan.pk, group.product_id) == 0


# --- the hourly controller -----------------------------------------------------------------------------------


def _charge(plan, product, fen, when):
    """Clicks of 6,000 fen (under the maximum bid) adding up to `fen`, charged and dated `when`."""
    from wanshang.ads.accounts import ad_charge

    group = AdGroup.objects.get(plan=plan, product=product)
    for n in range(fen // 6_000):
        ref = f"t:{when.timestamp()}:{n}"
        assert ad_charge(group_id=group.pk, price_fen=6_000, ref=ref, now=when).charged
        AdLedgerEntry.objects.filter(reference=ref).update(created_at=when)


def _convert(plan, product, fen, when):
    from wanshang.ads.traffic_models import AdClick, AdConversion

    group = AdGroup.objects.get(plan=plan, product=product)
    click = AdClick.objects.create(
        token_hash=f"{when.timestamp()}{fen}",
        ts=when,
        issued_at=when,
        shop_id=plan.shop_id,
        plan_id=plan.pk,
        group_id=group.pk,
        keyword_id=0,
        product_id=product.pk,
        price_fen=1,
        status="charged",
    )
    AdConversion.objects.create(
        shop_id=plan.shop_id,
        click=click,
        order_id=int(when.timestamp()),
        line_id=int(when.timestamp()) + fen,
        plan_id=plan.pk,
        group_id=group.pk,
        keyword_id=0,
        product_id=product.pk,
        quantity=1,
        amount_fen=fen,
        paid_at=when,
    )


def _this_hour():
    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


def test_the_tick_steps_each_hour_once_and_raises_lambda_above_the_target(live_auto):
    _shop, plan, product = live_auto(daily_budget_fen=40_000)
    AdPlan.objects.filter(pk=plan.pk).update(updated_at=_this_hour() - timedelta(hours=6))
    hour = _this_hour() - timedelta(hours=1)
    _charge(plan, product, 30_000, hour + timedelta(minutes=10))
    _convert(plan, product, 300_000, hour + timedelta(minutes=20))  # 投产比 10 against a target of 3
    assert autobid_tick() == 1
    row = AutoPlanHour.objects.get(plan=plan)
    assert (row.hour, row.spend_fen, row.gmv_fen) == (hour, 30_000, 300_000)
    auto = AutoPlan.objects.get(plan=plan)
    # the controller's largest step, ×√2 (not the ×1.05 of an hour that won next to nothing)
    assert auto.lambda_goal_micro == 1_414_214 and auto.stepped_hour == hour
    assert autobid_tick() == 0  # the same hour again: nothing
    assert AutoPlanHour.objects.filter(plan=plan).count() == 1
    assert AutoPlan.objects.get(plan=plan).lambda_goal_micro == auto.lambda_goal_micro


def test_lambda_falls_when_the_achieved_return_is_below_the_target(live_auto):
    _shop, plan, product = live_auto(daily_budget_fen=40_000)
    AdPlan.objects.filter(pk=plan.pk).update(updated_at=_this_hour() - timedelta(hours=6))
    hour = _this_hour() - timedelta(hours=1)
    _charge(plan, product, 30_000, hour + timedelta(minutes=5))  # no GMV at all
    autobid_tick()
    assert AutoPlan.objects.get(plan=plan).lambda_goal_micro == 707_107  # ÷√2


def test_after_downtime_the_tick_catches_up_each_missed_hour_in_order_once(live_auto):
    _shop, plan, product = live_auto()
    AdPlan.objects.filter(pk=plan.pk).update(updated_at=_this_hour() - timedelta(hours=10))
    AutoPlan.objects.filter(plan=plan).update(stepped_hour=_this_hour() - timedelta(hours=6))
    assert autobid_tick() == 5
    hours = list(AutoPlanHour.objects.filter(plan=plan).values_list("hour", flat=True))
    assert hours == [_this_hour() - timedelta(hours=h) for h in (5, 4, 3, 2, 1)]
    assert autobid_tick(now=timezone.now() + timedelta(hours=2)) == 2
    assert autobid_tick(now=timezone.now() + timedelta(hours=2)) == 0
    assert AutoPlanHour.objects.filter(plan=plan).count() == 7


def test_a_paused_plan_is_not_stepped_and_its_idle_hours_are_not_caught_up(
    live_auto, django_capture_on_commit_callbacks
):
    shop, plan, _product = live_auto()
    with django_capture_on_commit_callbacks(execute=True):
        plan_set_status(shop=shop, plan_id=plan.pk, status="paused")
    assert autobid_tick(now=timezone.now() + timedelta(hours=3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    # resumed now: only the hours since the change count
    assert autobid_tick(now=timezone.now() + timedelta(hours=1)) == 1


def test_the_job_is_registered():
    from wanshang.common.scheduler import jobs

    assert "ads.autobid_tick" in {j.name for j in jobs()}


def test_derived_words_skip_single_characters_and_numbers(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop, title="2025 夏季 女 碎花连衣裙")
    words = [w for w, _ in autoplans.derived_words(product)]
    assert "女" not in words and "2025" not in words and words
    assert len(words) <= autoplans.KEYWORDS_PER_PRODUCT


# --- keywords re-derived when the product is edited ----------------------------------------------------------


def _edit_title(client, product, title):
    """The seller's product edit (PUT /api/seller/products/{id}), the SKU kept, its after-commit work run."""
    sku = product.skus.filter(is_active=True).first()
    payload = {
        "title": title,
        "category_id": product.category_id,
        "skus": [{"spec_values": [], "price_fen": sku.price_fen}],
    }
    return client.put(f"/api/seller/products/{product.pk}", payload, content_type="application/json")


def test_a_new_title_re_derives_the_goal_plans_keywords_through_the_product_edit(
    live_auto, client, django_capture_on_commit_callbacks
):
    shop, plan, product = live_auto(title="夏季碎花连衣裙", pacing="accelerated")
    assert [a.plan_id for a in serve("碎花")] == [plan.pk]
    assert serve("羊毛 围巾") == []
    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit_title(client, product, "冬季羊毛围巾")
    assert response.status_code == 200, response.json()
    words = dict(AdKeyword.objects.filter(group__plan=plan).values_list("word", "status"))
    assert words["围巾"] == "active" and words["碎花"] == "paused"  # paused, not deleted: clicks refer to it
    assert words["连衣裙"] == "active"  # the category's name is still the product's
    # the serving index was rebuilt: the ad follows the new title
    assert [a.plan_id for a in serve("羊毛 围巾")] == [plan.pk]
    assert serve("碎花") == []


def test_the_refresh_is_idempotent_and_leaves_other_plans_alone(
    live_auto, make_shop, make_plan, make_group, make_product, django_capture_on_commit_callbacks
):
    from wanshang.catalog.models import Product

    shop, plan, product = live_auto(title="夏季碎花连衣裙")
    keyword_plan = make_plan(shop)
    group = make_group(shop, keyword_plan, product=product)
    from wanshang.ads.services import KeywordInput, keywords_add

    keywords_add(shop=shop, group_id=group.pk, rows=[KeywordInput(word="连衣裙", match_type="broad")])
    Product.objects.filter(pk=product.pk).update(title="冬季羊毛围巾")
    assert autoplans.autoplan_keywords_refresh(product_id=product.pk) == 1
    snapshot = sorted(AdKeyword.objects.filter(group__plan=plan).values_list("word", "status", "pk"))
    assert autoplans.autoplan_keywords_refresh(product_id=product.pk) == 0  # a replayed event
    assert sorted(AdKeyword.objects.filter(group__plan=plan).values_list("word", "status", "pk")) == snapshot
    # a keyword plan's words are the merchant's own: untouched
    assert list(AdKeyword.objects.filter(group=group).values_list("word", "status")) == [("连衣裙", "active")]
    assert autoplans.autoplan_keywords_refresh(product_id=make_product(shop).pk) == 0  # in no goal plan


def test_an_ended_goal_plan_keeps_its_keywords(live_auto, django_capture_on_commit_callbacks):
    from wanshang.catalog.models import Product

    shop, plan, product = live_auto(title="夏季碎花连衣裙")
    with django_capture_on_commit_callbacks(execute=True):
        plan_set_status(shop=shop, plan_id=plan.pk, status="ended")
    Product.objects.filter(pk=product.pk).update(title="冬季羊毛围巾")
    assert autoplans.autoplan_keywords_refresh(product_id=product.pk) == 0
    assert not AdKeyword.objects.filter(group__plan=plan, word="围巾").exists()


def test_the_product_saved_subscription_is_registered():
    from wanshang.ads.subscribers import SUBSCRIPTIONS, on_product_saved
    from wanshang.common import events
    from wanshang.common.domain_events import ProductSaved

    assert (ProductSaved, on_product_saved, events.AFTER_COMMIT) in SUBSCRIPTIONS
