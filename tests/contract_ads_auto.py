"""The 全站推广 part of tests/test_api_responses.py: /api/seller/ads/auto-plans… created, edited and reported
through the API against the documented schemas, plus their refusals."""

from django.utils import timezone


def seller_ads_auto(contract, owner, B: str, shop, make_product) -> None:
    product = make_product(shop, title="真丝印花连衣裙")
    body = {
        "name": "全站推广",
        "product_ids": [product.pk],
        "daily_budget_fen": 5_000,
        "target_roas_centi": 300,
        "start_date": timezone.localdate().isoformat(),
    }
    plan = contract.call(owner, "post", f"{B}/ads/auto-plans", body=body, expect=201)
    contract.call(owner, "post", f"{B}/ads/auto-plans", body={**body, "target_roas_centi": 0}, expect=400)
    contract.call(owner, "post", f"{B}/ads/auto-plans", body={**body, "product_ids": "x"}, expect=422)
    contract.call(owner, "get", f"{B}/ads/auto-plans", expect=200)
    path = {"plan_id": plan["id"]}
    contract.call(owner, "get", f"{B}/ads/auto-plans/{{plan_id}}", path=path, expect=200)
    contract.call(owner, "get", f"{B}/ads/auto-plans/{{plan_id}}", path={"plan_id": 999_999}, expect=404)
    contract.call(
        owner,
        "put",
        f"{B}/ads/auto-plans/{{plan_id}}",
        path=path,
        body={**body, "target_roas_centi": 250},
        expect=200,
    )
    contract.call(
        owner, "get", f"{B}/ads/auto-plans/{{plan_id}}/report", path=path, query={"days": 14}, expect=200
    )
    contract.call(
        owner, "get", f"{B}/ads/auto-plans/{{plan_id}}/report", path=path, query={"days": 0}, expect=422
    )
