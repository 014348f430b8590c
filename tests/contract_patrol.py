"""The 日常巡检 part of tests/test_api_responses.py: /api/seller/patrol… and /api/platform/patrol, called with a
report that has findings (a product whose search document is stale, one without a picture), plus refusals."""

from django.test import Client


def _report(shop, make_product):
    from wanshang.catalog.models import Product
    from wanshang.patrol.services import patrol_run_shop

    product = make_product(shop, title="巡检测试连衣裙")
    Product.objects.filter(pk=product.pk).update(title="巡检测试半身裙")  # the index did not hear of it
    return patrol_run_shop(shop=shop)


def seller_patrol(contract, owner, B: str, shop, make_product, stranger) -> None:
    report = _report(shop, make_product)
    latest = contract.call(owner, "get", f"{B}/patrol", expect=200)
    assert latest["report"]["id"] == report.pk and latest["groups"]
    contract.call(owner, "get", f"{B}/patrol/reports", expect=200)
    contract.call(
        owner, "get", f"{B}/patrol/reports/{{report_id}}", path={"report_id": report.pk}, expect=200
    )
    contract.call(owner, "get", f"{B}/patrol/reports/{{report_id}}", path={"report_id": 10**9}, expect=404)
    search = next(f for g in latest["groups"] if g["kind"] == "stale_search" for f in g["findings"])
    image = next(f for g in latest["groups"] if g["kind"] == "image" for f in g["findings"])
    fix = f"{B}/patrol/findings/{{finding_id}}/fix"
    contract.call(stranger, "post", fix, path={"finding_id": search["id"]}, expect=404)  # another shop's
    contract.call(owner, "post", fix, path={"finding_id": image["id"]}, expect=409)  # no one-click fix
    fixed = contract.call(owner, "post", fix, path={"finding_id": search["id"]}, expect=200)
    assert fixed["status"] == "fixed"
    contract.call(owner, "post", fix, path={"finding_id": search["id"]}, expect=409)
    contract.call(Client(), "get", f"{B}/patrol", expect=401)


def platform_patrol(contract, op, P: str, shop, make_product) -> None:
    _report(shop, make_product)
    rows = contract.call(op, "get", f"{P}/patrol", expect=200)["items"]
    assert rows[0]["shop_id"] == shop.pk and rows[0]["open_count"] >= 1
