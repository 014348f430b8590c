"""A merchant publishes a product with the JS SKU-matrix builder (Alpine) in the seller center."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_builds_a_two_axis_sku_matrix_and_creates_the_product(page, login, shot, make_shop):
    from wanshang.catalog.selectors import seller_product_get
    from wanshang.inventory.selectors import available_by_sku

    shop = make_shop(name="青禾服饰旗舰店")
    login(page, shop.owner)

    page.goto("/seller/products/new/")
    expect(page.get_by_role("heading", name="发布商品")).to_be_visible()
    page.get_by_label("商品标题").fill("纯棉宽松短袖T恤")
    # the cascading category picker: 一级 → 二级 → 三级 (the shop's one allowed chain), writing category_id
    page.get_by_label("一级类目").select_option(label="服饰内衣")
    expect(page.get_by_label("二级类目")).to_have_value(str(shop.test_category.parent_id))
    expect(page.get_by_label("三级类目")).to_have_value(str(shop.test_category.pk))
    page.get_by_label("三级类目").select_option(label="连衣裙")
    expect(page.locator("select[name=category_id]")).to_have_value(str(shop.test_category.pk))

    page.get_by_label("规格名 1", exact=True).fill("颜色")
    page.get_by_label("规格值 1", exact=True).fill("黑色,白色")
    page.get_by_label("规格名 2", exact=True).fill("尺码")
    page.get_by_label("规格值 2", exact=True).fill("M，L")  # a full-width comma works too

    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.locator("td.spec")).to_have_text(["黑色/M", "黑色/L", "白色/M", "白色/L"])

    page.get_by_label("批量售价").fill("59.90")
    page.get_by_label("批量库存").fill("20")
    page.get_by_label("批量重量").fill("300")
    page.get_by_role("button", name="填入全部").click()
    expect(page.get_by_label("白色/M 售价")).to_have_value("59.90")
    page.get_by_label("白色/L 售价").fill("64.90")  # one row differs from the bulk fill

    page.get_by_role("button", name="创建商品").click()
    expect(page).to_have_url(re.compile(r"/seller/products/\d+/$"))
    expect(page.get_by_text("商品已创建")).to_be_visible()
    expect(page.get_by_role("heading", name="编辑商品")).to_be_visible()
    expect(page.locator("table.matrix tbody tr")).to_have_count(4)
    shot(page)
    assert not page.js_errors

    product_id = int(re.search(r"/seller/products/(\d+)/", page.url).group(1))
    product = seller_product_get(shop=shop, product_id=product_id)
    assert product.title == "纯棉宽松短袖T恤"
    assert product.category_id == shop.test_category.pk
    assert product.status == "draft"
    assert product.spec_axes == [
        {"name": "颜色", "values": ["黑色", "白色"]},
        {"name": "尺码", "values": ["M", "L"]},
    ]
    skus = {s.spec_key: s for s in product.skus.all()}
    assert {k: s.price_fen for k, s in skus.items()} == {
        "黑色/M": 5990,
        "黑色/L": 5990,
        "白色/M": 5990,
        "白色/L": 6490,
    }
    assert {s.weight_g for s in skus.values()} == {300}
    assert available_by_sku(sku_ids=[s.pk for s in skus.values()]) == {s.pk: 20 for s in skus.values()}
