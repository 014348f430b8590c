"""The FABE builder end to end: saving modules, writing them into the product's detail through catalog's
product save, the seller page and the JSON API, bad input, another shop's product and images."""

import pytest

from wanshang.catalog.selectors import seller_product_get
from wanshang.common.errors import NotFound, PermissionDenied, ValidationError
from wanshang.copywriting.selectors import fabe_get
from wanshang.copywriting.services import fabe_apply, fabe_save
from wanshang.merchants.selectors import staff_for_user

pytestmark = pytest.mark.django_db

MODULES = [
    {"kind": "feature", "heading": "新疆长绒棉", "lines": ["100% 新疆长绒棉", "40 支精梳"]},
    {"kind": "benefit", "heading": "夏天不闷汗", "lines": ["透气速干，通勤一整天都清爽"]},
]


def test_modules_are_kept_as_data_and_make_sanitised_html(shop, make_product, upload):
    product = make_product(shop)
    image = upload(shop)
    fabe_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        modules=[*MODULES, {**MODULES[0], "image_ids": [image.pk]}],
    )
    view = fabe_get(shop=shop, product_id=product.pk)
    assert [m["heading"] for m in view.modules] == ["新疆长绒棉", "夏天不闷汗", "新疆长绒棉"]
    assert view.modules[0]["lines"] == ["100% 新疆长绒棉", "40 支精梳"]
    assert "<h3>新疆长绒棉</h3><p>100% 新疆长绒棉</p>" in view.html
    assert image.renditions["detail"]["jpeg"] in view.html


def test_apply_goes_through_product_save_and_replaces_its_own_part_next_time(
    shop, make_product, django_capture_on_commit_callbacks
):
    product = make_product(shop, detail_html="<p>原有详情</p>")
    fabe_save(staff=shop.owner_staff, product_id=product.pk, modules=MODULES)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fabe_apply(staff=shop.owner_staff, product_id=product.pk)
    assert callbacks  # product_save's after-commit work (listings, search) ran
    detail = seller_product_get(shop=shop, product_id=product.pk).detail_html
    assert detail.startswith("<p>原有详情</p><h3>新疆长绒棉</h3>")

    fabe_save(staff=shop.owner_staff, product_id=product.pk, modules=[{**MODULES[0], "heading": "长绒棉"}])
    fabe_apply(staff=shop.owner_staff, product_id=product.pk)
    detail = seller_product_get(shop=shop, product_id=product.pk).detail_html
    assert detail.count("<h3>") == 1 and "<h3>长绒棉</h3>" in detail and detail.startswith("<p>原有详情</p>")

    fabe_apply(staff=shop.owner_staff, product_id=product.pk, mode="replace")
    assert seller_product_get(shop=shop, product_id=product.pk).detail_html.startswith("<h3>长绒棉</h3>")


def test_apply_keeps_the_rest_of_the_product(shop, make_product):
    product = make_product(shop, prices=(9900, 12900), subtitle="副标题", tags=["夏季"])
    fabe_save(staff=shop.owner_staff, product_id=product.pk, modules=MODULES)
    fabe_apply(staff=shop.owner_staff, product_id=product.pk, mode="append")
    after = seller_product_get(shop=shop, product_id=product.pk)
    assert (after.title, after.subtitle, after.tags) == (product.title, "副标题", ["夏季"])
    assert sorted(s.price_fen for s in after.skus.all()) == [9900, 12900]


def test_apply_before_saving_modules_or_with_a_bad_mode_is_refused(shop, make_product):
    product = make_product(shop)
    with pytest.raises(ValidationError, match="请先保存 FABE 模块"):
        fabe_apply(staff=shop.owner_staff, product_id=product.pk)
    fabe_save(staff=shop.owner_staff, product_id=product.pk, modules=MODULES)
    with pytest.raises(ValidationError, match="插入方式"):
        fabe_apply(staff=shop.owner_staff, product_id=product.pk, mode="prepend")


def test_another_shops_product_or_image_is_not_found(shop, other_shop, make_product, upload):
    mine, theirs = make_product(shop), make_product(other_shop)
    with pytest.raises(NotFound):
        fabe_save(staff=shop.owner_staff, product_id=theirs.pk, modules=MODULES)
    their_image = upload(other_shop)
    with pytest.raises(NotFound, match="图片不存在"):
        fabe_save(
            staff=shop.owner_staff,
            product_id=mine.pk,
            modules=[{**MODULES[0], "image_ids": [their_image.pk]}],
        )


def test_a_role_without_the_product_right_is_refused(shop, make_product, make_staff):
    product = make_product(shop)
    clerk = staff_for_user(user=make_staff(shop, "finance"))
    with pytest.raises(PermissionDenied):
        fabe_save(staff=clerk, product_id=product.pk, modules=MODULES)


# --- the page ------------------------------------------------------------------------------------------------


def form(rows):
    data = {"kind": [], "heading": [], "text": []}
    for i, row in enumerate(rows):
        data["kind"].append(row["kind"])
        data["heading"].append(row["heading"])
        data["text"].append("\n".join(row["lines"]))
        if row.get("image_ids"):
            data[f"images_{i}"] = [str(x) for x in row["image_ids"]]
    return data


def test_the_seller_builds_saves_and_inserts_from_the_page(owner, shop, make_product, upload):
    product = make_product(shop)
    image = upload(shop)
    page = owner.get(f"/seller/copy/products/{product.pk}/fabe/")
    assert page.status_code == 200 and "FABE" in page.content.decode()
    rows = [
        *MODULES,
        {"kind": "evidence", "heading": "质检报告", "lines": ["SGS 检测"], "image_ids": [image.pk]},
    ]
    response = owner.post(f"/seller/copy/products/{product.pk}/fabe/", {**form(rows), "action": "save"})
    assert response.status_code == 302
    page = owner.get(f"/seller/copy/products/{product.pk}/fabe/").content.decode()
    assert "100% 新疆长绒棉\n40 支精梳</textarea>" in page  # back to edit, line by line
    assert f'value="{image.pk}" checked' in page

    response = owner.post(
        f"/seller/copy/products/{product.pk}/fabe/", {**form(rows), "action": "apply", "mode": "replace"}
    )
    assert response.status_code == 302
    assert "<h3>质检报告</h3>" in seller_product_get(shop=shop, product_id=product.pk).detail_html


def test_four_lines_on_the_page_are_refused_and_kept_as_typed(owner, shop, make_product):
    product = make_product(shop)
    rows = [{"kind": "feature", "heading": "面料", "lines": ["一", "二", "三", "四"]}]
    response = owner.post(f"/seller/copy/products/{product.pk}/fabe/", {**form(rows), "action": "save"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 1 个模块有 4 行，每个模块最多 3 行" in body and "一\n二\n三\n四</textarea>" in body
    assert fabe_get(shop=shop, product_id=product.pk).modules == []


def test_another_shops_product_page_is_404(owner, other_shop, make_product):
    theirs = make_product(other_shop)
    assert owner.get(f"/seller/copy/products/{theirs.pk}/fabe/").status_code == 404
    rows = form(MODULES)
    assert (
        owner.post(f"/seller/copy/products/{theirs.pk}/fabe/", {**rows, "action": "save"}).status_code == 404
    )


def test_weak_buttons_in_modules_are_pointed_out(owner, shop, make_product):
    product = make_product(shop)
    fabe_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        modules=[{"kind": "benefit", "heading": "现在下单", "lines": ["立即购买"]}],
    )
    assert "限量抢购" in owner.get(f"/seller/copy/products/{product.pk}/fabe/").content.decode()


# --- the API -------------------------------------------------------------------------------------------------

API = "/api/seller/copywriting"


def test_api_saves_reads_and_applies(owner, shop, make_product):
    product = make_product(shop)
    url = f"{API}/products/{product.pk}/fabe"
    response = owner.put(url, {"modules": MODULES}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["modules"][0]["lines"] == ["100% 新疆长绒棉", "40 支精梳"]
    assert owner.get(url).json()["html"].startswith("<h3>新疆长绒棉</h3>")
    applied = owner.post(f"{url}/apply", {"mode": "replace"}, content_type="application/json")
    assert applied.status_code == 200 and applied.json()["detail_html"].startswith("<h3>新疆长绒棉</h3>")


@pytest.mark.parametrize(
    ("modules", "status", "text"),
    [
        ([{"kind": "feature", "heading": "面料", "lines": ["一", "二", "三", "四"]}], 400, "最多 3 行"),
        ([{"kind": "feature", "heading": "面料", "lines": ["长" * 41]}], 400, "每行最多 40 个字"),
        ([{"kind": "feature", "heading": "", "lines": ["一"]}], 400, "小标题"),
        ([], 400, "至少添加一个模块"),
        ([{"kind": "feature", "heading": "长" * 101, "lines": ["一"]}], 422, ""),
        ([{"kind": "feature", "heading": "面料", "lines": ["一"], "extra": 1}], 422, ""),
    ],
)
def test_api_bad_modules(owner, shop, make_product, modules, status, text):
    product = make_product(shop)
    response = owner.put(
        f"{API}/products/{product.pk}/fabe", {"modules": modules}, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert text in str(response.json())


def test_api_isolation(owner, other_shop, make_product):
    theirs = make_product(other_shop)
    url = f"{API}/products/{theirs.pk}/fabe"
    assert owner.get(url).status_code == 404
    assert owner.put(url, {"modules": MODULES}, content_type="application/json").status_code == 404
    assert owner.post(f"{url}/apply", {}, content_type="application/json").status_code == 404
    assert owner.get(f"{API}/products/{theirs.pk}/brief").status_code == 404
    assert owner.get(f"{API}/products/{theirs.pk}/title-check").status_code == 404
    body = {"product_id": theirs.pk, "title": "青禾连衣裙官方"}
    assert owner.post(f"{API}/ad-title-check", body, content_type="application/json").status_code == 404
