"""The seller media API: multipart uploads, setting a product's media, errors, shop isolation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanshang.media.tests.conftest import gps_exif, image_bytes

pytestmark = pytest.mark.django_db
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def jpg(size=(1000, 1000), name="a.jpg", **kw):
    return SimpleUploadedFile(name, image_bytes(size, **kw), content_type="image/jpeg")


def test_upload_an_image_then_put_it_on_a_product(owner_client, shop, make_product):
    product = make_product(shop)
    response = owner_client.post(
        "/api/seller/media/images", {"file": jpg(exif=gps_exif()), "purpose": "main"}
    )
    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["kind"] == "image" and (asset["width"], asset["height"]) == (1000, 1000)
    assert set(asset["renditions"]) == {"thumb", "detail", "zoom"}
    assert asset["renditions"]["thumb"]["w"] == 240

    response = owner_client.put(
        f"/api/seller/products/{product.pk}/media",
        {"gallery": [asset["id"]]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["images"] == [asset["renditions"]["detail"]["jpeg"]]
    assert [g["id"] for g in body["gallery"]] == [asset["id"]]
    assert owner_client.get(f"/api/seller/products/{product.pk}/media").json() == body
    product.refresh_from_db()
    assert product.main_image == asset["renditions"]["detail"]["jpeg"]


def test_upload_a_video(owner_client):
    response = owner_client.post(
        "/api/seller/media/videos", {"file": SimpleUploadedFile("v.mp4", MP4, content_type="video/mp4")}
    )
    assert response.status_code == 201 and response.json()["content_type"] == "video/mp4"


def test_bad_uploads_get_400_with_the_reason(owner_client):
    text = SimpleUploadedFile("photo.jpg", b"just some text " * 20, content_type="image/jpeg")
    response = owner_client.post("/api/seller/media/images", {"file": text})
    assert response.status_code == 400 and response.json()["code"] == "bad_image"
    response = owner_client.post("/api/seller/media/images", {"file": jpg((640, 480)), "purpose": "main"})
    assert response.status_code == 400
    assert response.json()["detail"] == "主图至少 800×800 像素，这张是 640×480"
    response = owner_client.post("/api/seller/media/videos", {"file": jpg((100, 100), name="v.mp4")})
    assert response.status_code == 400 and response.json()["code"] == "bad_video"
    assert owner_client.post("/api/seller/media/images", {"purpose": "main"}).status_code == 422
    assert (
        owner_client.post("/api/seller/media/images", {"file": jpg(), "purpose": "logo"}).status_code == 422
    )


def test_oversize_upload_is_400(owner_client, settings):
    settings.WANSHANG = {**settings.WANSHANG, "MEDIA_IMAGE_MAX_BYTES": 1000}
    response = owner_client.post("/api/seller/media/images", {"file": jpg()})
    assert response.status_code == 400 and response.json()["code"] == "too_large"


def test_another_shops_asset_or_product_is_404(client, shop, other_shop, make_product):
    client.force_login(other_shop.owner)
    theirs = client.post("/api/seller/media/images", {"file": jpg(color=(1, 1, 1))}).json()
    their_product = make_product(other_shop)
    client.force_login(shop.owner)
    mine = client.post("/api/seller/media/images", {"file": jpg(color=(2, 2, 2))}).json()
    product = make_product(shop)
    response = client.put(
        f"/api/seller/products/{product.pk}/media",
        {"gallery": [theirs["id"]]},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.put(
        f"/api/seller/products/{their_product.pk}/media",
        {"gallery": [mine["id"]]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get(f"/api/seller/products/{their_product.pk}/media").status_code == 404


def test_roles_without_the_product_right_and_buyers_get_403(client, shop, buyer, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    assert client.post("/api/seller/media/images", {"file": jpg()}).status_code == 403
    client.force_login(buyer)
    assert client.post("/api/seller/media/images", {"file": jpg()}).status_code == 403


def test_bad_media_body_is_422(owner_client, shop, make_product):
    product = make_product(shop)
    url = f"/api/seller/products/{product.pk}/media"
    response = owner_client.put(url, {"gallery": list(range(1, 12))}, content_type="application/json")
    assert response.status_code == 422
    response = owner_client.put(url, {"gallery": ["a"], "extra": 1}, content_type="application/json")
    assert response.status_code == 422
