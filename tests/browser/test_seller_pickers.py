"""The seller center's product picker in a real browser: a merchant makes a coupon for chosen products by typing
part of a title and picking the product from the dropdown (thumbnail, price, status), and puts a product's SKUs
on a 限时折扣 by expanding it in the same picker."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_picks_a_product_by_title_for_a_coupon_scope(page, login, shot, make_shop, make_product):
    from wanshang.marketing.selectors import promotion_list

    shop = make_shop(name="青禾服饰旗舰店")
    other = make_shop(name="别家店")
    dress = make_product(shop, title="碎花雪纺连衣裙", prices=(15900,))
    make_product(shop, title="纯棉短袖T恤")
    make_product(other, title="真丝连衣裙")  # another shop's: never offered
    login(page, shop.owner)

    page.goto("/seller/marketing/new/coupon/")
    page.get_by_label("活动名称").fill("连衣裙专享券")
    page.get_by_label("开始时间").fill("2030-06-01T10:00")
    page.get_by_label("结束时间").fill("2030-06-05T10:00")
    page.get_by_label("面额（元）").fill("10")
    page.get_by_label("发放总量（张）").fill("100")
    page.get_by_label("指定商品").check()

    search = page.get_by_role("combobox", name="搜索本店商品")
    search.fill("连衣")
    options = page.get_by_role("option")
    expect(options).to_have_count(1)  # ours only, not 真丝连衣裙 of the other shop
    expect(options.first).to_contain_text("碎花雪纺连衣裙")
    expect(options.first).to_contain_text("¥159.00")
    expect(options.first).to_contain_text("出售中")
    expect(options.first).to_have_attribute("aria-selected", "true")  # keyboard-ready
    shot(page, "-dropdown")
    options.first.click()
    chip = page.locator(".chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("碎花雪纺连衣裙")
    expect(page.locator("input[name=scope_ids]")).to_have_value(str(dress.pk))
    page.keyboard.press("Escape")
    shot(page, "-chosen")

    page.get_by_role("button", name="创建活动").click()
    expect(page).to_have_url(re.compile(r"/seller/marketing/\d+/$"))
    expect(page.get_by_text("连衣裙专享券")).not_to_have_count(0)
    assert not page.js_errors
    (promo,) = promotion_list(shop=shop)
    assert promo.name == "连衣裙专享券" and promo.scope == "products" and promo.scope_ids == [dress.pk]


def test_owner_expands_a_product_into_its_skus_with_the_keyboard(page, login, shot, make_shop, make_product):
    from wanshang.marketing.selectors import promotion_list

    shop = make_shop()
    jacket = make_product(shop, title="三合一冲锋衣", prices=(25000, 27000))
    login(page, shop.owner)

    page.goto("/seller/marketing/new/time_discount/")
    page.get_by_label("活动名称").fill("换季限时折扣")
    page.get_by_label("开始时间").fill("2030-06-01T10:00")
    page.get_by_label("结束时间").fill("2030-06-05T10:00")
    search = page.get_by_role("combobox", name="搜索本店商品")
    search.fill("冲锋")
    options = page.get_by_role("option")
    expect(options).to_have_count(3)  # 全部规格 + the two SKUs
    expect(options.nth(0)).to_contain_text("全部规格")
    expect(options.nth(1)).to_contain_text("¥250.00")
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    search.press("Enter")  # the ¥270 SKU only
    search.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    rows = page.locator("table.matrix tbody tr").filter(has=page.locator("input[name=item_sku]"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("三合一冲锋衣 款2（¥270.00）")
    rows.first.locator("input[name=item_price]").fill("240")
    shot(page)
    page.get_by_role("button", name="创建活动").click()
    expect(page).to_have_url(re.compile(r"/seller/marketing/\d+/$"))
    assert not page.js_errors
    (promo,) = promotion_list(shop=shop)
    sku = jacket.skus.get(price_fen=27000)
    assert [(i.sku_id, i.price_fen) for i in promo.items.all()] == [(sku.pk, 24000)]


def test_owner_picks_a_category_scope_through_the_cascade(page, login, shot, make_shop, make_product):
    from wanshang.marketing.selectors import promotion_list

    shop = make_shop()
    dress = make_product(shop, title="碎花连衣裙")
    leaf = shop.test_category
    login(page, shop.owner)

    page.goto("/seller/marketing/new/coupon/")
    page.get_by_label("活动名称").fill("女装类目券")
    page.get_by_label("开始时间").fill("2030-06-01T10:00")
    page.get_by_label("结束时间").fill("2030-06-05T10:00")
    page.get_by_label("面额（元）").fill("5")
    page.get_by_label("发放总量（张）").fill("10")
    page.get_by_label("指定商品").check()  # a product chosen first …
    page.get_by_role("combobox", name="搜索本店商品").fill("碎花")
    page.get_by_role("option").first.click()
    expect(page.locator("input[name=scope_ids]")).to_have_value(str(dress.pk))

    page.get_by_label("指定类目").check()  # … does not leak into the category scope
    expect(page.locator("input[name=scope_ids]")).to_have_value("")
    page.get_by_label("一级类目").select_option(label="服饰内衣")
    page.get_by_label("二级类目").select_option(label="女装")
    page.get_by_label("三级类目").select_option(label="连衣裙")
    page.get_by_role("button", name="添加类目").click()
    expect(page.locator(".chip")).to_have_text([re.compile("服饰内衣 / 女装 / 连衣裙")])
    expect(page.locator("input[name=scope_ids]")).to_have_value(str(leaf.pk))
    shot(page)

    page.get_by_role("button", name="创建活动").click()
    expect(page).to_have_url(re.compile(r"/seller/marketing/\d+/$"))
    assert not page.js_errors
    (promo,) = promotion_list(shop=shop)
    assert promo.scope == "categories" and promo.scope_ids == [leaf.pk]
