"""The 引力魔方 part of tests/test_api_responses.py: an audience plan's settings, its crowd targets and the shop's
crowd packs through /api/seller/ads/…, each answer checked against the documented schema, plus refusals."""

from django.utils import timezone


def seller_ads_audience(contract, owner, B: str, shop) -> None:
    from wanshang.insights.models import CrowdPack

    pack = CrowdPack.objects.create(shop=shop, name="契约人群包", buyer_ids=[1, 2], size=2)
    body = {
        "name": "人群计划",
        "kind": "audience",
        "daily_budget_fen": 3000,
        "start_date": timezone.localdate().isoformat(),
    }
    plan = contract.call(owner, "post", f"{B}/ads/plans", body=body, expect=201)
    p = {"plan_id": plan["id"]}
    setup = f"{B}/ads/plans/{{plan_id}}/audience"
    contract.call(owner, "get", setup, path=p, expect=200)
    contract.call(owner, "put", setup, path=p, body={"billing": "cpm", "frequency_cap": 4}, expect=200)
    contract.call(owner, "put", setup, path=p, body={"billing": "cpm", "frequency_cap": 0}, expect=400)
    contract.call(owner, "get", f"{B}/ads/audience/crowd-packs", expect=200)
    crowds = f"{B}/ads/reports/crowds"  # 人群报表
    contract.call(owner, "get", crowds, query={"plan_id": plan["id"], "days": 30}, expect=200)
    contract.call(owner, "get", crowds, expect=200)
    contract.call(owner, "get", crowds, query={"plan_id": 999_999}, expect=404)
    contract.call(owner, "get", crowds, query={"days": 0}, expect=422)
    targets = f"{B}/ads/plans/{{plan_id}}/audience/targets"
    made = contract.call(
        owner,
        "post",
        targets,
        path=p,
        body={"kind": "pack", "pack_id": pack.pk, "multiplier_pct": 150},
        expect=201,
    )
    contract.call(
        owner, "post", targets, path=p, body={"kind": "competitor", "multiplier_pct": 120}, expect=201
    )
    contract.call(owner, "post", targets, path=p, body={"kind": "similar", "multiplier_pct": 5}, expect=400)
    contract.call(owner, "post", targets, path=p, body={"kind": "similar", "multiplier_pct": "x"}, expect=422)
    contract.call(owner, "get", targets, path=p, expect=200)
    one = f"{B}/ads/audience/targets/{{target_id}}"
    t = {"target_id": made["id"]}
    contract.call(owner, "patch", one, path=t, body={"multiplier_pct": 200}, expect=200)
    contract.call(owner, "delete", one, path=t, expect=204)
    contract.call(owner, "delete", one, path=t, expect=404)
    contract.call(owner, "get", setup, path={"plan_id": 999_999}, expect=404)
