"""The visual brief: selling points in the chosen order, required images present or missing (white
background estimated from border pixels), the page, print, Excel and JSON."""

import io

import pytest
from openpyxl import load_workbook

from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.common.errors import ValidationError
from wanshang.copywriting.brief import clean_order, has_size_chart
from wanshang.copywriting.selectors import point_order, visual_brief
from wanshang.copywriting.services import point_order_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def dress(shop, make_product, upload):
    """A dress (女装: needs a size chart) with three uploaded main images, two on white."""
    product = make_product(
        shop,
        title="青禾 纯棉碎花连衣裙 防晒透气",
        detail_html="<p>面料柔软亲肤。</p><p>支持七天无理由，质保一年。</p>",
    )
    images = [
        upload(shop),
        upload(shop, background=(250, 250, 250), item=(0, 0, 200)),
        upload(shop, background=(30, 90, 30)),
    ]
    product_media_set(
        staff=shop.owner_staff, product_id=product.pk, media=MediaInput(gallery=[i.pk for i in images])
    )
    return product


def test_points_follow_the_order_and_come_from_title_detail_and_promises(shop, dress):
    brief = visual_brief(shop=shop, product_id=dress.pk)
    assert [g.kind for g in brief.groups] == ["function", "material", "size", "after_sales"]
    points = {g.kind: g.points for g in brief.groups}
    assert "防晒" in points["function"] and "透气" in points["function"]
    assert "纯棉" in points["material"]
    assert "支持7天无理由退货" in points["after_sales"]
    assert any("质保一年" in p for p in points["after_sales"])

    other = visual_brief(shop=shop, product_id=dress.pk, order="after_sales,material")
    assert [g.kind for g in other.groups] == ["after_sales", "material", "function", "size"]


def test_images_required_present_and_missing(shop, dress):
    brief = visual_brief(shop=shop, product_id=dress.pk)
    assert [c.white for c in brief.images] == [True, True, False]
    need = {r.code: r for r in brief.requirements}
    assert (need["main_images"].present, need["main_images"].missing) == (3, 2)
    assert need["white_background"].ok
    assert not need["size_chart"].ok  # 女装 needs one; the detail has none
    assert [r.code for r in brief.missing] == ["main_images", "size_chart"]


def test_a_pasted_image_is_not_judged(shop, make_product):
    product = make_product(shop, images=["https://img.example.com/a.jpg"])
    brief = visual_brief(shop=shop, product_id=product.pk)
    assert [(c.uploaded, c.white) for c in brief.images] == [(False, None)]
    assert "未判断" in {r.code: r for r in brief.requirements}["white_background"].note


def test_size_chart_only_for_the_configured_categories(shop, make_product, make_category, settings):
    settings.WANSHANG = {**settings.WANSHANG, "COPY_SIZE_CHART_CATEGORIES": ["鞋靴"]}
    product = make_product(shop)
    assert "size_chart" not in {r.code for r in visual_brief(shop=shop, product_id=product.pk).requirements}
    assert has_size_chart("<table><tr><td>尺码</td><td>S</td></tr></table>")
    assert has_size_chart('<img src="/a.jpg" alt="尺码表">')
    assert not has_size_chart("<p>尺码偏小</p>")


def test_the_shop_order_is_a_setting_of_the_shop(shop, other_shop):
    assert point_order(shop=shop) == ["function", "material", "size", "after_sales"]
    point_order_save(staff=shop.owner_staff, order=["size", "function", "material", "after_sales"])
    assert point_order(shop=shop)[0] == "size"
    assert point_order(shop=other_shop)[0] == "function"
    with pytest.raises(ValidationError, match="各排一次"):
        point_order_save(staff=shop.owner_staff, order=["size", "size", "material", "after_sales"])
    assert clean_order("bogus,size") == ["size", "function", "material", "after_sales"]


def test_page_print_excel_and_json(owner, shop, dress):
    page = owner.get(f"/seller/copy/products/{dress.pk}/brief/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "尺码表" in body and "缺 2" in body and "纯棉" in body
    assert (
        owner.get(
            f"/seller/copy/products/{dress.pk}/brief/?pos0=size&pos1=function&pos2=material&pos3=after_sales"
        ).status_code
        == 200
    )
    printable = owner.get(f"/seller/copy/products/{dress.pk}/brief/print/")
    assert printable.status_code == 200 and "window.print()" in printable.content.decode()

    xlsx = owner.get(f"/seller/copy/products/{dress.pk}/brief.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["卖点", "图片需求", "主图"]
    assert [r[0] for r in book["图片需求"].iter_rows(min_row=2, values_only=True)] == [
        "主图",
        "白底图",
        "尺码表",
    ]

    data = owner.get(f"/api/seller/copywriting/products/{dress.pk}/brief", {"order": "material"}).json()
    assert data["order"][0] == "material"
    assert {r["code"]: r["missing"] for r in data["requirements"]} == {
        "main_images": 2,
        "white_background": 0,
        "size_chart": 1,
    }


def test_saving_the_order_from_the_page(owner, shop, dress):
    response = owner.post(
        f"/seller/copy/products/{dress.pk}/brief/order/",
        {"pos0": "after_sales", "pos1": "size", "pos2": "material", "pos3": "function"},
    )
    assert response.status_code == 302
    assert point_order(shop=shop)[0] == "after_sales"
    assert (
        owner.put(
            "/api/seller/copywriting/settings", {"point_order": ["size"]}, content_type="application/json"
        ).status_code
        == 400
    )


def test_another_shops_brief_is_404(owner, other_shop, make_product):
    theirs = make_product(other_shop)
    for url in ("brief/", "brief/print/", "brief.xlsx"):
        assert owner.get(f"/seller/copy/products/{theirs.pk}/{url}").status_code == 404
    assert owner.post(f"/seller/copy/products/{theirs.pk}/brief/order/", {"pos0": "size"}).status_code == 404


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("夹克外套", None),
        ("长75厘米", "size"),
        ("净含量500ml", "size"),
        ("纯棉", "material"),
        ("防水", "function"),
    ],
)
def test_a_word_or_sentence_belongs_to_a_kind(text, kind):
    from wanshang.copywriting.brief import _kind_of_text

    assert _kind_of_text(text) == kind
