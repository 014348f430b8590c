"""The 图片体检 part of tests/test_api_responses.py: every /api/seller/image-… and /api/platform/image-… route
called with rows, its answers validated against the OpenAPI document (docs/image-checks.md)."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post_files(contract, client, template: str, files: dict, expect: int, path: dict | None = None):
    url = template.format(**(path or {}))
    response = client.post(url, files)
    where = f"POST {url} → {response.status_code}"
    assert response.status_code == expect, f"{where}: {response.content.decode(errors='replace')[:500]}"
    contract.validate(response, "post", template, where)
    contract.called.add(("post", template))
    return response.json()


def _picture(shop, seed: int):
    from wanshang.media.services import image_upload
    from wanshang.media.tests.conftest import encoded, scene

    return image_upload(shop=shop, file=SimpleUploadedFile("p.jpg", encoded(scene(seed))), by=shop.owner)


def seller_image_checks(contract, owner, B: str, shop, make_product) -> None:
    """A product with too few 主图 (a problem), a declaration marked, given its file, withdrawn; refusals."""
    product = make_product(shop, title="图片体检的商品")
    contract.call(owner, "get", f"{B}/image-problems", expect=200)
    contract.call(
        owner, "get", f"{B}/image-problems", query={"kind": "too_few", "on_sale": "true"}, expect=200
    )
    contract.call(owner, "get", f"{B}/image-problems", query={"kind": "bogus"}, expect=422)
    contract.call(owner, "get", f"{B}/image-problems/summary", expect=200)
    one = f"{B}/products/{{product_id}}/image-problems"
    contract.call(owner, "get", one, path={"product_id": product.pk}, expect=200)
    contract.call(owner, "get", one, path={"product_id": 10**9}, expect=404)

    asset = _picture(shop, 21)
    D = f"{B}/image-declarations"
    marked = _post_files(
        contract, owner, D, {"asset_id": asset.pk, "kind": "brand", "subject": "某品牌"}, 201
    )
    _post_files(contract, owner, D, {"asset_id": asset.pk, "kind": "brand"}, 409)
    _post_files(contract, owner, D, {"asset_id": 10**9, "kind": "portrait"}, 404)
    _post_files(contract, owner, D, {"asset_id": asset.pk, "kind": "logo"}, 422)
    bad = SimpleUploadedFile("授权.pdf", b"not a pdf", content_type="application/pdf")
    _post_files(contract, owner, D, {"asset_id": asset.pk, "kind": "portrait", "file": bad}, 400)
    withdrawn = _post_files(contract, owner, D, {"asset_id": asset.pk, "kind": "portrait"}, 201)
    contract.call(
        owner, "delete", f"{D}/{{declaration_id}}", path={"declaration_id": withdrawn["id"]}, expect=204
    )
    at = {"declaration_id": marked["id"]}
    pdf = SimpleUploadedFile("授权书.pdf", PDF, content_type="application/pdf")
    _post_files(contract, owner, f"{D}/{{declaration_id}}/file", {"file": pdf}, 200, path=at)
    _post_files(contract, owner, f"{D}/{{declaration_id}}/file", {}, 422, path=at)
    contract.call(owner, "delete", f"{D}/{{declaration_id}}", path=at, expect=409)
    contract.call(owner, "get", D, expect=200)
    contract.call(owner, "get", D, query={"status": "pending"}, expect=200)
    contract.call(owner, "get", f"{D}/{{declaration_id}}", path=at, expect=200)
    contract.call(owner, "get", f"{D}/{{declaration_id}}", path={"declaration_id": 10**9}, expect=404)


def platform_image_checks(contract, op, P: str, make_shop) -> None:
    """Two shops with the same picture (a pair), a declaration waiting; decide and review, with refusals."""
    from wanshang.media.services import declaration_mark

    first, second = make_shop(), make_shop()
    _picture(first, 31)
    copy = _picture(second, 31)
    pairs = contract.call(op, "get", f"{P}/image-duplicates", expect=200)
    contract.call(op, "get", f"{P}/image-duplicates", query={"status": "bogus"}, expect=422)
    decide = f"{P}/image-duplicates/{{duplicate_id}}/decide"
    pair = {"duplicate_id": pairs["items"][0]["id"]}
    contract.call(op, "post", decide, path=pair, body={"decision": "case"}, expect=400)
    contract.call(op, "post", decide, path=pair, body={"decision": "case", "note": "已通知店铺"}, expect=200)
    contract.call(op, "post", decide, path=pair, body={"decision": "dismiss"}, expect=409)
    contract.call(op, "post", decide, path={"duplicate_id": 10**9}, body={"decision": "dismiss"}, expect=404)

    waiting = declaration_mark(
        shop=second, by=second.owner, asset_id=copy.pk, kind="portrait", file=SimpleUploadedFile("a.pdf", PDF)
    )
    contract.call(op, "get", f"{P}/image-declarations", expect=200)
    review = f"{P}/image-declarations/{{declaration_id}}/review"
    at = {"declaration_id": waiting.pk}
    contract.call(op, "post", review, path=at, body={"decision": "reject"}, expect=400)
    contract.call(
        op, "post", review, path=at, body={"decision": "reject", "reason": "授权书无公章"}, expect=200
    )
    contract.call(op, "post", review, path=at, body={"decision": "approve"}, expect=409)
    contract.call(op, "post", review, path=at, body={"decision": "maybe"}, expect=422)
