"""The three faces over HTTP: isolation (a promoter sees only their own rows; shop A never sees shop B's plans
or results: 404), bad input (rate out of range, withdrawal above balance or below minimum, applying twice)
answered with a clear 4xx and nothing changed."""

import pytest

from wanshang.affiliates.models import CommissionPlan, Promoter, Withdrawal
from wanshang.affiliates.services import link_create, product_rate_set

pytestmark = pytest.mark.django_db


def test_applying_twice_is_a_409_through_the_api(client, make_user):
    user = make_user()
    client.force_login(user)
    body = {"name": "好物君", "channels": "小红书 @haowu", "audience": "8 万粉丝", "contact": "13700001111"}
    assert client.post("/api/store/promoter/apply", body, content_type="application/json").status_code == 201
    again = client.post("/api/store/promoter/apply", body, content_type="application/json")
    assert again.status_code == 409 and "审核中" in again.json()["detail"]
    assert Promoter.objects.filter(user=user).count() == 1


def test_apply_form_with_missing_fields_is_a_400(client, make_user):
    client.force_login(make_user())
    response = client.post("/promoter/apply/", {"name": "好物君"})
    assert response.status_code == 400
    assert not Promoter.objects.exists()


def test_unapproved_user_gets_403_in_the_promoter_api(client, make_promoter):
    pending = make_promoter(approve=False)
    client.force_login(pending.user)
    response = client.get("/api/store/promoter/summary")
    assert response.status_code == 403 and "待审核" in response.json()["detail"]
    assert client.get("/promoter/").status_code == 302  # the page sends them to the application


def test_promoter_sees_only_their_own_links_and_commissions(client, make_promoter, aff_product):
    mine, theirs = make_promoter(), make_promoter(name="别人")
    link_create(promoter=theirs, product_id=aff_product.pk)
    own = link_create(promoter=mine, product_id=aff_product.pk)
    client.force_login(mine.user)
    items = client.get("/api/store/promoter/links").json()["items"]
    assert [i["code"] for i in items] == [own.code]
    assert f"?aff={own.code}" in items[0]["url"]
    page = client.get("/promoter/links/").content.decode()
    assert own.code in page and link_create(promoter=theirs, product_id=aff_product.pk).code not in page
    # another promoter's invitation cannot be answered
    plan = CommissionPlan.objects.create(
        shop=aff_product.shop, kind="targeted", promoter=theirs, rate_bps=2000, status="invited"
    )
    answer = client.post(
        f"/api/store/promoter/invitations/{plan.pk}", {"decision": "accept"}, "application/json"
    )
    assert answer.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "invited"


def test_withdrawal_above_balance_or_below_minimum_is_a_400(client, promoter):
    client.force_login(promoter.user)
    low = client.post(
        "/api/store/promoter/withdrawals", {"amount_fen": 1, "account": "a@b.cn"}, "application/json"
    )
    assert low.status_code == 400 and low.json()["code"] == "below_minimum"
    high = client.post(
        "/api/store/promoter/withdrawals", {"amount_fen": 100000, "account": "a@b.cn"}, "application/json"
    )
    assert high.status_code == 400 and high.json()["code"] == "insufficient_balance"
    form = client.post("/promoter/withdrawals/", {"amount": "1000", "account": "a@b.cn"})
    assert form.status_code == 400 and "余额不足" in form.content.decode()
    assert not Withdrawal.objects.exists()


def test_seller_rate_out_of_range_is_a_400(client, shop):
    client.force_login(shop.owner)
    api = client.put("/api/seller/affiliates/plans/shop", {"rate_bps": 9900}, "application/json")
    assert api.status_code == 400 and api.json()["code"] == "rate_out_of_range"
    page = client.post("/seller/affiliates/", {"action": "shop_rate", "shop-rate": "99"})
    assert page.status_code == 400 and "之间" in page.content.decode()
    page = client.post("/seller/affiliates/", {"action": "shop_rate", "shop-rate": "abc"})
    assert page.status_code == 400
    assert not CommissionPlan.objects.exists()
    ok = client.post("/seller/affiliates/", {"action": "shop_rate", "shop-rate": "12.5"})
    assert ok.status_code == 302
    assert CommissionPlan.objects.get().rate_bps == 1250


def test_targeted_rate_must_beat_the_shop_rate(client, shop, promoter):
    client.force_login(shop.owner)
    client.put("/api/seller/affiliates/plans/shop", {"rate_bps": 1000}, "application/json")
    low = client.post(
        "/api/seller/affiliates/plans/targeted",
        {"promoter_code": promoter.code, "rate_bps": 800},
        "application/json",
    )
    assert low.status_code == 400 and low.json()["code"] == "rate_too_low"
    unknown = client.post(
        "/api/seller/affiliates/plans/targeted",
        {"promoter_code": "nobody", "rate_bps": 2000},
        "application/json",
    )
    assert unknown.status_code == 404
    ok = client.post(
        "/api/seller/affiliates/plans/targeted",
        {"promoter_code": promoter.code, "rate_bps": 2000},
        "application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "invited"


def test_shop_never_sees_another_shops_plans_or_results(client, shop, other_shop, make_product, promoter):
    theirs = product_rate_set(shop=other_shop, product_id=make_product(other_shop).pk, rate_bps=2000)
    client.force_login(shop.owner)
    assert client.post(f"/api/seller/affiliates/plans/{theirs.pk}/end").status_code == 404
    assert client.post(f"/seller/affiliates/plans/{theirs.pk}/end/").status_code == 404
    other_product = theirs.product_id
    response = client.post(
        "/api/seller/affiliates/plans/products",
        {"product_id": other_product, "rate_bps": 1000},
        "application/json",
    )
    assert response.status_code == 404
    assert client.get("/api/seller/affiliates/plans").json()["product_plans"] == []
    assert client.get("/api/seller/affiliates/results").json()["items"] == []
    assert theirs.product.title not in client.get("/seller/affiliates/").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "active"


def test_platform_reject_needs_a_reason(client, operator, make_promoter):
    pending = make_promoter(approve=False)
    client.force_login(operator)
    page = client.post(f"/platform/affiliates/{pending.pk}/review/", {"decision": "reject", "reason": ""})
    assert page.status_code == 400 and "原因" in page.content.decode()
    api = client.post(
        f"/api/platform/affiliates/promoters/{pending.pk}/review", {"decision": "reject"}, "application/json"
    )
    assert api.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "pending"
    ok = client.post(
        f"/platform/affiliates/{pending.pk}/review/", {"decision": "reject", "reason": "渠道无法核实"}
    )
    assert ok.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == ("rejected", "渠道无法核实")


def test_non_operator_cannot_review(client, make_promoter, make_user):
    pending = make_promoter(approve=False)
    client.force_login(make_user())
    api = client.post(
        f"/api/platform/affiliates/promoters/{pending.pk}/review", {"decision": "approve"}, "application/json"
    )
    assert api.status_code == 403
