"""The product form's media block: files posted with the form (no JavaScript), ids from the uploader,
refusals shown on the form, another shop's asset refused, and the detail HTML still sanitised."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanshang.catalog.selectors import product_media, seller_product_get, seller_product_list
from wanshang.media.services import image_upload, video_upload
from wanshang.media.tests.conftest import image_bytes
from wanshang.sellercenter.tests.conftest import FOUR_ROWS, matrix_post

pytestmark = pytest.mark.django_db
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def jpg(size=(1000, 1000), name="a.jpg", **kw):
    return SimpleUploadedFile(name, image_bytes(size, **kw), content_type="image/jpeg")


def post(shop, **extra):
    return matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS, media_present="1", **extra)


def test_files_posted_with_the_form_become_the_gallery_and_video(owner_client, shop):
    video = SimpleUploadedFile("v.mp4", MP4, content_type="video/mp4")
    response = owner_client.post(
        "/seller/products/new/",
        post(shop, gallery_files=[jpg(color=(1, 1, 1)), jpg((500, 400), color=(2, 2, 2))], video_file=video),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = seller_product_list(shop=shop).get()
    media = product_media(product=product)
    assert [a.width for a in media.gallery] == [1000, 500]
    assert product.images == [a.renditions["detail"]["jpeg"] for a in media.gallery]
    assert product.video_url == media.video.url

    page = owner_client.get(f"/seller/products/{product.pk}/").content.decode()
    assert page.count('name="media_gallery"') == 2 and 'name="media_video"' in page
    assert 'data-sku-value="红色"' in page and 'data-sku-value="黑色"' in page  # colour image slots


def test_ids_from_the_uploader_set_order_and_colour_images(owner_client, shop):
    a = image_upload(shop=shop, file=image_bytes((900, 900), color=(5, 5, 5)))
    b = image_upload(shop=shop, file=image_bytes((900, 900), color=(6, 6, 6)))
    response = owner_client.post(
        "/seller/products/new/",
        post(shop, media_gallery=[str(b.pk), str(a.pk)], media_sku_value=["黑色"], media_sku_id=[str(a.pk)]),
    )
    assert response.status_code == 302
    product = seller_product_list(shop=shop).get()
    media = product_media(product=product)
    assert media.gallery == [b, a] and media.sku_images == {"黑色": a}

    # removing every upload in the page (the block posted with no ids) clears them
    response = owner_client.post(f"/seller/products/{product.pk}/", post(shop))
    assert response.status_code == 302
    product = seller_product_get(shop=shop, product_id=product.pk)
    assert product.images == [] and product_media(product=product).gallery == []


def test_a_text_file_named_jpg_is_refused_on_the_form(owner_client, shop):
    text = SimpleUploadedFile("photo.jpg", b"plain text, not a picture" * 4, content_type="image/jpeg")
    response = owner_client.post("/seller/products/new/", post(shop, gallery_files=[text]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "photo.jpg：不是有效的图片文件" in body
    assert not seller_product_list(shop=shop).exists()


def test_a_small_main_image_is_refused_with_its_size(owner_client, shop):
    response = owner_client.post("/seller/products/new/", post(shop, gallery_files=[jpg((640, 480))]))
    assert response.status_code == 400
    assert "主图至少 800×800 像素，这张是 640×480" in response.content.decode()


def test_another_shops_asset_cannot_be_attached(owner_client, shop, other_shop):
    theirs = image_upload(shop=other_shop, file=image_bytes((900, 900)))
    their_video = video_upload(shop=other_shop, file=MP4)
    for extra in ({"media_gallery": [str(theirs.pk)]}, {"media_video": str(their_video.pk)}):
        response = owner_client.post("/seller/products/new/", post(shop, **extra))
        assert response.status_code == 404
        assert "图片或视频不存在" in response.content.decode()
    assert not seller_product_list(shop=shop).exists()


def test_detail_html_with_an_uploaded_image_is_kept_and_sanitised(owner_client, shop):
    a = image_upload(shop=shop, file=image_bytes((300, 300)), purpose="detail")
    url = a.renditions["detail"]["jpeg"]
    html = f'<h3>卖点</h3><p><img src="{url}" onerror="alert(1)"></p><script>alert(2)</script>'
    assert owner_client.post("/seller/products/new/", post(shop, detail_html=html)).status_code == 302
    product = seller_product_list(shop=shop).get()
    assert product.detail_html == f'<h3>卖点</h3><p><img src="{url}"></p>'
