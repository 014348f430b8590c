from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def fund():
    """fund(shop, amount_fen) → the shop's ad account topped up through the sandbox gateway."""
    from wanshang.ads.services import topup_create
    from wanshang.payments.services import sandbox_pay

    def do(shop, amount_fen=10_000):
        topup = topup_create(shop=shop, user=shop.owner, amount_fen=amount_fen)
        assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
        return topup

    return do


@pytest.fixture
def make_plan():
    """make_plan(shop, daily=5000, total=None, **fields) → a draft keyword plan starting today."""
    from wanshang.ads.services import PlanInput, plan_create

    def make(shop, daily=5000, total=None, **fields):
        data = PlanInput(
            name=fields.pop("name", "测试计划"),
            daily_budget_fen=daily,
            total_budget_fen=total,
            start_date=fields.pop("start_date", timezone.localdate()),
            end_date=fields.pop("end_date", timezone.localdate() + timedelta(days=30)),
            **fields,
        )
        return plan_create(shop=shop, data=data)

    return make


@pytest.fixture
def make_group(make_product):
    """make_group(shop, plan, bid=100, product=None) → an ad group of a new product of the shop."""
    from wanshang.ads.services import group_create

    def make(shop, plan, bid=100, product=None):
        product = product or make_product(shop, title="纯棉短袖T恤")
        return group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=bid)

    return make
