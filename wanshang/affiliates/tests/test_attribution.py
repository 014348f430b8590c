"""Attribution: the last click of the order's visitor on a link of its shop within the window wins."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.affiliates.models import Click, Commission
from wanshang.affiliates.services import (
    click_record,
    invitation_answer,
    link_create,
    plan_end,
    product_rate_set,
    promoter_invite,
)

pytestmark = pytest.mark.django_db


def test_paid_order_without_click_earns_no_commission(buyer, aff_product, place_paid):
    order = place_paid(buyer, aff_product)
    assert not Commission.objects.filter(order=order).exists()


def test_last_click_wins(buyer, aff_product, make_promoter, click_for, place_paid):
    first, second = make_promoter(), make_promoter(name="抖音小达人")
    now = timezone.now()
    click_for(first, aff_product, buyer=buyer, at=now - timedelta(days=3))
    click_for(second, aff_product, buyer=buyer, at=now - timedelta(days=1))
    order = place_paid(buyer, aff_product, qty=2)
    commission = Commission.objects.get(order=order)
    assert commission.promoter == second
    assert commission.status == Commission.Status.ESTIMATED
    # ¥198 of goods at 10%: ¥19.80; the platform's 10% fee rounded down, the promoter keeps the rest
    assert (commission.base_fen, commission.amount_fen, commission.fee_fen, commission.earning_fen) == (
        19800,
        1980,
        198,
        1782,
    )


def test_click_before_the_window_is_ignored(settings, buyer, aff_product, promoter, click_for, place_paid):
    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_WINDOW_DAYS": 15}
    click_for(promoter, aff_product, buyer=buyer, at=timezone.now() - timedelta(days=16))
    order = place_paid(buyer, aff_product)
    assert not Commission.objects.filter(order=order).exists()


def test_click_inside_the_window_counts(settings, buyer, aff_product, promoter, click_for, place_paid):
    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_WINDOW_DAYS": 15}
    click_for(promoter, aff_product, buyer=buyer, at=timezone.now() - timedelta(days=14))
    assert Commission.objects.get(order=place_paid(buyer, aff_product)).promoter == promoter


def test_click_on_another_shop_does_not_attribute(
    buyer, aff_product, other_shop, make_product, promoter, click_for, place_paid
):
    from wanshang.affiliates.services import shop_rate_set

    shop_rate_set(shop=other_shop, rate_bps=2000)
    elsewhere = make_product(other_shop)
    click_for(promoter, elsewhere, buyer=buyer)
    assert not Commission.objects.filter(order=place_paid(buyer, aff_product)).exists()


def test_a_shop_without_plan_pays_nothing(buyer, shop, make_product, promoter, click_for, place_paid):
    product = make_product(shop)
    click_for(promoter, product, buyer=buyer)
    assert not Commission.objects.filter(order=place_paid(buyer, product)).exists()


def test_rate_precedence_targeted_over_product_over_shop(
    buyer, shop, aff_product, promoter, click_for, place_paid
):
    product_rate_set(shop=shop, product_id=aff_product.pk, rate_bps=1500)
    click_for(promoter, aff_product, buyer=buyer)
    line = Commission.objects.get(order=place_paid(buyer, aff_product)).lines.get()
    assert (line.plan_kind, line.rate_bps) == ("product", 1500)

    plan = promoter_invite(shop=shop, promoter_code=promoter.code, rate_bps=3000)
    line = Commission.objects.get(order=place_paid(buyer, aff_product)).lines.get()
    assert line.plan_kind == "product"  # an invitation not yet accepted changes nothing
    invitation_answer(promoter=promoter, plan_id=plan.pk, accept=True)
    line = Commission.objects.get(order=place_paid(buyer, aff_product)).lines.get()
    assert (line.plan_kind, line.rate_bps) == ("targeted", 3000)
    plan_end(shop=shop, plan_id=plan.pk)
    line = Commission.objects.get(order=place_paid(buyer, aff_product)).lines.get()
    assert line.plan_kind == "product"


def test_click_is_deduplicated_per_visitor_in_the_window(aff_product, promoter):
    link = link_create(promoter=promoter, product_id=aff_product.pk)
    now = timezone.now()
    kw = {"code": link.code, "visitor": "v-abc", "product_id": aff_product.pk, "shop_id": aff_product.shop_id}
    assert click_record(now=now, **kw) is not None
    assert click_record(now=now + timedelta(minutes=5), **kw) is None
    assert click_record(now=now + timedelta(minutes=31), **kw) is not None
    assert click_record(now=now, **{**kw, "visitor": "v-other"}) is not None
    assert Click.objects.count() == 3


def test_click_on_a_page_that_is_not_the_links_target_is_ignored(shop, aff_product, make_product, promoter):
    link = link_create(promoter=promoter, product_id=aff_product.pk)
    other = make_product(shop)
    assert click_record(code=link.code, visitor="v1", product_id=other.pk, shop_id=other.shop_id) is None
    assert click_record(code="nope", visitor="v1", product_id=aff_product.pk) is None


def test_visitor_cookie_links_click_to_order(buyer, aff_product, promoter, place_paid):
    """The order carries the checkout's visitor (analytics' cookie): a click by that visitor, logged out."""
    from wanshang.analytics.tracking import Visit, visit_begin, visit_end

    link = link_create(promoter=promoter, product_id=aff_product.pk)
    click_record(code=link.code, visitor="vis-123", product_id=aff_product.pk, shop_id=aff_product.shop_id)
    token = visit_begin(Visit(visitor="vis-123", user_id=buyer.pk))
    try:
        order = place_paid(buyer, aff_product)
    finally:
        visit_end(token)
    assert order.visitor == "vis-123"
    assert Commission.objects.get(order=order).promoter == promoter
