"""Title checks in the seller center: the 文案工具 page, the product form (live and after saving, never
blocking), the ads creative form, and the JSON API."""

import pytest

from wanshang.catalog.services import brand_create

pytestmark = pytest.mark.django_db
API = "/api/seller/copywriting"


def test_the_title_page_checks_a_product_title(owner, shop):
    nike = brand_create(name="耐克", name_en="Nike")
    response = owner.get("/seller/copy/titles/", {"kind": "product", "title": "耐克同款 连衣裙 连衣裙"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "耐克" in body and "other_brand" in body and "repeated_word" in body and "建议" in body
    own = owner.get(
        "/seller/copy/titles/", {"kind": "product", "title": "耐克跑步鞋 男款 透气减震", "brand_id": nike.pk}
    )
    assert "other_brand" not in own.content.decode()


def test_the_title_page_checks_an_ad_title(owner, shop, make_product):
    product = make_product(shop, title="纯棉碎花连衣裙 夏季")
    response = owner.get(
        "/seller/copy/titles/", {"kind": "ad", "title": "好看的衣服", "product_id": product.pk}
    )
    body = response.content.decode()
    assert {"no_brand", "no_core_word", "no_trust_word"} <= {
        c for c in ("no_brand", "no_core_word", "no_trust_word") if c in body
    }
    good = owner.get(
        "/seller/copy/titles/",
        {"kind": "ad", "title": f"{shop.name[:4]}连衣裙 官方", "product_id": product.pk},
    )
    assert "no_trust_word" not in good.content.decode()


def test_empty_or_oversize_titles_and_another_shops_product(owner, other_shop, make_product):
    assert owner.get("/seller/copy/titles/", {"kind": "product", "title": " "}).status_code == 400
    assert (
        "请填写商品标题"
        in owner.get("/seller/copy/titles/", {"kind": "product", "title": ""}).content.decode()
    )
    theirs = make_product(other_shop)
    assert (
        owner.get("/seller/copy/titles/", {"kind": "ad", "title": "x", "product_id": theirs.pk}).status_code
        == 404
    )


def test_api_title_checks(owner, shop, make_product, other_shop):
    r = owner.post(f"{API}/title-check", {"title": "连衣裙 连衣裙"}, content_type="application/json")
    assert r.status_code == 200 and {f["code"] for f in r.json()} >= {"repeated_word", "too_short"}
    assert owner.post(f"{API}/title-check", {"title": ""}, content_type="application/json").status_code == 400
    assert (
        owner.post(f"{API}/title-check", {"title": "长" * 201}, content_type="application/json").status_code
        == 400
    )
    product = make_product(shop, title="测试 测试 商品")
    saved = owner.get(f"{API}/products/{product.pk}/title-check").json()
    assert saved["title"] == "测试 测试 商品" and saved["findings"]
    ad = owner.post(
        f"{API}/ad-title-check", {"product_id": product.pk, "title": "好看"}, content_type="application/json"
    )
    assert {f["code"] for f in ad.json()} == {"no_brand", "no_core_word", "no_trust_word"}


def test_api_button_check(owner):
    r = owner.post(f"{API}/button-check", {"text": "立即购买\n限量抢购"}, content_type="application/json")
    assert r.status_code == 200
    (f,) = r.json()
    assert f["phrase"] == "立即购买" and "今日下单赠配件" in f["suggestions"]
    assert (
        owner.post(f"{API}/button-check", {"text": "  "}, content_type="application/json").status_code == 400
    )
    assert (
        owner.post(f"{API}/button-check", {"text": "买" * 5001}, content_type="application/json").status_code
        == 400
    )


def test_the_button_page(owner):
    page = owner.post("/seller/copy/buttons/", {"text": "点击这里\n提交"})
    body = page.content.decode()
    assert page.status_code == 200 and "第 1 行" in body and "领取专属优惠" in body
    assert owner.post("/seller/copy/buttons/", {"text": ""}).status_code == 400


def test_the_menu_groups_the_copy_tools(owner, make_staff, shop, client):
    body = owner.get("/seller/copy/").content.decode()
    assert "文案工具" in body and "标题检查" in body and "按钮文案检查" in body
    client.force_login(make_staff(shop, "finance"))
    assert client.get("/seller/copy/").status_code == 403
    assert (
        client.post(f"{API}/button-check", {"text": "x"}, content_type="application/json").status_code == 403
    )
