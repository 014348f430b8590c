"""product_save: creating and editing a product with its SKU matrix, called as the seller center calls it."""

import pytest

from wanshang.catalog.selectors import price_history, seller_product_get, seller_product_list
from wanshang.catalog.services import SkuInput, product_save
from wanshang.common.errors import NotFound, PermissionDenied, ValidationError
from wanshang.common.money import MAX_FEN

pytestmark = pytest.mark.django_db

COLOURS_SIZES = [("颜色", ["红色", "黑色"]), ("尺码", ["M", "L"])]
FOUR = {"红色/M": 9900, "红色/L": 9950, "黑色/M": 10900, "黑色/L": 10990}


def _skus(product):
    return {s.spec_key: s for s in product.skus.all()}


def _nothing_saved(shop):
    return not seller_product_list(shop=shop).exists()


# --- create ---------------------------------------------------------------------------------------------------


def test_product_save_creates_a_draft_with_the_whole_sku_matrix(
    shop, product_input, django_capture_on_commit_callbacks
):
    # given a 2×2 matrix of colours and sizes with 10 in stock each
    data = product_input(matrix=FOUR, axes=COLOURS_SIZES, stock=10)

    # when the owner saves it
    with django_capture_on_commit_callbacks(execute=True):
        product = product_save(staff=shop.owner_staff, data=data)

    # then it is a draft of the shop with four SKUs, the lowest price as its list price, and stock to sell
    from wanshang.inventory.selectors import available_by_sku

    product = seller_product_get(shop=shop, product_id=product.pk)
    assert product.status == "draft" and product.shop_id == shop.pk
    skus = _skus(product)
    assert {k: s.price_fen for k, s in skus.items()} == FOUR
    assert skus["黑色/L"].spec_values == ["黑色", "L"]
    assert product.min_price_fen == 9900
    assert product.spec_axes == [
        {"name": "颜色", "values": ["红色", "黑色"]},
        {"name": "尺码", "values": ["M", "L"]},
    ]
    assert set(available_by_sku(sku_ids=[s.pk for s in skus.values()]).values()) == {10}


def test_product_save_without_axes_makes_one_default_sku(shop, product_input):
    # given no spec axes and one SKU with no spec values
    data = product_input()

    # when saved
    product = product_save(staff=shop.owner_staff, data=data)

    # then the product has exactly one SKU, the default one
    (sku,) = product.skus.all()
    assert sku.spec_values == [] and sku.spec_key == "" and sku.spec_text == "默认规格"


def test_product_save_trims_text_and_sanitises_the_detail_html(shop, product_input):
    # given padded text, a detail with a script and an event handler, and blank tags and images
    data = product_input(
        title="  纯棉T恤  ",
        subtitle=" 夏季新款 ",
        tags=[" 新品 ", "", "  "],
        images=["https://img.example.com/a.jpg", " ", "/media/b.jpg"],
        detail_html='<p onclick="steal()">好看<script>alert(1)</script></p><img src="javascript:x">',
    )

    # when saved
    product = product_save(staff=shop.owner_staff, data=data)

    # then the text is trimmed, blanks dropped, and nothing executable is kept
    assert product.title == "纯棉T恤" and product.subtitle == "夏季新款"
    assert product.tags == ["新品"]
    assert product.images == ["https://img.example.com/a.jpg", "/media/b.jpg"]
    assert "script" not in product.detail_html and "onclick" not in product.detail_html
    assert "javascript" not in product.detail_html and "好看" in product.detail_html


def test_product_save_keeps_at_most_ten_images(shop, product_input):
    # given twelve image addresses
    data = product_input(images=[f"/media/{i}.jpg" for i in range(12)])

    # when saved
    product = product_save(staff=shop.owner_staff, data=data)

    # then the first ten are kept
    assert product.images == [f"/media/{i}.jpg" for i in range(10)]


def test_product_save_writes_the_first_price_of_each_sku_to_the_price_history(shop, product_input):
    # given a product of two SKUs
    data = product_input(matrix={"红色": 9900, "黑色": 10900}, axes=[("颜色", ["红色", "黑色"])])

    # when saved
    product = product_save(staff=shop.owner_staff, data=data)

    # then each SKU has one history row with its price and no old price
    for sku in product.skus.all():
        (row,) = price_history(shop=shop, sku_id=sku.pk)
        assert (row.price_fen, row.old_price_fen, row.changed_by_id) == (sku.price_fen, None, shop.owner.pk)


def test_product_save_keeps_the_minimum_order_quantity_only_for_wholesale(shop, product_input):
    # given the same minimum order quantity on a retail and on a wholesale product
    retail = product_save(staff=shop.owner_staff, data=product_input(min_order_qty=5))
    wholesale = product_save(staff=shop.owner_staff, data=product_input(min_order_qty=5, is_wholesale=True))

    # then only the wholesale one keeps it
    assert retail.min_order_qty == 1
    assert wholesale.is_wholesale and wholesale.min_order_qty == 5


# --- update ---------------------------------------------------------------------------------------------------


def test_product_save_update_keeps_sku_ids_and_deactivates_skus_missing_from_the_new_matrix(
    shop, product_input
):
    # given a 2×2 product
    product = product_save(staff=shop.owner_staff, data=product_input(matrix=FOUR, axes=COLOURS_SIZES))
    before = _skus(product)

    # when the seller drops the colour 黑色
    two = {"红色/M": 9900, "红色/L": 9950}
    product_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        data=product_input(matrix=two, axes=[("颜色", ["红色"]), ("尺码", ["M", "L"])]),
    )

    # then the red SKUs are the same rows, the black ones stay (orders point at them) but are inactive
    after = _skus(product)
    assert set(after) == set(FOUR)
    assert {k: s.pk for k, s in after.items()} == {k: s.pk for k, s in before.items()}
    assert {k for k, s in after.items() if s.is_active} == {"红色/M", "红色/L"}
    assert {s.spec_key for s in seller_product_get(shop=shop, product_id=product.pk).skus.all()} == set(two)


def test_product_save_min_price_counts_only_active_skus(shop, product_input):
    # given a product whose cheapest SKU is 黑色 at ¥50
    axes = [("颜色", ["红色", "黑色"])]
    product = product_save(
        staff=shop.owner_staff, data=product_input(matrix={"红色": 9900, "黑色": 5000}, axes=axes)
    )
    assert product.min_price_fen == 5000

    # when 黑色 is dropped
    product = product_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        data=product_input(matrix={"红色": 9900}, axes=[("颜色", ["红色"])]),
    )

    # then the list price is the cheapest remaining SKU's
    product.refresh_from_db()
    assert product.min_price_fen == 9900


def test_product_save_reactivates_a_sku_that_comes_back(shop, product_input):
    # given a product whose 黑色 SKU was dropped
    axes = [("颜色", ["红色", "黑色"])]
    product = product_save(
        staff=shop.owner_staff, data=product_input(matrix={"红色": 9900, "黑色": 5000}, axes=axes)
    )
    black = _skus(product)["黑色"]
    product_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        data=product_input(matrix={"红色": 9900}, axes=[("颜色", ["红色"])]),
    )

    # when it is added again
    product_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        data=product_input(matrix={"红色": 9900, "黑色": 5500}, axes=axes),
    )

    # then the same row is active again with its new price
    black.refresh_from_db()
    assert black.is_active and black.price_fen == 5500


def test_product_save_writes_price_history_only_when_a_price_changes(shop, product_input):
    # given a product of two SKUs
    axes = [("颜色", ["红色", "黑色"])]
    product = product_save(
        staff=shop.owner_staff, data=product_input(matrix={"红色": 9900, "黑色": 10900}, axes=axes)
    )
    red, black = _skus(product)["红色"], _skus(product)["黑色"]

    # when saved again with only 红色's price changed
    product_save(
        staff=shop.owner_staff,
        product_id=product.pk,
        data=product_input(matrix={"红色": 8900, "黑色": 10900}, axes=axes, title="改了标题"),
    )

    # then 红色 has a new history row with the old price, 黑色 none
    latest, first = price_history(shop=shop, sku_id=red.pk)
    assert (latest.price_fen, latest.old_price_fen) == (8900, 9900)
    assert (first.price_fen, first.old_price_fen) == (9900, None)
    assert len(price_history(shop=shop, sku_id=black.pk)) == 1


def test_product_save_records_a_change_of_the_original_price_alone(shop, product_input):
    # given a SKU without a struck-through price
    product = product_save(staff=shop.owner_staff, data=product_input())
    sku = product.skus.get()

    # when only the 划线价 is set
    data = product_input()
    data.skus[0].original_price_fen = 12900
    product_save(staff=shop.owner_staff, product_id=product.pk, data=data)

    # then the history has the change (price unchanged, original price new)
    latest = price_history(shop=shop, sku_id=sku.pk)[0]
    assert (latest.price_fen, latest.original_price_fen, latest.old_price_fen) == (9900, 12900, 9900)


def test_product_save_cannot_update_another_shops_product(shop, make_shop, product_input):
    # given a product of another shop
    other = make_shop()
    theirs = product_save(staff=other.owner_staff, data=product_input(category_id=other.test_category.pk))

    # when this shop's owner saves over its id
    with pytest.raises(NotFound):
        product_save(staff=shop.owner_staff, product_id=theirs.pk, data=product_input(title="被改了"))

    # then the other shop's product is untouched
    theirs.refresh_from_db()
    assert theirs.title != "被改了" and theirs.shop_id == other.pk


def test_product_save_refuses_another_shops_freight_template(shop, make_shop, product_input):
    # given a freight template that belongs to another shop
    from wanshang.fulfillment.selectors import freight_template_list

    foreign = freight_template_list(shop=make_shop())[0]

    # when this shop names it
    with pytest.raises(NotFound):
        product_save(staff=shop.owner_staff, data=product_input(freight_template_id=foreign.pk))

    # then nothing is saved
    assert _nothing_saved(shop)


def test_product_save_uses_the_shops_own_freight_template(shop, product_input):
    # given the shop's default template
    from wanshang.fulfillment.selectors import freight_template_list

    (own,) = freight_template_list(shop=shop)

    # when named on the product
    product = product_save(staff=shop.owner_staff, data=product_input(freight_template_id=own.pk))

    # then it is kept
    assert product.freight_template_id == own.pk


# --- permission by role ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["warehouse", "service", "finance"])
def test_product_save_refuses_roles_without_the_product_permission(
    shop, product_input, make_staff, staff_of, role
):
    # given staff whose role may not edit products
    staff = staff_of(make_staff(shop, role))

    # when they save a product
    with pytest.raises(PermissionDenied):
        product_save(staff=staff, data=product_input())

    # then nothing is saved
    assert _nothing_saved(shop)


def test_product_save_lets_operations_create_products(shop, product_input, make_staff, staff_of):
    # given an operations member of staff
    staff = staff_of(make_staff(shop, "operations"))

    # when they save a product
    product = product_save(staff=staff, data=product_input())

    # then it is the shop's, and the history names them
    assert product.shop_id == shop.pk
    assert price_history(shop=shop, sku_id=product.skus.get().pk)[0].changed_by_id == staff.user_id


@pytest.fixture
def editor_without_price(shop, make_staff, staff_of, monkeypatch):
    """Operations staff whose role (for this test) may edit products but not prices."""
    from wanshang.merchants import permissions

    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, "operations", {permissions.PRODUCT_EDIT})
    return staff_of(make_staff(shop, "operations"))


def test_product_save_without_the_price_permission_edits_text_but_not_prices(
    shop, product_input, editor_without_price
):
    # given a product the owner created
    product = product_save(staff=shop.owner_staff, data=product_input())

    # when an editor without the price permission changes the title only, then the price
    product_save(staff=editor_without_price, product_id=product.pk, data=product_input(title="新标题"))
    cheaper = product_input(title="再改标题")
    cheaper.skus[0].price_fen = 100
    with pytest.raises(PermissionDenied):
        product_save(staff=editor_without_price, product_id=product.pk, data=cheaper)

    # then the title changed, the price and the second title did not
    product.refresh_from_db()
    assert product.title == "新标题" and product.skus.get().price_fen == 9900


def test_product_save_without_the_price_permission_cannot_create_or_add_skus(
    shop, product_input, editor_without_price
):
    # given a product of one colour
    product = product_save(
        staff=shop.owner_staff, data=product_input(matrix={"红色": 9900}, axes=[("颜色", ["红色"])])
    )

    # when the editor creates a product, or adds a colour (a new SKU needs a price)
    with pytest.raises(PermissionDenied):
        product_save(staff=editor_without_price, data=product_input())
    with pytest.raises(PermissionDenied):
        product_save(
            staff=editor_without_price,
            product_id=product.pk,
            data=product_input(matrix={"红色": 9900, "黑色": 9900}, axes=[("颜色", ["红色", "黑色"])]),
        )

    # then there is still one product with one SKU
    assert seller_product_list(shop=shop).count() == 1
    assert list(product.skus.values_list("spec_key", flat=True)) == ["红色"]


# --- category ---------------------------------------------------------------------------------------------


def test_product_save_refuses_category_the_shop_may_not_sell(shop, product_input, make_category):
    # given a leaf category outside the top-level category the shop was approved for
    foreign = make_category(names=("数码", "手机", "智能手机"))

    # when the seller puts a product in it
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(category_id=foreign.pk))

    # then it is refused on the category field, naming the category, and nothing is saved
    assert exc.value.field == "category_id" and "智能手机" in exc.value.message
    assert _nothing_saved(shop)


def test_product_save_refuses_a_category_that_is_not_a_leaf(shop, product_input):
    # given the second-level parent of the shop's category
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(category_id=shop.test_category.parent_id))

    # then the seller is asked for a third-level category
    assert exc.value.field == "category_id" and "三级类目" in exc.value.message
    assert _nothing_saved(shop)


def test_product_save_refuses_a_disabled_or_unknown_category(shop, product_input):
    # given the shop's category disabled by the platform
    from wanshang.catalog.services import category_rename

    category_rename(category_id=shop.test_category.pk, name=shop.test_category.name, is_active=False)

    # when saving into it, or into an id that does not exist
    for category_id in (shop.test_category.pk, 987654):
        with pytest.raises(ValidationError) as exc:
            product_save(staff=shop.owner_staff, data=product_input(category_id=category_id))
        assert exc.value.field == "category_id"

    # then nothing is saved
    assert _nothing_saved(shop)


def test_product_save_requires_the_categorys_required_attributes_and_its_options(shop, product_input):
    # given a category with a required 材质 (from options) and an optional 产地
    from wanshang.catalog.services import attribute_template_save

    leaf = shop.test_category.pk
    attribute_template_save(category_id=leaf, name="材质", options=["棉", "麻"], required=True)
    attribute_template_save(category_id=leaf, name="产地", options=[], required=False)

    # when the seller leaves 材质 empty, or picks a value not offered, or gives a good one plus an unknown key
    with pytest.raises(ValidationError, match="材质"):
        product_save(staff=shop.owner_staff, data=product_input(attributes={"产地": "杭州"}))
    with pytest.raises(ValidationError, match="选项"):
        product_save(staff=shop.owner_staff, data=product_input(attributes={"材质": "丝"}))
    product = product_save(
        staff=shop.owner_staff, data=product_input(attributes={"材质": "棉", "颜色": "红"})
    )

    # then only the good one is saved, with only the category's attributes
    assert product.attributes == {"材质": "棉"}
    assert seller_product_list(shop=shop).count() == 1


def test_product_save_refuses_an_unknown_brand(shop, product_input):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(brand_id=987654))
    assert exc.value.field == "brand_id"
    assert _nothing_saved(shop)


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "衣", " 衣 ", "长" * 61])
def test_product_save_refuses_a_title_that_is_too_short_or_too_long(shop, product_input, title):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(title=title))
    assert exc.value.field == "title" and "2–60" in exc.value.message
    assert _nothing_saved(shop)


def test_product_save_accepts_titles_of_exactly_two_and_sixty_characters(shop, product_input):
    assert product_save(staff=shop.owner_staff, data=product_input(title="T恤")).title == "T恤"
    assert product_save(staff=shop.owner_staff, data=product_input(title="长" * 60)).title == "长" * 60


def test_product_save_refuses_a_subtitle_over_120_characters(shop, product_input):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(subtitle="副" * 121))
    assert exc.value.field == "subtitle"


@pytest.mark.parametrize("price", [0, -1, 99.5, "9900", True, None, MAX_FEN + 1])
def test_product_save_refuses_a_price_that_is_not_a_positive_whole_number_of_fen(shop, product_input, price):
    # given a SKU priced badly
    data = product_input()
    data.skus[0].price_fen = price

    # when saved, then refused on the SKUs and nothing is saved
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=data)
    assert exc.value.field == "skus"
    assert _nothing_saved(shop)


@pytest.mark.parametrize("original", [9900, 9899, 0])
def test_product_save_refuses_an_original_price_not_above_the_price(shop, product_input, original):
    data = product_input()
    data.skus[0].original_price_fen = original
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=data)
    assert exc.value.field == "skus"
    assert _nothing_saved(shop)


@pytest.mark.parametrize(
    "attr, value",
    [
        ("cost_fen", -1),
        ("weight_g", -5),
        ("weight_g", 1.5),
        ("safety_stock", 10_000_001),
        ("stock", -1),
        ("stock", "10"),
    ],
)
def test_product_save_refuses_bad_sku_numbers(shop, product_input, attr, value):
    data = product_input()
    setattr(data.skus[0], attr, value)
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=data)
    assert exc.value.field == "skus"
    assert _nothing_saved(shop)


@pytest.mark.parametrize(
    "field_name, value",
    [
        ("images", ["javascript:alert(1)"]),
        ("images", ["ftp://img.example.com/a.jpg"]),
        ("images", ["img.example.com/a.jpg"]),
        ("video_url", "data:video/mp4;base64,AAAA"),
    ],
)
def test_product_save_refuses_image_and_video_addresses_that_are_not_http_or_local(
    shop, product_input, field_name, value
):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(**{field_name: value}))
    assert exc.value.field == field_name
    assert _nothing_saved(shop)


@pytest.mark.parametrize("qty", [0, 100001, "5", 2.5])
def test_product_save_refuses_a_bad_minimum_order_quantity(shop, product_input, qty):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(is_wholesale=True, min_order_qty=qty))
    assert exc.value.field == "min_order_qty"


@pytest.mark.parametrize(
    "axes, matrix, message",
    [
        ([("颜色", ["红色"])], {"蓝色": 9900}, "不一致"),  # SKU outside the axes
        ([("颜色", ["红色", "红色"])], {"红色": 9900}, "重复的值"),
        ([("颜色", ["红色"]), ("颜色", ["M"])], {"红色/M": 9900}, "重复"),  # axis named twice
        ([("颜色", [])], {"红色": 9900}, "至少要有一个值"),
        ([("颜色", ["红/黑"])], {"红/黑": 9900}, "“/”"),
        ([("a", ["1"]), ("b", ["1"]), ("c", ["1"]), ("d", ["1"])], {"1/1/1/1": 9900}, "最多 3 个"),
        ([("颜色", ["红色", "黑色"])], {}, "至少需要一个 SKU"),
    ],
)
def test_product_save_refuses_a_matrix_that_does_not_match_its_axes(
    shop, product_input, axes, matrix, message
):
    with pytest.raises(ValidationError) as exc:
        product_save(staff=shop.owner_staff, data=product_input(matrix=matrix, axes=axes))
    assert message in exc.value.message
    assert _nothing_saved(shop)


def test_product_save_refuses_the_same_sku_twice(shop, product_input):
    # given two SKU rows for 红色
    data = product_input(matrix={"红色": 9900}, axes=[("颜色", ["红色"])])
    data.skus.append(SkuInput(spec_values=["红色"], price_fen=9900))

    # when saved, then refused and nothing saved
    with pytest.raises(ValidationError, match="重复"):
        product_save(staff=shop.owner_staff, data=data)
    assert _nothing_saved(shop)


def test_product_save_refuses_more_than_600_skus(shop, product_input, monkeypatch):
    # given a lower SKU limit (to keep the test small) and one SKU more than it
    from wanshang.catalog import services

    monkeypatch.setattr(services, "MAX_SKUS", 3)
    values = ["1", "2", "3", "4"]
    data = product_input(matrix={v: 9900 for v in values}, axes=[("款式", values)])

    # when saved, then refused and nothing saved
    with pytest.raises(ValidationError, match="SKU 不能超过 3 个"):
        product_save(staff=shop.owner_staff, data=data)
    assert _nothing_saved(shop)


def test_a_refused_update_changes_nothing(shop, product_input):
    # given a saved product
    product = product_save(staff=shop.owner_staff, data=product_input(matrix=FOUR, axes=COLOURS_SIZES))

    # when an update fails on its last SKU's price
    data = product_input(matrix={**FOUR, "黑色/L": 0}, axes=COLOURS_SIZES, title="不该保存的标题")
    with pytest.raises(ValidationError):
        product_save(staff=shop.owner_staff, product_id=product.pk, data=data)

    # then title, prices and SKUs are as before
    product.refresh_from_db()
    assert product.title == "纯棉圆领T恤"
    assert {k: (s.price_fen, s.is_active) for k, s in _skus(product).items()} == {
        k: (p, True) for k, p in FOUR.items()
    }
