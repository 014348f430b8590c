"""Scan on save where a buyer reads merchant text: the product (service, page, API) and the shop settings
(page, API). Blocking terms are refused on the right field with nothing saved; warnings show after saving."""

import pytest

from wanshang.adlaw.selectors import open_hits
from wanshang.catalog.selectors import seller_product_list
from wanshang.catalog.services import product_save
from wanshang.common.errors import ValidationError
from wanshang.sellercenter.tests.conftest import FOUR_ROWS, matrix_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def _input(shop, **fields):
    from wanshang.catalog.services import ProductInput, SkuInput

    fields.setdefault("title", "纯棉圆领T恤")
    return ProductInput(
        category_id=shop.test_category.pk, skus=[SkuInput(spec_values=[], price_fen=9900, stock=5)], **fields
    )


def test_product_block_term_refuses_the_save(shop):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=_input(shop, subtitle="包治百病"))
    assert exc.value.field == "subtitle"
    assert not seller_product_list(shop=shop).exists()


def test_product_warnings_are_recorded_per_field(shop):
    product = product_save(
        staff=shop.owner_staff,
        data=_input(shop, title="最好的T恤", detail_html="<p>采用<b>顶级</b>面料</p>"),
    )
    assert {f: [h.term for h in hits] for f, hits in product.adlaw_warnings.items()} == {
        "title": ["最好"],
        "detail_html": ["顶级"],
    }
    assert {r.field for r in open_hits(shop=shop, source="product", source_id=product.pk)} == {
        "title",
        "detail_html",
    }


def test_sku_names_are_scanned(shop):
    from wanshang.catalog.services import ProductInput, SkuInput

    data = ProductInput(
        title="纯棉圆领T恤",
        category_id=shop.test_category.pk,
        spec_axes=[{"name": "款式", "values": ["旗舰至尊款", "普通款"]}],
        skus=[
            SkuInput(spec_values=["旗舰至尊款"], price_fen=100),
            SkuInput(spec_values=["普通款"], price_fen=90),
        ],
    )
    product = product_save(staff=shop.owner_staff, data=data)
    [(field, hits)] = product.adlaw_warnings.items()
    assert field.startswith("sku.") and [h.term for h in hits] == ["至尊"]


def test_product_in_a_strict_category_blocks_warn_terms(shop, settings):
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ADLAW_STRICT_CATEGORIES": {shop.test_category.parent.parent.slug: "food"},
    }
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=_input(shop, title="最好的坚果"))
    assert exc.value.field == "title" and "最好" in exc.value.message


def test_product_page_shows_block_on_the_field_and_warnings_after_save(owner_client, shop):
    response = owner_client.post(
        "/seller/products/new/",
        matrix_post(title="根治脚气神器", category_id=shop.test_category.pk, rows=FOUR_ROWS),
    )
    assert response.status_code == 400
    assert "广告法禁用语“根治”" in response.content.decode()
    assert not seller_product_list(shop=shop).exists()

    response = owner_client.post(
        "/seller/products/new/",
        matrix_post(title="最好的纯棉T恤", category_id=shop.test_category.pk, rows=FOUR_ROWS),
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "广告法用语提醒" in page and "<mark>最好</mark>" in page  # inline on the edit page
    assert "热销" in page  # the suggestion


def test_product_api_refuses_with_400_and_returns_warnings(owner_client, shop):
    body = {
        "title": "独家配方洗发水",
        "category_id": shop.test_category.pk,
        "skus": [{"spec_values": [], "price_fen": 100}],
    }
    created = owner_client.post("/api/seller/products", body, content_type="application/json")
    assert created.status_code == 201
    assert [h["term"] for h in created.json()["adlaw_hits"]] == ["独家配方"]
    bad = owner_client.post(
        "/api/seller/products", {**body, "title": "包治百病洗发水"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "title" and "包治百病" in bad.json()["detail"]


def test_shop_settings_page_refuses_block_and_shows_warnings(owner_client, shop):
    response = owner_client.post("/seller/settings/", {"name": shop.name, "description": "招财进宝好店"})
    assert response.status_code == 400
    assert "广告法禁用语“招财进宝”" in response.content.decode()
    shop.refresh_from_db()
    assert shop.description == ""

    response = owner_client.post(
        "/seller/settings/", {"name": shop.name, "description": "行业领导品牌"}, follow=True
    )
    page = response.content.decode()
    assert "<mark>领导品牌</mark>" in page
    shop.refresh_from_db()
    assert shop.description == "行业领导品牌"


def test_shop_name_with_a_block_term_is_refused_on_the_name(owner_client, shop):
    response = owner_client.put(
        "/api/seller/shop", {"name": "国家免检旗舰店", "description": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_shop_api_returns_warnings(owner_client, shop):
    response = owner_client.put(
        "/api/seller/shop", {"name": shop.name, "description": "顶级好物"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [h["term"] for h in response.json()["adlaw_hits"]] == ["顶级"]
    assert [h["term"] for h in owner_client.get("/api/seller/shop").json()["adlaw_hits"]] == ["顶级"]
