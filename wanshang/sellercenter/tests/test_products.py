"""商品: the one create/edit form with the SKU matrix, bulk 上架/下架, price history and the price permission."""

import pytest

from wanshang.catalog.selectors import price_history, seller_product_get, seller_product_list
from wanshang.inventory.selectors import available_by_sku
from wanshang.sellercenter.tests.conftest import FOUR_ROWS, matrix_post

pytestmark = pytest.mark.django_db


def skus_by_spec(product):
    return {s.spec_key: s for s in product.skus.filter(is_active=True)}


def test_create_product_with_2x2_matrix_through_the_form(owner_client, shop):
    response = owner_client.post(
        "/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = seller_product_list(shop=shop).get()
    assert response["Location"] == f"/seller/products/{product.pk}/"
    assert product.status == "draft"
    assert product.spec_axes == [
        {"name": "颜色", "values": ["红色", "黑色"]},
        {"name": "尺码", "values": ["M", "L"]},
    ]
    skus = skus_by_spec(product)
    assert {k: s.price_fen for k, s in skus.items()} == {
        "红色/M": 9900,
        "红色/L": 9950,
        "黑色/M": 10900,
        "黑色/L": 10990,
    }
    assert skus["红色/M"].original_price_fen == 12900 and skus["黑色/L"].cost_fen == 5000
    assert skus["黑色/M"].safety_stock == 2 and skus["红色/L"].weight_g == 210
    stock = available_by_sku(sku_ids=[s.pk for s in skus.values()])
    assert stock[skus["红色/M"].pk] == 10 and stock[skus["黑色/L"].pk] == 3
    assert product.min_price_fen == 9900


def test_edit_page_shows_matrix_and_attributes(owner_client, shop, make_product):
    product = make_product(shop, prices=(1990, 2990))
    body = owner_client.get(f"/seller/products/{product.pk}/").content.decode()
    assert "款式" in body and "19.90" in body and "29.90" in body and "价格记录" in body


def test_edit_changes_prices_and_writes_price_history(owner_client, shop):
    owner_client.post("/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS))
    product = seller_product_list(shop=shop).get()
    rows = {k: dict(v) for k, v in FOUR_ROWS.items()}
    rows["红色/M"]["price"] = "89.00"
    rows["红色/M"]["stock"] = ""  # blank stock on edit = unchanged
    response = owner_client.post(
        f"/seller/products/{product.pk}/",
        matrix_post(category_id=shop.test_category.pk, rows=rows, title="纯棉T恤 新款"),
    )
    assert response.status_code == 302
    product = seller_product_get(shop=shop, product_id=product.pk)
    sku = skus_by_spec(product)["红色/M"]
    assert product.title == "纯棉T恤 新款" and sku.price_fen == 8900 and product.min_price_fen == 8900
    history = price_history(shop=shop, sku_id=sku.pk)
    assert [(h.old_price_fen, h.price_fen) for h in history] == [(9900, 8900), (None, 9900)]
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 10
    page = owner_client.get(f"/seller/skus/{sku.pk}/prices/").content.decode()
    assert "89.00" in page and "99.00" in page


def test_edit_can_drop_a_spec_value(owner_client, shop):
    owner_client.post("/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS))
    product = seller_product_list(shop=shop).get()
    rows = {k: v for k, v in FOUR_ROWS.items() if k.endswith("/M")}
    response = owner_client.post(
        f"/seller/products/{product.pk}/",
        matrix_post(
            category_id=shop.test_category.pk, axes=(("颜色", "红色,黑色"), ("尺码", "M")), rows=rows
        ),
    )
    assert response.status_code == 302
    assert set(skus_by_spec(product)) == {"红色/M", "黑色/M"}


@pytest.mark.parametrize(
    "rows, message",
    [
        ({**FOUR_ROWS, "红色/M": {"price": "-5"}}, "金额不能为负数"),
        ({**FOUR_ROWS, "红色/M": {"price": "99", "original": "50"}}, "划线价须高于售价"),
        ({**FOUR_ROWS, "红色/M": {"price": "99", "stock": "3.5"}}, "库存须为整数"),
        ({**FOUR_ROWS, "红色/M": {"price": "abc"}}, "不是有效的金额"),
        ({k: v for k, v in FOUR_ROWS.items() if k != "黑色/L"}, "请填写黑色/L 的售价"),
    ],
)
def test_bad_matrix_input_is_a_form_error_and_nothing_is_created(owner_client, shop, rows, message):
    response = owner_client.post(
        "/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=rows)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert seller_product_list(shop=shop).count() == 0


def test_form_error_keeps_what_was_typed(owner_client, shop):
    rows = {**FOUR_ROWS, "红色/M": {"price": "-5", "barcode": "6901234567890"}}
    body = owner_client.post(
        "/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=rows, title="我的好商品")
    ).content.decode()
    assert "我的好商品" in body and "6901234567890" in body and "109.9" in body


def test_duplicate_spec_values_are_refused(owner_client, shop):
    rows = {"红色/M": {"price": "1"}, "红色/L": {"price": "1"}}
    response = owner_client.post(
        "/seller/products/new/",
        matrix_post(
            category_id=shop.test_category.pk, axes=(("颜色", "红色,红色"), ("尺码", "M,L")), rows=rows
        ),
    )
    assert response.status_code == 400
    assert "有重复的值" in response.content.decode()
    assert seller_product_list(shop=shop).count() == 0


def test_unknown_or_foreign_category_is_refused(owner_client, shop, make_category):
    foreign = make_category(("数码", "手机", "智能手机"))
    for category_id in (999999, foreign.pk):
        response = owner_client.post(
            "/seller/products/new/", matrix_post(category_id=category_id, rows=FOUR_ROWS)
        )
        assert response.status_code == 400
        assert "请选择店铺可经营的三级类目" in response.content.decode()
    assert seller_product_list(shop=shop).count() == 0


def test_required_category_attribute_is_enforced_and_partial_renders(owner_client, shop):
    from wanshang.catalog.services import attribute_template_save

    attribute_template_save(
        category_id=shop.test_category.pk, name="材质", options=["棉", "麻"], required=True
    )
    partial = owner_client.get(f"/seller/products/attributes/?category_id={shop.test_category.pk}")
    assert (
        partial.status_code == 200
        and "材质" in partial.content.decode()
        and "req" in partial.content.decode()
    )

    data = matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS)
    response = owner_client.post("/seller/products/new/", data)
    assert response.status_code == 400 and "请填写商品属性“材质”" in response.content.decode()
    tpl_id = partial.content.decode().split('name="attr-')[1].split('"')[0]
    response = owner_client.post("/seller/products/new/", {**data, f"attr-{tpl_id}": "棉"})
    assert response.status_code == 302
    assert seller_product_list(shop=shop).get().attributes == {"材质": "棉"}


def test_single_spec_product_without_axes(owner_client, shop):
    data = matrix_post(category_id=shop.test_category.pk, axes=(), rows={"": {"price": "15", "stock": "7"}})
    assert owner_client.post("/seller/products/new/", data).status_code == 302
    product = seller_product_list(shop=shop).get()
    assert [(s.spec_key, s.price_fen) for s in product.skus.all()] == [("", 1500)]


def test_rebuild_button_renders_the_new_matrix_without_saving(owner_client, shop):
    data = matrix_post(category_id=shop.test_category.pk, axes=(("颜色", "红色,蓝色"),), rows={}, rebuild="1")
    response = owner_client.post("/seller/products/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="红色"' in body or "红色" in body
    assert "蓝色" in body and seller_product_list(shop=shop).count() == 0


def test_bulk_on_and_off_shelf(owner_client, shop, make_product):
    a, b = make_product(shop, on_sale=False), make_product(shop, on_sale=False)
    response = owner_client.post(
        "/seller/products/status/", {"action": "on_sale", "product_ids": [a.pk, b.pk]}
    )
    assert response.status_code == 302
    assert set(seller_product_list(shop=shop, status="on_sale").values_list("pk", flat=True)) == {a.pk, b.pk}
    owner_client.post("/seller/products/status/", {"action": "off_shelf", "product_ids": [a.pk]})
    a.refresh_from_db()
    assert a.status == "off_shelf"
    body = owner_client.get("/seller/products/?tab=warehouse").content.decode()
    assert a.title in body and b.title not in body


def test_bulk_status_shows_the_service_error(owner_client, shop, make_product, other_shop):
    foreign = make_product(other_shop, on_sale=False)
    response = owner_client.post(
        "/seller/products/status/", {"action": "on_sale", "product_ids": [foreign.pk]}, follow=True
    )
    assert "部分商品不存在" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == "draft"


def test_product_list_filters_by_keyword(owner_client, shop, make_product):
    make_product(shop, title="冬季羽绒服")
    make_product(shop, title="夏季短袖")
    body = owner_client.get("/seller/products/?tab=all&q=羽绒").content.decode()
    assert "冬季羽绒服" in body and "夏季短袖" not in body


def test_warehouse_role_cannot_change_price_on_the_web(client, shop, make_product, make_staff):
    product = make_product(shop, prices=(9900,))
    sku = product.skus.get()
    client.force_login(make_staff(shop, "warehouse"))
    edit = client.post(
        f"/seller/products/{product.pk}/",
        matrix_post(category_id=shop.test_category.pk, axes=(), rows={"": {"price": "1.00"}}),
    )
    assert edit.status_code == 403 and "编辑商品" in edit.content.decode()
    quick = client.post(f"/seller/skus/{sku.pk}/prices/", {"price": "1.00"})
    assert quick.status_code == 403
    assert "编辑商品" in quick.content.decode()  # the price-history page itself is product work
    sku.refresh_from_db()
    assert sku.price_fen == 9900


def test_operations_role_can_quick_change_a_price(client, shop, make_product, make_staff):
    sku = make_product(shop, prices=(9900,)).skus.get()
    client.force_login(make_staff(shop, "operations"))
    response = client.post(f"/seller/skus/{sku.pk}/prices/", {"price": "79.90", "original_price": "99"})
    assert response.status_code == 302
    sku.refresh_from_db()
    assert (sku.price_fen, sku.original_price_fen) == (7990, 9900)
    bad = client.post(f"/seller/skus/{sku.pk}/prices/", {"price": "79.90", "original_price": "50"})
    assert bad.status_code == 400 and "划线价须高于售价" in bad.content.decode()
