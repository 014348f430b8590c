"""推广中心 on the platform: the ad rules (page and API), the accounts list, an account's ledger, the audited
adjustment and the refund of an invalid click; bad input refused with nothing changed; operators only."""

import pytest
from django.urls import reverse

from wanshang.ads import selectors

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def funded(shop):
    from wanshang.ads.services import topup_create
    from wanshang.payments.services import sandbox_pay

    topup = topup_create(shop=shop, user=shop.owner, amount_fen=5_000)
    sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no)
    return shop


def test_settings_page_and_api(op_client):
    page = op_client.get(reverse("platform:ads"))
    assert page.status_code == 200 and "推广设置" in page.text
    data = {
        "reserve_price_fen": "0.20",
        "max_bid_fen": "50",
        "slot_positions": "1, 5, 9",
        "click_dedup_minutes": "60",
        "attribution_days": "7",
        "max_keywords_per_group": "100",
        "min_topup_fen": "10",
        "max_topup_fen": "10000",
        "trust_words": "官方,正品",
    }
    assert op_client.post(reverse("platform:ads"), data).status_code == 302
    rules = selectors.ad_settings()
    assert (rules.reserve_price_fen, rules.max_bid_fen, rules.slot_positions, rules.attribution_days) == (
        20,
        5000,
        [1, 5, 9],
        7,
    )
    bad = op_client.post(reverse("platform:ads"), {**data, "reserve_price_fen": "60"})
    assert bad.status_code == 400 and "底价" in bad.text
    for slots in ("1,²", "1,٣", "9" * 30):  # digits to str.isdigit() (not all to int()); past bigint
        bad = op_client.post(reverse("platform:ads"), {**data, "slot_positions": slots})
        assert bad.status_code == 400, slots
        assert selectors.ad_settings().slot_positions == [1, 5, 9]
    assert selectors.ad_settings().reserve_price_fen == 20

    response = op_client.patch("/api/platform/ads/settings", {"attribution_days": 15}, content_type=JSON)
    assert response.status_code == 200 and response.json()["attribution_days"] == 15
    for body in (
        {"attribution_days": 0},
        {"slot_positions": [1, 1]},
        {"max_bid_fen": 1},
        {"trust_words": [""]},
        {"max_topup_fen": 2**62},  # a balance of such top-ups overflows the 64-bit column
    ):
        response = op_client.patch("/api/platform/ads/settings", body, content_type=JSON)
        assert response.status_code == 400, body
    assert op_client.patch("/api/platform/ads/settings", {"nope": 1}, content_type=JSON).status_code == 422
    assert selectors.ad_settings().attribution_days == 15


def test_adjustment_page_is_audited_and_never_overdraws(op_client, operator, funded):
    page = op_client.get(reverse("platform:ads"))
    assert funded.name in page.text
    url = reverse("platform:ads_adjust", args=[funded.pk])
    ok = op_client.post(url, {"direction": "debit", "amount": "20", "reason": "冲正", "reference": "ADJ-1"})
    assert ok.status_code == 302
    again = op_client.post(
        url, {"direction": "debit", "amount": "20", "reason": "冲正", "reference": "ADJ-1"}
    )
    assert again.status_code == 409
    too_much = op_client.post(
        url, {"direction": "debit", "amount": "31", "reason": "x", "reference": "ADJ-2"}
    )
    assert too_much.status_code == 400 and "超过账户余额" in too_much.text
    no_reason = op_client.post(
        url, {"direction": "credit", "amount": "1", "reason": "", "reference": "ADJ-3"}
    )
    assert no_reason.status_code == 400
    assert selectors.account_balance(shop=funded) == 3_000
    [entry] = [e for e in selectors.ledger_list(shop=funded) if e.kind == "adjust"]
    assert (entry.amount_fen, entry.actor, entry.note) == (-2_000, operator, "冲正")
    page = op_client.get(reverse("platform:ads_account", args=[funded.pk]))
    assert "冲正" in page.text and "30.00" in page.text


def test_api_accounts_ledger_adjust_and_refund(op_client, funded, make_product):
    from django.utils import timezone

    from wanshang.ads.services import PlanInput, ad_charge, group_create, plan_create

    plan = plan_create(
        shop=funded, data=PlanInput(name="p", daily_budget_fen=1000, start_date=timezone.localdate())
    )
    group = group_create(
        shop=funded, plan_id=plan.pk, product_id=make_product(funded).pk, default_bid_fen=100
    )
    ad_charge(group_id=group.pk, price_fen=70, ref="clk-9")
    accounts = op_client.get("/api/platform/ads/accounts").json()
    assert accounts["items"][0]["balance_fen"] == 4_930
    response = op_client.post(
        f"/api/platform/ads/accounts/{funded.pk}/refunds",
        {"charge_ref": "clk-9", "reason": "刷单"},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["amount_fen"] == 70
    again = op_client.post(
        f"/api/platform/ads/accounts/{funded.pk}/refunds",
        {"charge_ref": "clk-9", "reason": "x"},
        content_type=JSON,
    )
    assert again.status_code == 409
    missing = op_client.post(
        f"/api/platform/ads/accounts/{funded.pk}/refunds",
        {"charge_ref": "nope", "reason": "x"},
        content_type=JSON,
    )
    assert missing.status_code == 404
    response = op_client.post(
        f"/api/platform/ads/accounts/{funded.pk}/adjustments",
        {"amount_fen": 1_000, "reason": "活动补贴", "reference": "A1"},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["balance_after_fen"] == 6_000
    bad = op_client.post(
        f"/api/platform/ads/accounts/{funded.pk}/adjustments",
        {"amount_fen": -(10**7), "reason": "x", "reference": "A2"},
        content_type=JSON,
    )
    assert bad.status_code == 400
    ledger = op_client.get(f"/api/platform/ads/accounts/{funded.pk}/ledger").json()
    assert ledger["count"] == 4 and selectors.ledger_sum_matches_balance(shop=funded)
    assert op_client.get("/api/platform/ads/accounts/999999/ledger").status_code == 404


def test_operators_only(client, funded, login_client):
    assert client.get("/api/platform/ads/settings").status_code == 401
    shop_owner = login_client(funded.owner)
    assert shop_owner.get(reverse("platform:ads")).status_code == 403
    assert shop_owner.get("/api/platform/ads/accounts").status_code == 403
