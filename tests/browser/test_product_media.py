"""A merchant drops a photo on the product form; the buyer sees it, as <picture>, on the product page."""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(background=(250, 220, 200)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 1200), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 200, 1000, 1000), fill=(220, 60, 80))
    draw.rectangle((500, 100, 700, 1100), fill=(60, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_an_uploaded_image_shows_on_the_storefront(
    page, new_page, login, shot, make_shop, make_product, settings
):
    settings.WANSHANG = {**settings.WANSHANG, "MEDIA_SERVE": True}
    shop = make_shop(name="青禾服饰旗舰店")
    product = make_product(shop, title="法式碎花连衣裙")
    login(page, shop.owner)

    page.goto(f"/seller/products/{product.pk}/")
    expect(page.get_by_role("heading", name="编辑商品")).to_be_visible()
    page.get_by_label("上传商品图片").set_input_files(
        files=[{"name": "dress.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    preview = page.locator("[data-gallery] .media-item img")
    expect(preview).to_have_count(1)
    expect(page.locator("[data-gallery] .media-badge")).to_have_text("主图")
    expect(page.locator(".ql-editor")).to_be_visible()  # the Quill detail editor replaced the textarea
    page.locator(".ql-editor").click()
    page.keyboard.type("真丝面料，手感顺滑")
    shot(page, "-seller")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("商品已保存")).to_be_visible()
    assert not page.js_errors

    buyer = new_page()
    buyer.goto(f"/p/{product.pk}/")
    picture = buyer.locator(".pd-main-img picture").first
    expect(picture).to_be_visible()
    assert picture.locator("source[type='image/webp']").get_attribute("srcset").count("w") >= 2
    img = picture.locator("img")
    expect(img).to_have_attribute("src", re.compile(r"^/media/shops/\d+/.+-detail-[0-9a-f]{10}\.jpeg$"))
    buyer.wait_for_function(
        "() => { const i = document.querySelector('.pd-main-img picture img'); return i.complete && i.naturalWidth > 0; }"
    )
    expect(buyer.get_by_text("真丝面料，手感顺滑")).to_be_visible()
    shot(buyer, "-storefront")
    assert not buyer.js_errors


def test_choosing_a_colour_shows_its_picture(new_page, shot, make_shop, make_product, settings):
    from wanshang.catalog.services import MediaInput, product_media_set
    from wanshang.media.services import image_upload

    settings.WANSHANG = {**settings.WANSHANG, "MEDIA_SERVE": True}
    shop = make_shop(name="青禾服饰旗舰店")
    product = make_product(shop, title="法式碎花连衣裙", prices=(9900, 10900))  # 款式: 款1, 款2
    main = image_upload(shop=shop, file=_photo(), purpose="main")
    second = image_upload(shop=shop, file=_photo(background=(40, 90, 200)), purpose="sku")
    assert second.pk != main.pk
    product_media_set(
        staff=shop.owner_staff,
        product_id=product.pk,
        media=MediaInput(gallery=[main.pk], sku_images={"款2": second.pk}),
    )
    buyer = new_page()
    buyer.goto(f"/p/{product.pk}/")
    colour_img = buyer.locator(".pd-colour-img")
    expect(colour_img).to_be_hidden()  # the main image first
    buyer.get_by_role("button", name="款2").click()
    expect(colour_img).to_be_visible()
    expect(colour_img).to_have_attribute("src", second.renditions["detail"]["jpeg"])
    shot(buyer, "-colour")
    assert not buyer.js_errors
