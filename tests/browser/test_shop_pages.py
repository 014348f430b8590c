"""店铺活动页 in a real browser: the owner builds a page in the seller center (a banner from the picture library,
a product grid and a button; modules added through htmx), publishes it, and a buyer opens it on a phone — the
page fits the screen and shows the banner, the products with price and stock, and the button."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(make_shop, make_product):
    from wanshang.catalog.services import MediaInput, product_media_set
    from wanshang.demo.artwork import banner_picture, product_picture
    from wanshang.media.services import image_upload

    shop = make_shop(name="青禾服饰旗舰店")
    products = []
    for n, (title, kind, colour) in enumerate(
        [("法式碎花连衣裙", "apparel", "浅紫"), ("纯棉宽松短袖T恤", "apparel", "姜黄色")]
    ):
        product = make_product(shop, title=title, prices=(15900 - n * 10000,), stock=20 - n * 17)
        picture = image_upload(
            shop=shop, file=product_picture(kind=kind, colour=colour, size=1000), purpose="main"
        )
        product_media_set(
            staff=shop.owner_staff, product_id=product.pk, media=MediaInput(gallery=[picture.pk])
        )
        products.append(product)
    banner = image_upload(shop=shop, file=banner_picture(kind="apparel", key=shop.slug), purpose="detail")
    return shop, products, banner


def test_build_publish_and_open_on_a_phone(new_page, login, shot, scene):
    shop, products, banner = scene
    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/pages/new/")
    page.locator("#id_title").fill("青禾夏日上新")
    page.locator("#id_slug").fill("summer")

    page.get_by_test_id("add-banner").click()
    module = page.get_by_test_id("module-1")
    expect(module).to_be_visible()
    module.locator(f'input[type=radio][value="{banner.pk}"]').check()
    module.locator('input[name="m0-alt"]').fill("青禾夏日上新")
    module.locator('select[name="m0-target"]').select_option("shop")

    page.get_by_test_id("add-heading").click()
    page.get_by_test_id("module-2").locator('input[name="m1-text"]').fill("夏日清凉专场")
    page.get_by_test_id("add-products").click()
    grid = page.get_by_test_id("module-3")
    for product in products:
        grid.locator(f'input[type=checkbox][value="{product.pk}"]').check()
    page.get_by_test_id("add-button").click()
    button = page.get_by_test_id("module-4")
    button.locator('input[name="m3-label"]').fill("立即购买")
    button.locator('select[name="m3-target"]').select_option(f"product:{products[0].pk}")
    expect(page.get_by_test_id("module-1").locator('input[name="m0-alt"]')).to_have_value("青禾夏日上新")

    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("活动页已保存")
    expect(page.get_by_test_id("button-finding")).to_contain_text("限量抢购")  # advice, not a refusal
    shot(page, "-editor")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("shop-pages")).to_contain_text("已发布")

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/shop/{shop.slug}/")
    phone.get_by_test_id("shop-campaigns").get_by_role("link", name="青禾夏日上新").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/shop/{shop.slug}/p/summer/")
    campaign = phone.get_by_test_id("campaign-page")
    expect(campaign.locator("img.campaign-banner")).to_be_visible()
    expect(campaign).to_contain_text("夏日清凉专场")
    expect(campaign).to_contain_text("法式碎花连衣裙")
    expect(phone.get_by_test_id(f"stock-{products[1].pk}")).to_contain_text("仅剩 3 件")
    expect(campaign.get_by_role("link", name="立即购买")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.evaluate("document.querySelector('img.campaign-banner').naturalWidth") > 0
    shot(phone, "-phone")
    assert page.js_errors == [] and phone.js_errors == []

    desktop = new_page()
    desktop.goto(f"/shop/{shop.slug}/p/summer/")
    expect(desktop.get_by_test_id("campaign-page")).to_contain_text("法式碎花连衣裙")
    shot(desktop, "-desktop")
