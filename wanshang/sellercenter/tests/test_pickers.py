"""The seller pickers: /api/seller/pickers/products (shop-scoped search for the product picker), the forms that
take the ids it writes, and the cascading category picker's tree."""

import json

import pytest

from wanshang.sellercenter.forms import ProductForm, category_tree

pytestmark = pytest.mark.django_db
URL = "/api/seller/pickers/products"


@pytest.fixture
def catalog(shop, other_shop, make_product):
    """Two shops selling a 连衣裙 each; ours has a two-SKU one and a draft."""
    return {
        "ours": make_product(shop, title="碎花连衣裙", prices=(9900, 12900)),
        "draft": make_product(shop, title="纯棉T恤", on_sale=False),
        "theirs": make_product(other_shop, title="真丝连衣裙"),
    }


def test_search_finds_only_the_callers_shops_products_with_thumbnail_price_status_and_skus(
    owner_client, catalog
):
    ours = catalog["ours"]
    body = owner_client.get(URL, {"q": "连衣裙"}).json()
    assert body["count"] == 1 and [p["id"] for p in body["items"]] == [ours.pk]
    (row,) = body["items"]
    assert row["title"] == "碎花连衣裙" and row["price"] == "99.00"
    assert row["status"] == "on_sale" and row["status_label"] == "出售中"
    assert row["thumb"] == ours.main_image
    assert [(s["spec"], s["price"]) for s in row["skus"]] == [("款1", "99.00"), ("款2", "129.00")]

    # by product id, SKU id or barcode; the other shop's ids find nothing
    sku = ours.skus.order_by("pk").last()
    assert [p["id"] for p in owner_client.get(URL, {"q": str(ours.pk)}).json()["items"]] == [ours.pk]
    assert ours.pk in [p["id"] for p in owner_client.get(URL, {"q": str(sku.pk)}).json()["items"]]
    theirs = catalog["theirs"]
    assert theirs.pk not in [p["id"] for p in owner_client.get(URL, {"q": str(theirs.pk)}).json()["items"]]
    assert owner_client.get(URL, {"q": "真丝"}).json()["count"] == 0

    # drafts are listed too (with their status); no q lists the shop's products newest first
    everything = owner_client.get(URL).json()["items"]
    assert [p["id"] for p in everything] == [catalog["draft"].pk, ours.pk]
    assert everything[0]["status_label"] == "草稿"


def test_ids_look_up_the_chosen_products_and_drop_another_shops(owner_client, catalog):
    ids = f"{catalog['theirs'].pk}, {catalog['ours'].pk}，{catalog['draft'].pk}"
    body = owner_client.get(URL, {"ids": ids, "q": "不相干"}).json()
    assert sorted(p["id"] for p in body["items"]) == sorted([catalog["ours"].pk, catalog["draft"].pk])


def test_the_other_shop_sees_its_own_product_only(client, other_shop, catalog):
    client.force_login(other_shop.owner)
    body = client.get(URL, {"q": "连衣裙"}).json()
    assert [p["id"] for p in body["items"]] == [catalog["theirs"].pk]


def test_uploaded_main_image_gives_its_thumbnail_rendition(owner_client, shop, make_product):
    url = "/media/p/main.jpg"
    thumb = {"w": 240, "h": 240, "jpeg": "/media/p/main-240.jpg", "webp": "/media/p/main-240.webp"}
    product = make_product(shop, title="带图商品")
    type(product).objects.filter(pk=product.pk).update(images=[url], pictures={url: {"thumb": thumb}})
    (row,) = owner_client.get(URL, {"q": "带图"}).json()["items"]
    assert row["id"] == product.pk and row["thumb"] == "/media/p/main-240.jpg"


def test_needs_login_staff_and_the_marketing_permission(client, shop, buyer, make_staff, catalog):
    assert client.get(URL, {"q": "连衣裙"}).status_code == 401
    client.force_login(buyer)
    assert client.get(URL, {"q": "连衣裙"}).status_code == 403
    client.force_login(make_staff(shop, "warehouse"))
    response = client.get(URL, {"q": "连衣裙"})
    assert response.status_code == 403 and "营销活动" in response.json()["detail"]
    client.force_login(make_staff(shop, "operations"))
    assert client.get(URL, {"q": "连衣裙"}).json()["count"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "连" * 61},
        {"page": "0"},
        {"page": "100001"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page": "x"},
        {"ids": "1;drop table"},
        {"ids": "1," * 1001},
    ],
)
def test_bad_input_is_422(owner_client, params):
    response = owner_client.get(URL, params)
    assert response.status_code == 422, response.content


def test_a_page_past_the_end_answers_the_last_page(owner_client, catalog):
    body = owner_client.get(URL, {"page": "50", "page_size": "1"}).json()
    assert body["page"] == body["pages"] == 2 and len(body["items"]) == 1


# --- the forms take what the picker writes --------------------------------------------------------------------


def test_coupon_scope_takes_the_ids_the_picker_writes(owner_client, shop, catalog):
    from wanshang.marketing.selectors import promotion_list

    ids = f"{catalog['ours'].pk}, {catalog['draft'].pk}"  # productPicker.write(): "101, 102"
    response = owner_client.post(
        "/seller/marketing/new/coupon/",
        {
            "name": "指定商品券",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-05T10:00",
            "coupon_type": "amount",
            "amount": "5",
            "total_quantity": "10",
            "scope": "products",
            "scope_ids": ids,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    (promo,) = promotion_list(shop=shop)
    assert promo.scope == "products" and promo.scope_ids == [catalog["ours"].pk, catalog["draft"].pk]


def test_promotion_form_renders_the_picker_over_the_typed_field(owner_client):
    page = owner_client.get("/seller/marketing/new/coupon/").content.decode()
    assert 'x-data="productPicker(' in page and "/api/seller/pickers/products" in page
    assert 'name="scope_ids"' in page  # the typed field stays: the no-JS form and what the picker writes
    page = owner_client.get("/seller/marketing/new/time_discount/").content.decode()
    assert "promoItems(" in page and "/api/seller/pickers/products" in page
    assert 'name="item_sku"' in page


def test_experiment_form_takes_the_ids_the_picker_writes(owner_client, shop, catalog):
    page = owner_client.get("/seller/data/experiments/new/").content.decode()
    assert 'x-data="productPicker(' in page and 'name="product_ids"' in page
    response = owner_client.post(
        "/seller/data/experiments/new/",
        {
            "name": "标题测试",
            "key": "title-pick",
            "metric": "conversion",
            "product_ids": f"{catalog['ours'].pk}",
            "baseline_pct": "10",
            "mde_pct": "2",
            "variant_key": ["A", "B"],
            "variant_name": ["原版", "新标题"],
            "variant_weight": ["50", "50"],
            "variant_title": ["", "新的标题"],
            "variant_image": ["", ""],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


# --- the cascading category picker ------------------------------------------------------------------------------


def test_category_tree_groups_the_shops_leaves_by_level(make_category):
    dress = make_category(("服饰", "女装", "连衣裙"))
    skirt = make_category(("服饰", "女装", "半身裙"))  # another 服饰 (new slugs): its own root
    form = ProductForm(categories=[dress, skirt])
    tree = form.category_tree
    assert [t["name"] for t in tree] == ["服饰", "服饰"]
    assert tree[0]["children"][0]["children"] == [{"id": dress.pk, "name": "连衣裙", "ok": True}]
    assert category_tree([]) == []


def test_category_tree_lets_a_shop_pick_an_upper_level_only_where_it_was_approved(make_category):
    dress = make_category(("服饰", "女装", "连衣裙"))
    women, top = dress.parent, dress.parent.parent
    [node] = category_tree([dress], allowed_ids=[women.pk])  # approved for 女装, not for all of 服饰
    assert (node["id"], node["ok"]) == (top.pk, False)
    assert (node["children"][0]["id"], node["children"][0]["ok"]) == (women.pk, True)
    [node] = category_tree([dress], allowed_ids=[top.pk])
    assert node["ok"] and node["children"][0]["ok"]
    [node] = category_tree([dress])  # no 经营类目: no limit, as the server has it
    assert node["ok"]


def test_the_promotion_scope_picker_offers_only_what_the_server_accepts(owner_client, shop):
    """The shop is approved for its top category: that level and everything under it may be chosen."""
    page = owner_client.get("/seller/marketing/new/full_reduction/").content.decode()
    tree = json.loads(
        page.split('id="picker-categories" type="application/json">', 1)[1].split("</script>", 1)[0]
    )
    assert tree and all(n["ok"] for n in tree)


def test_product_form_has_the_cascade_and_keeps_the_plain_select(owner_client, shop):
    page = owner_client.get("/seller/products/new/").content.decode()
    assert "categoryCascade(" in page and 'id="category-tree"' in page
    assert 'name="category_id"' in page
    assert shop.test_category.name in page
