"""The 推广中心 part of tests/test_api_responses.py: every /api/seller/ads and /api/platform/ads route called with
rows, its answers validated against the OpenAPI document (kept here so that file stays one list of calls)."""

from django.utils import timezone


def seller_ads(contract, owner, B: str, shop, make_product) -> dict:
    """A top-up paid in the sandbox, a plan with a group, keywords, negatives and a creative; the refusals."""
    from wanshang.ads.services import ad_charge

    topup = contract.call(owner, "post", f"{B}/ads/topups", body={"amount_fen": 10_000}, expect=201)
    contract.call(owner, "post", f"{B}/ads/topups", body={"amount_fen": -1}, expect=400)
    no = {"payment_no": topup["payment_no"]}
    contract.call(owner, "post", f"{B}/ads/topups/{{payment_no}}/sandbox-pay", path=no, expect=200)
    contract.call(owner, "post", f"{B}/ads/topups/{{payment_no}}/sandbox-pay", path=no, expect=409)
    contract.call(owner, "get", f"{B}/ads/topups", expect=200)
    contract.call(owner, "get", f"{B}/ads/account", expect=200)

    body = {"name": "连衣裙推广", "daily_budget_fen": 3000, "start_date": timezone.localdate().isoformat()}
    plan = contract.call(owner, "post", f"{B}/ads/plans", body=body, expect=201)
    contract.call(owner, "post", f"{B}/ads/plans", body={**body, "daily_budget_fen": 0}, expect=400)
    contract.call(owner, "post", f"{B}/ads/plans", body={**body, "start_date": "x"}, expect=422)
    p = {"plan_id": plan["id"]}
    contract.call(owner, "get", f"{B}/ads/plans", expect=200)
    contract.call(owner, "get", f"{B}/ads/plans/{{plan_id}}", path=p, expect=200)
    contract.call(owner, "get", f"{B}/ads/plans/{{plan_id}}", path={"plan_id": 999999}, expect=404)
    contract.call(
        owner, "put", f"{B}/ads/plans/{{plan_id}}", path=p, body={**body, "name": "连衣裙"}, expect=200
    )
    contract.call(
        owner, "post", f"{B}/ads/plans/{{plan_id}}/status", path=p, body={"status": "active"}, expect=200
    )
    contract.call(
        owner, "post", f"{B}/ads/plans/{{plan_id}}/status", path=p, body={"status": "draft"}, expect=409
    )

    product = make_product(shop, title="法式碎花连衣裙 夏", images=["/media/dress.jpg"])
    group = contract.call(
        owner,
        "post",
        f"{B}/ads/plans/{{plan_id}}/groups",
        path=p,
        body={"product_id": product.pk, "default_bid_fen": 90},
        expect=201,
    )
    contract.call(owner, "get", f"{B}/ads/plans/{{plan_id}}/groups", path=p, expect=200)
    g = {"group_id": group["id"]}
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}", path=g, expect=200)
    contract.call(
        owner, "patch", f"{B}/ads/groups/{{group_id}}", path=g, body={"default_bid_fen": 100}, expect=200
    )
    words = contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/keywords",
        path=g,
        body={
            "keywords": [
                {"word": "碎花连衣裙", "bid_fen": 120, "match_type": "phrase"},
                {"word": "法式连衣裙"},
            ]
        },
        expect=201,
    )
    contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/keywords",
        path=g,
        body={"keywords": [{"word": "碎花连衣裙"}]},
        expect=400,
    )
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}/keywords", path=g, expect=200)
    k = {"keyword_id": words[1]["id"]}
    contract.call(
        owner, "patch", f"{B}/ads/keywords/{{keyword_id}}", path=k, body={"bid_fen": 110}, expect=200
    )
    contract.call(
        owner, "patch", f"{B}/ads/keywords/{{keyword_id}}", path=k, body={"bid_fen": -1}, expect=400
    )
    contract.call(
        owner, "post", f"{B}/ads/plans/{{plan_id}}/negatives", path=p, body={"word": "二手"}, expect=201
    )
    contract.call(owner, "get", f"{B}/ads/plans/{{plan_id}}/negatives", path=p, expect=200)
    negative = contract.call(
        owner, "post", f"{B}/ads/groups/{{group_id}}/negatives", path=g, body={"word": "童装"}, expect=201
    )
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}/negatives", path=g, expect=200)
    contract.call(
        owner,
        "delete",
        f"{B}/ads/negatives/{{negative_id}}",
        path={"negative_id": negative["id"]},
        expect=204,
    )
    creative = contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/creatives",
        path=g,
        body={"title": "青禾官方碎花连衣裙", "image_url": "/media/dress.jpg"},
        expect=201,
    )
    contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/creatives",
        path=g,
        body={"title": "x", "image_url": "/elsewhere.jpg"},
        expect=400,
    )
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}/creatives", path=g, expect=200)
    ad_charge(group_id=group["id"], keyword_id=words[0]["id"], price_fen=85, ref="contract-click-1")
    contract.call(owner, "get", f"{B}/ads/ledger", query={"kind": "charge"}, expect=200)
    contract.call(
        owner,
        "delete",
        f"{B}/ads/creatives/{{creative_id}}",
        path={"creative_id": creative["id"]},
        expect=204,
    )
    contract.call(owner, "delete", f"{B}/ads/keywords/{{keyword_id}}", path=k, expect=204)
    return {"charge_ref": "contract-click-1"}


def platform_ads(contract, op, P: str, shop) -> None:
    """The rules, the accounts and a ledger, an adjustment and an invalid-click refund (the shop has charges)."""
    from wanshang.ads.services import (
        PlanInput,
        ad_charge,
        group_create,
        plan_create,
        topup_create,
        topup_pay_sandbox,
    )
    from wanshang.catalog.selectors import seller_product_list

    topup = topup_create(shop=shop, user=shop.owner, amount_fen=5_000)
    topup_pay_sandbox(shop=shop, payment_no=topup.payment_no)
    plan = plan_create(
        shop=shop, data=PlanInput(name="p", daily_budget_fen=2000, start_date=timezone.localdate())
    )
    product = seller_product_list(shop=shop, status="on_sale").first()
    group = group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=100)
    ad_charge(group_id=group.pk, price_fen=60, ref="platform-contract-1")

    contract.call(op, "get", f"{P}/ads/settings", expect=200)
    contract.call(op, "get", f"{P}/ads/report", query={"days": 7}, expect=200)
    contract.call(
        op, "get", f"{P}/ads/report", query={"start": "2026-01-05", "end": "2026-01-01"}, expect=400
    )
    contract.call(op, "get", f"{P}/ads/report", query={"days": 0}, expect=422)
    contract.call(op, "patch", f"{P}/ads/settings", body={"attribution_days": 10}, expect=200)
    contract.call(op, "patch", f"{P}/ads/settings", body={"attribution_days": 0}, expect=400)
    contract.call(op, "get", f"{P}/ads/accounts", expect=200)
    s = {"shop_id": shop.pk}
    contract.call(op, "get", f"{P}/ads/accounts/{{shop_id}}/ledger", path=s, expect=200)
    contract.call(op, "get", f"{P}/ads/accounts/{{shop_id}}/ledger", path={"shop_id": 999999}, expect=404)
    body = {"amount_fen": -100, "reason": "冲正", "reference": "contract-adj"}
    contract.call(op, "post", f"{P}/ads/accounts/{{shop_id}}/adjustments", path=s, body=body, expect=201)
    contract.call(op, "post", f"{P}/ads/accounts/{{shop_id}}/adjustments", path=s, body=body, expect=409)
    refund = {"charge_ref": "platform-contract-1", "reason": "机器人点击"}
    contract.call(op, "post", f"{P}/ads/accounts/{{shop_id}}/refunds", path=s, body=refund, expect=201)
    contract.call(op, "post", f"{P}/ads/accounts/{{shop_id}}/refunds", path=s, body=refund, expect=409)
