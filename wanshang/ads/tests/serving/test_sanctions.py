"""体检中心 禁止推广 (docs/health.md): a sanctioned shop's plans do not serve, and it can neither start a plan nor
top up its account; lifting the sanction brings its live plans back."""

import pytest

from wanshang.ads import serving
from wanshang.ads.services import plan_set_status, topup_create
from wanshang.ads.tests.serving.conftest import serve
from wanshang.common.errors import PermissionDenied
from wanshang.merchants.services import shop_sanction_clear, shop_sanction_set

pytestmark = pytest.mark.django_db


def _sanction(shop, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shop_sanction_set(shop_id=shop.pk, kind=kind, reason="体检中心扣分达到处罚线")
        serving.serving_invalidate()


def test_a_sanctioned_shops_plans_do_not_serve(live_ad, django_capture_on_commit_callbacks):
    shop, _plan, group, _kws = live_ad()
    _s2, _p2, other, _k2 = live_ad(bid=90)
    assert {a.group_id for a in serve("连衣裙")} == {group.pk, other.pk}

    _sanction(shop, "no_ads", django_capture_on_commit_callbacks)
    assert [a.group_id for a in serve("连衣裙")] == [other.pk]

    with django_capture_on_commit_callbacks(execute=True):
        shop_sanction_clear(shop_id=shop.pk, kind="no_ads")
        serving.serving_invalidate()
    assert {a.group_id for a in serve("连衣裙")} == {group.pk, other.pk}


def test_the_refresh_job_notices_a_sanction_without_an_invalidation(live_ad):
    shop, _plan, group, _kws = live_ad()
    serving.serving_refresh()
    assert [a.group_id for a in serve("连衣裙")] == [group.pk]
    shop_sanction_set(shop_id=shop.pk, kind="no_ads", reason="体检中心扣分达到处罚线")
    assert serving.serving_refresh() == 1  # the sanctioned shops are part of the fingerprint
    assert serve("连衣裙") == []


def test_a_sanctioned_shop_cannot_start_a_plan_or_top_up(
    make_shop, make_plan, fund, django_capture_on_commit_callbacks
):
    shop = make_shop()
    fund(shop, 10_000)
    plan = make_plan(shop)
    _sanction(shop, "no_ads", django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied, match="禁止推广"):
        plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    with pytest.raises(PermissionDenied, match="禁止推广"):
        topup_create(shop=shop, user=shop.owner, amount_fen=10_000)
    plan.refresh_from_db()
    assert plan.status == "draft"
    shop_sanction_set(shop_id=shop.pk, kind="search_demote", reason="只是降权")
    shop_sanction_clear(shop_id=shop.pk, kind="no_ads")
    assert plan_set_status(shop=shop, plan_id=plan.pk, status="active").status == "active"
