"""图片体检 in the seller center, pages and API: problems by product with the fix link, declarations with
their authorisation files, bad input, and shop isolation (docs/image-checks.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFilter

from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.media.selectors import shop_declarations
from wanshang.media.services import declaration_mark, image_upload
from wanshang.media.tests.conftest import checkerboard, encoded, scene

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="授权书.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def picture(shop, image):
    return image_upload(shop=shop, file=SimpleUploadedFile("p.jpg", encoded(image)), by=shop.owner)


@pytest.fixture
def blurred_product(shop, make_product):
    product = make_product(shop, title="模糊主图的连衣裙")
    blurred = picture(shop, checkerboard().filter(ImageFilter.GaussianBlur(4)))
    media = MediaInput(gallery=[blurred.pk] + [picture(shop, scene(s)).pk for s in range(1, 5)])
    product_media_set(staff=shop.owner_staff, product_id=product.pk, media=media)
    product.blurred = blurred
    return product


@pytest.fixture
def other_owner(client, make_shop, make_product):
    other = make_shop(name="别家店铺")
    make_product(other, title="别家的商品")  # too few 主图: a problem of the other shop
    declaration_mark(shop=other, by=other.owner, asset_id=picture(other, scene(8)).pk, kind="portrait")
    return other


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_problems_page_lists_problems_by_product_with_the_fix_link(owner_client, blurred_product):
    page = owner_client.get("/seller/images/problems/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "模糊主图的连衣裙" in html and "主图模糊" in html and "第1张主图清晰度" in html
    assert f"/seller/products/{blurred_product.pk}/#media" in html
    assert "无法自动识别" in html  # an unmarked logo or portrait is not detected, and the page says so
    edit = owner_client.get(f"/seller/products/{blurred_product.pk}/").content.decode()
    assert "data-image-problems" in edit and "第1张主图清晰度" in edit


def test_shop_a_cannot_see_shop_b_problems_or_declarations(owner_client, blurred_product, other_owner):
    html = owner_client.get("/seller/images/problems/").content.decode()
    assert "别家的商品" not in html
    declarations = owner_client.get("/seller/images/declarations/").content.decode()
    assert "还没有声明" in declarations
    theirs = shop_declarations(shop=other_owner).get()
    assert owner_client.get(f"/seller/images/declarations/{theirs.pk}/file/").status_code == 404
    response = owner_client.post(f"/seller/images/declarations/{theirs.pk}/upload/", {"file": pdf()})
    assert response.status_code == 404
    assert owner_client.post(f"/seller/images/declarations/{theirs.pk}/withdraw/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "missing" and not theirs.file


def test_mark_a_picture_with_its_authorisation_then_download_it(owner_client, shop, blurred_product):
    asset = blurred_product.blurred
    response = owner_client.post(
        "/seller/images/declarations/",
        {"asset_id": asset.pk, "kind": "brand", "subject": "某运动品牌", "file": pdf()},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    declaration = shop_declarations(shop=shop).get()
    assert (declaration.status, declaration.kind, declaration.file_type) == (
        "pending",
        "brand",
        "application/pdf",
    )
    download = owner_client.get(f"/seller/images/declarations/{declaration.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_bad_declarations_are_refused_and_nothing_is_kept(
    owner_client, shop, blurred_product, other_owner, settings
):
    asset = blurred_product.blurred
    url = "/seller/images/declarations/"
    text = SimpleUploadedFile("授权.pdf", b"not a pdf at all", content_type="application/pdf")
    response = owner_client.post(url, {"asset_id": asset.pk, "kind": "brand", "file": text})
    assert response.status_code == 400 and "授权文件只支持 PDF" in response.content.decode()
    settings.WANSHANG = {**settings.WANSHANG, "IMAGE_DECLARATION_MAX_BYTES": 20}
    response = owner_client.post(url, {"asset_id": asset.pk, "kind": "brand", "file": pdf()})
    assert response.status_code == 400 and "不能超过" in response.content.decode()
    theirs = picture(other_owner, scene(9))
    response = owner_client.post(url, {"asset_id": theirs.pk, "kind": "brand"})
    assert response.status_code == 404 and "图片不存在" in response.content.decode()
    response = owner_client.post(url, {"asset_id": asset.pk, "kind": "logo"})
    assert response.status_code == 400
    assert not shop_declarations(shop=shop).exists()


def test_a_mark_can_be_withdrawn_only_before_its_authorisation(owner_client, shop, blurred_product):
    one = declaration_mark(shop=shop, by=shop.owner, asset_id=blurred_product.blurred.pk, kind="portrait")
    owner_client.post(f"/seller/images/declarations/{one.pk}/upload/", {"file": pdf()})
    owner_client.post(f"/seller/images/declarations/{one.pk}/withdraw/")
    assert shop_declarations(shop=shop, status="pending").filter(pk=one.pk).exists()  # refused with a message
    two = declaration_mark(shop=shop, by=shop.owner, asset_id=blurred_product.blurred.pk, kind="brand")
    owner_client.post(f"/seller/images/declarations/{two.pk}/withdraw/")
    assert not shop_declarations(shop=shop).filter(pk=two.pk).exists()


# --- API -----------------------------------------------------------------------------------------------------


def test_api_lists_problems_summary_and_a_products_problems(owner_client, blurred_product, other_owner):
    body = owner_client.get("/api/seller/image-problems").json()
    assert {i["product_title"] for i in body["items"]} == {"模糊主图的连衣裙"}
    [item] = body["items"]
    assert item["kind"] == "blurred" and item["fix_url"] == f"/seller/products/{blurred_product.pk}/#media"
    summary = owner_client.get("/api/seller/image-problems/summary").json()
    assert summary["products"] == 1 and summary["by_kind"]["blurred"] == 1
    one = owner_client.get(f"/api/seller/products/{blurred_product.pk}/image-problems").json()
    assert [p["kind"] for p in one] == ["blurred"]
    theirs = other_owner.products.get()
    assert owner_client.get(f"/api/seller/products/{theirs.pk}/image-problems").status_code == 404
    assert owner_client.get("/api/seller/image-problems", {"kind": "bogus"}).status_code == 422


def test_api_declarations_with_files_and_isolation(owner_client, shop, blurred_product, other_owner):
    asset = blurred_product.blurred
    created = owner_client.post("/api/seller/image-declarations", {"asset_id": asset.pk, "kind": "portrait"})
    assert created.status_code == 201, created.content
    d = created.json()
    assert d["status"] == "missing" and d["file_url"] == ""
    again = owner_client.post("/api/seller/image-declarations", {"asset_id": asset.pk, "kind": "portrait"})
    assert again.status_code == 409
    upload = owner_client.post(f"/api/seller/image-declarations/{d['id']}/file", {"file": pdf()})
    assert upload.status_code == 200 and upload.json()["status"] == "pending"
    png = SimpleUploadedFile("授权.png", encoded(scene(3), fmt="PNG"), content_type="image/png")
    replaced = owner_client.post(f"/api/seller/image-declarations/{d['id']}/file", {"file": png})
    assert replaced.json()["file_type"] == "image/png"
    assert owner_client.delete(f"/api/seller/image-declarations/{d['id']}").status_code == 409
    listed = owner_client.get("/api/seller/image-declarations").json()
    assert [x["id"] for x in listed["items"]] == [d["id"]]
    theirs = shop_declarations(shop=other_owner).get()
    assert owner_client.get(f"/api/seller/image-declarations/{theirs.pk}").status_code == 404
    assert (
        owner_client.post(f"/api/seller/image-declarations/{theirs.pk}/file", {"file": pdf()}).status_code
        == 404
    )
    assert owner_client.delete(f"/api/seller/image-declarations/{theirs.pk}").status_code == 404
    other_asset = picture(other_owner, scene(10))
    response = owner_client.post(
        "/api/seller/image-declarations", {"asset_id": other_asset.pk, "kind": "brand"}
    )
    assert response.status_code == 404
    exe = SimpleUploadedFile("授权.pdf", b"MZ\x90\x00" * 10, content_type="application/pdf")
    response = owner_client.post(
        "/api/seller/image-declarations", {"asset_id": asset.pk, "kind": "brand", "file": exe}
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_file"


def test_a_buyer_gets_403(client, buyer):
    client.force_login(buyer)
    assert client.get("/api/seller/image-problems").status_code == 403
    assert client.get("/seller/images/problems/").status_code == 403
