"""The 广告法用语 part of tests/test_api_responses.py: every /api/seller/adlaw and /api/platform/adlaw route
called with rows, its answers validated against the OpenAPI document."""

from django.core.files.uploadedfile import SimpleUploadedFile


def _pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def _multipart(contract, client, template: str, data: dict, expect: int) -> dict:
    response = client.post(template, data)
    where = f"POST {template} → {response.status_code}"
    assert response.status_code == expect, f"{where}: {response.content.decode(errors='replace')[:500]}"
    contract.validate(response, "post", template, where)
    contract.called.add(("post", template))
    return response.json()


def seller_adlaw(contract, owner, B: str, shop) -> dict:
    """A coupon name with a warn term recorded, a scan, a claim filed (and a refused one), one withdrawn."""
    from wanshang.adlaw.services import texts_check

    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "全网最低价券"})
    contract.call(owner, "get", f"{B}/adlaw/hits", expect=200)
    contract.call(owner, "get", f"{B}/adlaw/hits", query={"source": "bogus"}, expect=422)
    contract.call(
        owner, "post", f"{B}/adlaw/scan", body={"text": "最 佳好物", "category": "food"}, expect=200
    )
    contract.call(owner, "post", f"{B}/adlaw/scan", body={"text": "x", "category": "toys"}, expect=422)
    claims = f"{B}/adlaw/claims"
    form = {"term": "最佳", "text": "最佳新人奖", "kind": "trademark"}
    claim = _multipart(contract, owner, claims, {**form, "evidence": [_pdf()]}, 201)
    _multipart(contract, owner, claims, {**form, "evidence": [_pdf()]}, 409)
    _multipart(
        contract,
        owner,
        claims,
        {"term": "根治", "text": "根治脚气", "kind": "usage_tip", "evidence": [_pdf()]},
        400,
    )
    _multipart(contract, owner, claims, form, 422)
    withdrawn = _multipart(contract, owner, claims, {**form, "text": "最佳拍档奖", "evidence": [_pdf()]}, 201)
    contract.call(owner, "get", claims, expect=200)
    one = f"{B}/adlaw/claims/{{claim_id}}"
    contract.call(owner, "get", one, path={"claim_id": claim["id"]}, expect=200)
    contract.call(owner, "get", one, path={"claim_id": 10**9}, expect=404)
    contract.call(owner, "post", one + "/withdraw", path={"claim_id": withdrawn["id"]}, expect=200)
    contract.call(owner, "post", one + "/withdraw", path={"claim_id": withdrawn["id"]}, expect=409)
    return claim


def platform_adlaw(contract, op, P: str, shop) -> None:
    """The term list (list, one, add, edit, deactivate, import) and a claim reviewed."""
    from wanshang.adlaw.services import claim_file

    terms = f"{P}/adlaw/terms"
    contract.call(op, "get", terms, query={"family": "medical"}, expect=200)
    contract.call(op, "get", terms, query={"family": "rumours"}, expect=422)
    body = {"text": "超牛", "family": "superlative", "severity": "warn", "explanation": "测试用语"}
    term = contract.call(op, "post", terms, body=body, expect=201)
    contract.call(op, "post", terms, body=body, expect=400)  # already on the list
    one = f"{terms}/{{term_id}}"
    contract.call(op, "get", one, path={"term_id": term["id"]}, expect=200)
    contract.call(op, "get", one, path={"term_id": 10**9}, expect=404)
    contract.call(
        op, "put", one, path={"term_id": term["id"]}, body={**body, "severity": "block"}, expect=200
    )
    contract.call(
        op, "post", one + "/active", path={"term_id": term["id"]}, body={"is_active": False}, expect=200
    )
    contract.call(op, "post", f"{P}/adlaw/terms/import", expect=200)
    claim = claim_file(
        shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[_pdf()]
    )
    contract.call(op, "get", f"{P}/adlaw/claims", expect=200)
    decide = f"{P}/adlaw/claims/{{claim_id}}/decide"
    contract.call(
        op,
        "post",
        decide,
        path={"claim_id": claim.pk},
        body={"decision": "approve", "reason": ""},
        expect=400,
    )
    contract.call(
        op,
        "post",
        decide,
        path={"claim_id": claim.pk},
        body={"decision": "approve", "reason": "商标有效"},
        expect=200,
    )
    contract.call(
        op,
        "post",
        decide,
        path={"claim_id": claim.pk},
        body={"decision": "reject", "reason": "再审"},
        expect=409,
    )
