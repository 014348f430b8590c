"""图片巡查 on the platform: cross-shop near-duplicates (visible to the platform only; dismiss or open a case)
and the review of logo/portrait declarations, pages and API (docs/image-checks.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageEnhance

from wanshang.catalog.selectors import product_image_problems
from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.media.selectors import declaration_get, duplicate_pairs
from wanshang.media.services import declaration_mark, image_upload
from wanshang.media.tests.conftest import encoded, scene

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def picture(shop, image):
    return image_upload(shop=shop, file=SimpleUploadedFile("p.jpg", encoded(image)), by=shop.owner)


@pytest.fixture
def stolen(make_shop, make_product):
    """The first shop's picture, then the second shop's brightened, smaller copy on its product."""
    first, second = make_shop(name="原创店铺"), make_shop(name="搬运店铺")
    original = picture(first, scene(1))
    copy = picture(second, ImageEnhance.Brightness(scene(1).resize((800, 800))).enhance(1.1))
    product = make_product(second, title="搬运来的商品")
    product_media_set(staff=second.owner_staff, product_id=product.pk, media=MediaInput(gallery=[copy.pk]))
    return {"first": first, "second": second, "original": original, "copy": copy, "product": product}


def test_the_platform_sees_the_pair_with_both_shops_and_the_likely_original(op_client, stolen):
    html = op_client.get("/platform/images/duplicates/").content.decode()
    assert "原创店铺" in html and "搬运店铺" in html and "疑似原图" in html and "搬运来的商品" in html
    body = op_client.get("/api/platform/image-duplicates").json()
    [pair] = body["items"]
    assert (
        pair["original"]["asset_id"] == stolen["original"].pk and pair["original"]["shop_name"] == "原创店铺"
    )
    assert pair["later"]["asset_id"] == stolen["copy"].pk and pair["later"]["product_ids"] == [
        stolen["product"].pk
    ]


def test_shops_do_not_see_cross_shop_duplicates(client, stolen):
    for shop, other_name in ((stolen["first"], "搬运店铺"), (stolen["second"], "原创店铺")):
        client.force_login(shop.owner)
        assert client.get("/platform/images/duplicates/").status_code == 403
        assert client.get("/api/platform/image-duplicates").status_code == 403
        html = client.get("/seller/images/problems/").content.decode()
        assert other_name not in html and "疑似原图" not in html
    kinds = {p.kind for p in product_image_problems(product_id=stolen["product"].pk)}
    assert "duplicate" not in kinds


def test_dismiss_or_open_a_case(op_client, stolen, make_shop):
    pair = duplicate_pairs(status="").get()
    response = op_client.post(f"/platform/images/duplicates/{pair.pk}/decide/", {"decision": "case"})
    pair.refresh_from_db()
    assert response.status_code == 302 and pair.status == "open"  # a case needs a note
    op_client.post(
        f"/platform/images/duplicates/{pair.pk}/decide/", {"decision": "case", "note": "已通知搬运店铺下架"}
    )
    pair.refresh_from_db()
    assert (pair.status, pair.note) == ("case", "已通知搬运店铺下架") and pair.decided_by is not None
    again = op_client.post(
        f"/api/platform/image-duplicates/{pair.pk}/decide",
        {"decision": "dismiss"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert (
        op_client.post(
            "/api/platform/image-duplicates/999999/decide",
            {"decision": "dismiss"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_review_declarations_by_page_and_api(op_client, make_shop):
    shop = make_shop()
    asset = picture(shop, scene(2))
    waiting = declaration_mark(
        shop=shop, by=shop.owner, asset_id=asset.pk, kind="brand", file=SimpleUploadedFile("a.pdf", PDF)
    )
    other = declaration_mark(
        shop=shop, by=shop.owner, asset_id=asset.pk, kind="portrait", file=SimpleUploadedFile("b.pdf", PDF)
    )
    html = op_client.get("/platform/images/declarations/").content.decode()
    assert f'data-declaration="{waiting.pk}"' in html and "无法自动识别" in html
    download = op_client.get(f"/platform/images/declarations/{waiting.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    op_client.post(f"/platform/images/declarations/{waiting.pk}/review/", {"decision": "reject"})
    waiting.refresh_from_db()
    assert waiting.status == "pending"  # a rejection needs its reason
    op_client.post(
        f"/platform/images/declarations/{waiting.pk}/review/",
        {"decision": "reject", "reason": "授权书无公章"},
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reason) == ("rejected", "授权书无公章")
    url = f"/api/platform/image-declarations/{other.pk}/review"
    approved = op_client.post(url, {"decision": "approve"}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert op_client.post(url, {"decision": "approve"}, content_type="application/json").status_code == 409
    assert op_client.post(url, {"decision": "maybe"}, content_type="application/json").status_code == 422
    listed = op_client.get("/api/platform/image-declarations", {"status": ""}).json()
    assert {d["id"] for d in listed["items"]} == {waiting.pk, other.pk}
    assert declaration_get(shop=None, declaration_id=other.pk).reviewed_by is not None
