"""库存 and 仓库: stock list, adjust with a reason, low stock, ledger, warehouses with a region."""

import pytest

from wanshang.inventory.selectors import available_by_sku, movement_list, seller_sku_stocks, warehouse_list

pytestmark = pytest.mark.django_db


def default_warehouse(shop):
    return next(w for w in warehouse_list(shop=shop) if w.is_default)


def test_stock_list_shows_rows_and_filters(owner_client, shop, make_product):
    make_product(shop, title="保温杯", stock=8)
    make_product(shop, title="雨伞", stock=0)
    body = owner_client.get("/seller/stock/").content.decode()
    assert "保温杯" in body and "雨伞" in body
    low = owner_client.get("/seller/stock/?low=on").content.decode()
    assert "雨伞" in low and "保温杯" not in low
    assert "保温杯" not in owner_client.get("/seller/stock/?q=雨伞").content.decode()


def test_owner_adjusts_stock_with_a_reason_and_it_is_in_the_ledger(owner_client, shop, make_product):
    sku = make_product(shop, stock=10).skus.get()
    wh = default_warehouse(shop)
    response = owner_client.post(
        "/seller/stock/adjust/",
        {"sku_id": sku.pk, "warehouse_id": wh.pk, "on_hand": "25", "reason": "月底盘点"},
    )
    assert response.status_code == 302
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 25
    move = movement_list(shop=shop, sku_id=sku.pk)[0]
    assert (move.on_hand_delta, move.reason) == (15, "月底盘点")
    assert "月底盘点" in owner_client.get(f"/seller/stock/movements/?sku={sku.pk}").content.decode()


def test_warehouse_role_can_adjust_stock(client, shop, make_product, make_staff):
    sku = make_product(shop, stock=10).skus.get()
    client.force_login(make_staff(shop, "warehouse"))
    assert client.get(f"/seller/stock/adjust/?sku={sku.pk}").status_code == 200
    response = client.post(
        "/seller/stock/adjust/",
        {"sku_id": sku.pk, "warehouse_id": default_warehouse(shop).pk, "on_hand": "3", "reason": "破损"},
    )
    assert response.status_code == 302
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 3


@pytest.mark.parametrize(
    "on_hand, message", [("abc", "请输入整数"), ("-1", "不能小于 0"), ("2.5", "请输入整数")]
)
def test_bad_stock_value_is_a_form_error_and_nothing_changes(
    owner_client, shop, make_product, on_hand, message
):
    sku = make_product(shop, stock=10).skus.get()
    response = owner_client.post(
        "/seller/stock/adjust/",
        {"sku_id": sku.pk, "warehouse_id": default_warehouse(shop).pk, "on_hand": on_hand},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 10


def test_stock_in_a_new_warehouse(owner_client, shop, make_product):
    from wanshang.inventory.services import warehouse_create

    sku = make_product(shop, stock=1).skus.get()
    second = warehouse_create(shop=shop, name="华东仓", district_code="310101", detail="南京东路1号")
    body = owner_client.get(f"/seller/stock/adjust/?sku={sku.pk}").content.decode()
    assert "华东仓" in body
    owner_client.post("/seller/stock/adjust/", {"sku_id": sku.pk, "warehouse_id": second.pk, "on_hand": "6"})
    rows = {s.warehouse_id: s.on_hand for s in seller_sku_stocks(shop=shop, sku_id=sku.pk)}
    assert rows[second.pk] == 6


def test_low_stock_page_lists_skus_at_or_below_safety_stock(owner_client, shop, make_product):
    make_product(shop, title="快卖完的商品", stock=0)
    make_product(shop, title="库存充足的商品", stock=50)
    body = owner_client.get("/seller/stock/low/").content.decode()
    assert "快卖完的商品" in body and "库存充足的商品" not in body
    assert "低库存 SKU" in owner_client.get("/seller/").content.decode()


def test_create_warehouse_with_region_and_make_it_default(owner_client, shop):
    response = owner_client.post(
        "/seller/warehouses/new/",
        {
            "name": "北京仓",
            "district_code": "110105",
            "detail": "酒仙桥路10号",
            "contact": "赵六",
            "phone": "13800001111",
        },
    )
    assert response.status_code == 302
    wh = next(w for w in warehouse_list(shop=shop) if w.name == "北京仓")
    assert wh.region_text == "北京市 市辖区 朝阳区" and not wh.is_default
    assert "朝阳区" in owner_client.get("/seller/warehouses/").content.decode()
    owner_client.post(f"/seller/warehouses/{wh.pk}/default/")
    assert default_warehouse(shop).pk == wh.pk
    edit = owner_client.get(f"/seller/warehouses/{wh.pk}/").content.decode()
    assert "110000" in edit and "110100" in edit  # region picker starts on the saved province and city


def test_edit_warehouse_rejects_unknown_region(owner_client, shop):
    wh = default_warehouse(shop)
    response = owner_client.post(
        f"/seller/warehouses/{wh.pk}/", {"name": "默认仓", "district_code": "999999"}
    )
    assert response.status_code == 400 and "请选择省/市/区" in response.content.decode()


def test_region_lookup_returns_children(client):
    provinces = client.get("/seller/regions/").json()
    assert {"code": "110000", "name": "北京市"} in provinces
    assert {"code": "110105", "name": "朝阳区"} in client.get("/seller/regions/?parent=110100").json()
