"""店铺: operators suspend a shop (its products leave the storefront) and restore it."""

import pytest
from django.test import Client
from django.urls import reverse

from wanshang.catalog.selectors import product_get_public, product_search
from wanshang.common.errors import NotFound
from wanshang.merchants.selectors import shop_get

pytestmark = pytest.mark.django_db


def test_shop_list_filters_by_status_and_searches(op_client, make_shop):
    a, b = make_shop(name="北岸咖啡"), make_shop(name="南山茶铺")
    op_client.post(reverse("platform:shop_suspend", args=[b.pk]), {"reason": "资质过期"})
    html = op_client.get(reverse("platform:shops") + "?status=suspended").content.decode()
    assert "南山茶铺" in html and "北岸咖啡" not in html
    html = op_client.get(reverse("platform:shops") + "?q=北岸").content.decode()
    assert "北岸咖啡" in html and "南山茶铺" not in html
    assert a.pk != b.pk


def test_shop_detail_shows_owner_staff_products_and_application(op_client, make_shop, make_product):
    shop = make_shop(name="东篱家居")
    make_product(shop)
    make_product(shop, on_sale=False)
    html = op_client.get(reverse("platform:shop_detail", args=[shop.pk])).content.decode()
    assert shop.owner.display_name in html
    assert "员工数</dt><dd>1" in html
    assert "出售中 1" in html and "草稿 1" in html
    assert "服饰内衣" in html  # approved category
    assert "申请 #" in html


def test_suspend_needs_a_reason(op_client, make_shop):
    shop = make_shop()
    response = op_client.post(reverse("platform:shop_suspend", args=[shop.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "请填写原因" in response.content.decode()
    assert shop_get(shop_id=shop.pk).status == "open"


def test_suspend_hides_the_shops_products_and_restore_brings_them_back(op_client, make_shop, make_product):
    anonymous = Client()
    shop = make_shop()
    product = make_product(shop, title="可暂停的连衣裙")
    other = make_product(make_shop(), title="别家的连衣裙")
    product_page = reverse("storefront:product", args=[product.pk])
    assert {p.pk for p in product_search(q="连衣裙")} == {product.pk, other.pk}

    response = op_client.post(
        reverse("platform:shop_suspend", args=[shop.pk]), {"reason": "涉嫌售假，暂停整改"}, follow=True
    )
    assert "已暂停营业" in response.content.decode()
    suspended = shop_get(shop_id=shop.pk)
    assert (suspended.status, suspended.suspend_reason) == ("suspended", "涉嫌售假，暂停整改")
    assert [p.pk for p in product_search(q="连衣裙")] == [other.pk]
    with pytest.raises(NotFound):
        product_get_public(product_id=product.pk)
    assert anonymous.get(product_page).status_code == 404

    response = op_client.post(reverse("platform:shop_restore", args=[shop.pk]), follow=True)
    assert "已恢复营业" in response.content.decode()
    assert shop_get(shop_id=shop.pk).status == "open"
    assert {p.pk for p in product_search(q="连衣裙")} == {product.pk, other.pk}
    assert product_get_public(product_id=product.pk).pk == product.pk
    assert anonymous.get(product_page).status_code == 200


def test_suspending_twice_shows_the_conflict(op_client, make_shop):
    shop = make_shop()
    op_client.post(reverse("platform:shop_suspend", args=[shop.pk]), {"reason": "第一次暂停"})
    response = op_client.post(
        reverse("platform:shop_suspend", args=[shop.pk]), {"reason": "第二次暂停"}, follow=True
    )
    assert "店铺已处于暂停状态" in response.content.decode()
    assert shop_get(shop_id=shop.pk).suspend_reason == "第一次暂停"


def test_restoring_an_open_shop_shows_the_conflict(op_client, make_shop):
    shop = make_shop()
    response = op_client.post(reverse("platform:shop_restore", args=[shop.pk]), follow=True)
    assert "店铺正在营业，无需恢复" in response.content.decode()


def test_unknown_shop_is_404(op_client):
    assert op_client.get(reverse("platform:shop_detail", args=[999999])).status_code == 404
    assert op_client.post(reverse("platform:shop_restore", args=[999999])).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------


def test_api_suspend_and_restore(client, operator, api_token, make_shop, make_product):
    shop = make_shop(name="接口店")
    product = make_product(shop)
    headers = api_token(operator)
    listed = client.get("/api/platform/shops?q=接口店", **headers).json()
    assert [row["id"] for row in listed["items"]] == [shop.pk]

    response = client.post(
        f"/api/platform/shops/{shop.pk}/suspend",
        {"reason": "违规经营"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert not product_search().filter(pk=product.pk).exists()
    suspended = client.get("/api/platform/shops?status=suspended", **headers).json()
    assert [r["id"] for r in suspended["items"]] == [shop.pk]

    again = client.post(
        f"/api/platform/shops/{shop.pk}/suspend",
        {"reason": "违规经营"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409

    restored = client.post(f"/api/platform/shops/{shop.pk}/restore", **headers)
    assert restored.status_code == 200 and restored.json()["status"] == "open"
    assert product_search().filter(pk=product.pk).exists()
    missing = client.post("/api/platform/shops/999999/restore", **headers)
    assert missing.status_code == 404 and missing.json()["detail"] == "店铺不存在"
