"""The 文案工具 part of tests/test_api_responses.py: a product's FABE modules, the title, ad-title and button
checks, the visual brief and the shop's selling-point order through /api/seller/copywriting/…, each answer
checked against the documented schema, plus refusals (bad input, another shop's product)."""


def seller_copywriting(contract, owner, B: str, product, theirs) -> None:
    C = f"{B}/copywriting"
    p = {"product_id": product.pk}
    fabe = f"{C}/products/{{product_id}}/fabe"
    modules = [
        {"kind": "feature", "heading": "法式碎花", "lines": ["复古碎花印染", "收腰显瘦"]},
        {"kind": "benefit", "heading": "夏天清爽", "lines": ["透气不闷汗", "立即购买"]},
    ]
    contract.call(owner, "get", fabe, path=p, expect=200)
    contract.call(owner, "put", fabe, path=p, body={"modules": modules}, expect=200)
    too_many = [{"kind": "feature", "heading": "面料", "lines": ["一", "二", "三", "四"]}]
    contract.call(owner, "put", fabe, path=p, body={"modules": too_many}, expect=400)
    contract.call(owner, "put", fabe, path=p, body={"modules": [{"kind": "feature"}]}, expect=422)
    got = contract.call(owner, "get", fabe, path=p, expect=200)
    assert got["modules"] and got["button_findings"]
    contract.call(owner, "post", f"{fabe}/apply", path=p, body={"mode": "append"}, expect=200)
    contract.call(owner, "post", f"{fabe}/apply", path=p, body={"mode": "bogus"}, expect=400)
    contract.call(owner, "get", fabe, path={"product_id": theirs.pk}, expect=404)

    contract.call(owner, "post", f"{C}/title-check", body={"title": "连衣裙 连衣裙"}, expect=200)
    contract.call(owner, "post", f"{C}/title-check", body={"title": ""}, expect=400)
    contract.call(owner, "get", f"{C}/products/{{product_id}}/title-check", path=p, expect=200)
    body = {"product_id": product.pk, "title": "夏日好物"}
    contract.call(owner, "post", f"{C}/ad-title-check", body=body, expect=200)
    contract.call(owner, "post", f"{C}/ad-title-check", body={**body, "product_id": theirs.pk}, expect=404)
    contract.call(owner, "post", f"{C}/button-check", body={"text": "立即购买\n点击这里"}, expect=200)
    contract.call(owner, "post", f"{C}/button-check", body={"text": ""}, expect=400)

    brief = f"{C}/products/{{product_id}}/brief"
    contract.call(owner, "get", brief, path=p, expect=200)
    contract.call(owner, "get", brief, path=p, query={"order": "size,function"}, expect=200)
    contract.call(owner, "get", brief, path={"product_id": theirs.pk}, expect=404)
    order = ["size", "function", "material", "after_sales"]
    contract.call(owner, "put", f"{C}/settings", body={"point_order": order}, expect=200)
    contract.call(owner, "put", f"{C}/settings", body={"point_order": ["size"]}, expect=400)
    contract.call(owner, "get", f"{C}/settings", expect=200)
