"""图片体检 in a real browser: the shop sees its blurred and too-small 主图 with the fix link, marks a picture as a
brand logo with its authorisation; the platform sees the cross-shop pair and reviews the declaration."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageEnhance, ImageFilter
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scene(make_shop, make_product):
    from wanshang.catalog.services import MediaInput, product_media_set
    from wanshang.media.services import image_upload
    from wanshang.media.tests.conftest import checkerboard, encoded, scene

    def picture(shop, image):
        return image_upload(shop=shop, file=SimpleUploadedFile("p.jpg", encoded(image)), by=shop.owner)

    shop = make_shop(name="青禾服饰旗舰店")
    other = make_shop(name="山寨服饰小店")
    dress = make_product(shop, title="法式碎花连衣裙")
    blurred = picture(shop, checkerboard().filter(ImageFilter.GaussianBlur(4)))
    small = picture(shop, scene(2, size=(600, 600)))
    gallery = [blurred.pk, small.pk] + [picture(shop, scene(s)).pk for s in (1, 3, 4)]
    product_media_set(staff=shop.owner_staff, product_id=dress.pk, media=MediaInput(gallery=gallery))
    copy = picture(other, ImageEnhance.Brightness(scene(1).resize((820, 820))).enhance(1.1))
    fake = make_product(other, title="碎花连衣裙 同款")
    product_media_set(staff=other.owner_staff, product_id=fake.pk, media=MediaInput(gallery=[copy.pk]))
    return shop, dress, blurred


def test_the_shop_fixes_and_declares_and_the_platform_reviews(
    new_page, login, shot, scene, operator, tmp_path
):
    shop, dress, blurred = scene
    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/images/problems/")
    expect(page.locator(f'[data-product="{dress.pk}"]')).to_contain_text("主图模糊")
    expect(page.locator(f'[data-product="{dress.pk}"]')).to_contain_text("600×600")
    expect(page.locator("[data-undetectable]")).to_contain_text("无法自动识别")
    expect(page.locator("body")).not_to_contain_text("山寨服饰小店")
    shot(page, "-seller-problems")
    page.get_by_role("link", name="去修改图片").first.click()
    page.wait_for_load_state()
    expect(page.locator("[data-image-problems]")).to_contain_text("第1张主图清晰度")

    page.goto("/seller/images/declarations/")
    page.locator(f'input[name="asset_id"][value="{blurred.pk}"]').check()
    page.get_by_label("图片包含").select_option("brand")
    page.get_by_label("品牌或人物名称").fill("某运动品牌")
    authorisation = tmp_path / "授权书.pdf"
    authorisation.write_bytes(PDF)
    page.get_by_label("授权文件（PDF 或图片）").set_input_files(str(authorisation))
    page.get_by_role("button", name="提交标记").click()
    page.wait_for_load_state()
    expect(page.locator("table")).to_contain_text("待平台审核")
    shot(page, "-seller-declarations")
    assert page.js_errors == []

    op = new_page()
    login(op, operator)
    op.goto("/platform/images/duplicates/")
    expect(op.locator("[data-pair]")).to_contain_text("青禾服饰旗舰店")
    expect(op.locator("[data-pair]")).to_contain_text("山寨服饰小店")
    expect(op.locator("[data-pair]")).to_contain_text("疑似原图")
    shot(op, "-platform-duplicates")
    op.goto("/platform/images/declarations/")
    op.get_by_placeholder("驳回原因").fill("授权书没有盖章")
    op.get_by_role("button", name="驳回").click()
    op.wait_for_load_state()
    shot(op, "-platform-declarations")
    page.goto("/seller/images/problems/")
    expect(page.locator(f'[data-product="{dress.pk}"]')).to_contain_text("授权书没有盖章")
    shot(page, "-seller-problems-after")
