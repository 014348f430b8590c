"""Seller and platform pages and API for 广告法用语: hits, claims with evidence, review, the term list;
isolation (another shop's claim is 404) and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanshang.adlaw.models import Claim, Term
from wanshang.adlaw.services import claim_file, texts_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def _pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def _claim(shop, text="最佳新人奖"):
    return claim_file(shop=shop, user=shop.owner, term="最佳", text=text, kind="trademark", files=[_pdf()])


def test_seller_hits_page_highlights_and_links_to_a_claim(owner_client, shop):
    texts_check(shop=shop, source="coupon", source_id=3, fields={"name": "全网最低价券"})
    page = owner_client.get("/seller/adlaw/").content.decode()
    assert "<mark>最低价</mark>" in page and "申请豁免" in page and "优惠券" in page
    assert owner_client.get("/seller/adlaw/?source=product").content.decode().count("<mark>") == 0


def test_seller_files_and_withdraws_a_claim_on_the_page(owner_client, shop):
    page = owner_client.get("/seller/adlaw/claims/?term=最佳&text=最佳新人奖").content.decode()
    assert 'value="最佳新人奖"' in page
    response = owner_client.post(
        "/seller/adlaw/claims/",
        {"term": "最佳", "text": "最佳新人奖", "kind": "trademark", "note": "", "evidence": [_pdf()]},
    )
    assert response.status_code == 302
    claim = Claim.objects.get(shop=shop)
    assert claim.status == "pending" and claim.evidence.count() == 1
    evidence = claim.evidence.get()
    download = owner_client.get(f"/seller/adlaw/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    owner_client.post(f"/seller/adlaw/claims/{claim.pk}/withdraw/")
    claim.refresh_from_db()
    assert claim.status == "withdrawn"


def test_seller_claim_page_bad_input_keeps_nothing(owner_client, shop):
    response = owner_client.post(
        "/seller/adlaw/claims/",
        {"term": "根治", "text": "根治脚气", "kind": "usage_tip", "evidence": [_pdf()]},
    )
    assert response.status_code == 400
    assert "不能豁免" in response.content.decode()
    response = owner_client.post(
        "/seller/adlaw/claims/", {"term": "最佳", "text": "最佳新人奖", "kind": "trademark"}
    )
    assert response.status_code == 400
    assert "证明文件" in response.content.decode()
    assert not Claim.objects.exists()


def test_other_shop_gets_404_for_claims_and_evidence(client, shop, other_shop):
    claim = _claim(shop)
    evidence = claim.evidence.get()
    client.force_login(other_shop.owner)
    assert client.post(f"/seller/adlaw/claims/{claim.pk}/withdraw/").status_code == 404
    assert client.get(f"/seller/adlaw/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/api/seller/adlaw/claims/{claim.pk}").status_code == 404
    assert client.post(f"/api/seller/adlaw/claims/{claim.pk}/withdraw").status_code == 404
    assert client.get("/api/seller/adlaw/claims").json()["count"] == 0
    texts_check(shop=shop, source="coupon", source_id=3, fields={"name": "最低价券"})
    assert client.get("/api/seller/adlaw/hits").json()["count"] == 0
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_seller_api_hits_scan_and_claims(owner_client, shop):
    texts_check(shop=shop, source="coupon", source_id=3, fields={"name": "全网最低价券"})
    hits = owner_client.get("/api/seller/adlaw/hits").json()
    [row] = hits["items"]
    hit = row["hits"][0]
    assert row["text"][hit["start"] : hit["end"]] == "最低价"
    scan = owner_client.post(
        "/api/seller/adlaw/scan", {"text": "最 佳好物", "category": "food"}, content_type="application/json"
    )
    assert [(h["term"], h["severity"], h["start"], h["end"]) for h in scan.json()] == [
        ("最佳", "block", 0, 3)
    ]
    bad = owner_client.post(
        "/api/seller/adlaw/scan", {"text": "x", "category": "toys"}, content_type="application/json"
    )
    assert bad.status_code == 422
    created = owner_client.post(
        "/api/seller/adlaw/claims",
        {"term": "最佳", "text": "最佳新人奖", "kind": "trademark", "evidence": [_pdf()]},
    )
    assert created.status_code == 201, created.content
    claim_id = created.json()["id"]
    assert created.json()["evidence"][0]["name"] == "证明.pdf"
    again = owner_client.post(
        "/api/seller/adlaw/claims",
        {"term": "最佳", "text": "最佳新人奖", "kind": "trademark", "evidence": [_pdf()]},
    )
    assert again.status_code == 409
    assert owner_client.get("/api/seller/adlaw/claims").json()["count"] == 1
    withdrawn = owner_client.post(f"/api/seller/adlaw/claims/{claim_id}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    assert owner_client.post(f"/api/seller/adlaw/claims/{claim_id}/withdraw").status_code == 409


def test_seller_api_claim_bad_input(owner_client):
    no_file = owner_client.post(
        "/api/seller/adlaw/claims", {"term": "最佳", "text": "最佳新人奖", "kind": "trademark"}
    )
    assert no_file.status_code == 422
    bad_kind = owner_client.post(
        "/api/seller/adlaw/claims", {"term": "最佳", "text": "最佳新人奖", "kind": "x", "evidence": [_pdf()]}
    )
    assert bad_kind.status_code == 422
    medical = owner_client.post(
        "/api/seller/adlaw/claims",
        {"term": "根治", "text": "根治脚气", "kind": "usage_tip", "evidence": [_pdf()]},
    )
    assert medical.status_code == 400 and medical.json()["field"] == "term"


def test_staff_without_shop_permission_cannot_reach_claims(client, shop, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    assert client.get("/seller/adlaw/claims/").status_code == 403
    assert client.get("/api/seller/adlaw/claims").status_code == 403


def test_platform_reviews_a_claim_on_the_page(op_client, shop):
    claim = _claim(shop)
    texts_check(shop=shop, source="product", source_id=9, fields={"title": "荣获最佳新人奖"})
    page = op_client.get("/platform/adlaw/claims/").content.decode()
    assert "最佳新人奖" in page and shop.name in page
    evidence = claim.evidence.get()
    assert op_client.get(f"/platform/adlaw/evidence/{evidence.pk}/").status_code == 200
    op_client.post(f"/platform/adlaw/claims/{claim.pk}/decide/", {"decision": "approve", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == "pending"  # no reason: refused
    op_client.post(
        f"/platform/adlaw/claims/{claim.pk}/decide/", {"decision": "approve", "reason": "商标注册证有效"}
    )
    claim.refresh_from_db()
    assert claim.status == "approved"
    from wanshang.adlaw.selectors import open_hits

    assert open_hits(shop=shop) == []  # the approval rescanned the shop's texts
    assert (
        op_client.post(
            "/platform/adlaw/claims/999999/decide/", {"decision": "approve", "reason": "好"}
        ).status_code
        == 404
    )


def test_platform_edits_deactivates_and_imports_terms_on_pages(op_client):
    assert "最佳" in op_client.get("/platform/adlaw/terms/?q=最佳").content.decode()
    response = op_client.post(
        "/platform/adlaw/terms/new/",
        {
            "text": "超牛",
            "family": "superlative",
            "severity": "warn",
            "explanation": "测试用语",
            "replacements": "好物，优选",
            "allowed_words": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    term = Term.objects.get(text="超牛")
    assert term.replacements == ["好物", "优选"]
    bad = op_client.post(
        "/platform/adlaw/terms/new/",
        {"text": "最佳", "family": "superlative", "severity": "warn", "explanation": "重复"},
    )
    assert bad.status_code == 400 and "已在列表中" in bad.content.decode()
    op_client.post(f"/platform/adlaw/terms/{term.pk}/toggle/")
    term.refresh_from_db()
    assert not term.is_active
    assert op_client.post("/platform/adlaw/terms/import/").status_code == 302
    assert op_client.get("/platform/adlaw/terms/999999/").status_code == 404


def test_platform_api_terms_and_claims(op_client, shop):
    listed = op_client.get("/api/platform/adlaw/terms?family=medical").json()
    assert listed["count"] > 50 and {t["family"] for t in listed["items"]} == {"medical"}
    created = op_client.post(
        "/api/platform/adlaw/terms",
        {"text": "超牛", "family": "superlative", "severity": "warn", "explanation": "测试用语"},
        content_type="application/json",
    )
    assert created.status_code == 201
    term_id = created.json()["id"]
    updated = op_client.put(
        f"/api/platform/adlaw/terms/{term_id}",
        {"text": "超牛", "family": "superlative", "severity": "block", "explanation": "测试用语"},
        content_type="application/json",
    )
    assert updated.json()["severity"] == "block"
    off = op_client.post(
        f"/api/platform/adlaw/terms/{term_id}/active", {"is_active": False}, content_type="application/json"
    )
    assert off.json()["is_active"] is False
    assert op_client.post("/api/platform/adlaw/terms/import").json()["created"] == 0
    bad = op_client.post(
        "/api/platform/adlaw/terms",
        {"text": "x", "family": "nope", "severity": "warn", "explanation": "测试"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    claim = _claim(shop)
    pending = op_client.get("/api/platform/adlaw/claims").json()
    assert [c["id"] for c in pending["items"]] == [claim.pk]
    decided = op_client.post(
        f"/api/platform/adlaw/claims/{claim.pk}/decide",
        {"decision": "reject", "reason": "证明不足"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "rejected"
    again = op_client.post(
        f"/api/platform/adlaw/claims/{claim.pk}/decide",
        {"decision": "approve", "reason": "再审"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_sellers_cannot_use_the_platform_pages(owner_client):
    assert owner_client.get("/platform/adlaw/terms/").status_code == 403
    assert owner_client.get("/api/platform/adlaw/terms").status_code == 403
