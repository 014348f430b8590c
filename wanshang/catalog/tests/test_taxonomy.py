"""The platform taxonomy: categories (three levels, cached tree), attribute templates and brands."""

import pytest

from wanshang.catalog.selectors import (
    attribute_templates,
    brand_list,
    category_get,
    category_tree,
    category_tree_all,
    category_tree_version,
    leaf_categories,
    listing_version,
)
from wanshang.catalog.services import (
    attribute_template_delete,
    attribute_template_save,
    brand_create,
    category_create,
    category_rename,
)
from wanshang.common.errors import NotFound, ValidationError

pytestmark = pytest.mark.django_db


def _names(nodes):
    return [c.name for c in nodes]


# --- categories -------------------------------------------------------------------------------------------


def test_category_create_builds_three_levels_with_their_paths():
    # when a top-level, second- and third-level category are created
    top = category_create(name="家用电器", slug="Appliances")
    mid = category_create(name="大家电", slug="big-appliances", parent_id=top.pk)
    leaf = category_create(name="冰箱", slug="fridges", parent_id=mid.pk)

    # then levels and paths follow the tree and the slug is lower case
    assert [c.level for c in (top, mid, leaf)] == [1, 2, 3]
    assert leaf.path == f"/{top.pk}/{mid.pk}/{leaf.pk}/"
    assert top.slug == "appliances"
    assert leaf.is_leaf and not mid.is_leaf


def test_category_create_refuses_a_fourth_level(make_category):
    # given a leaf
    leaf = make_category()

    # when a child is created under it, then refused
    with pytest.raises(ValidationError) as exc:
        category_create(name="太深了", slug="too-deep", parent_id=leaf.pk)
    assert exc.value.field == "parent_id"
    with pytest.raises(NotFound):
        category_get(slug="too-deep")


@pytest.mark.parametrize(
    "name, slug, field",
    [
        ("", "ok-slug", "name"),
        ("长" * 41, "ok-slug", "name"),
        ("女装", "", "slug"),
        ("女装", "女装", "slug"),
        ("女装", "with space", "slug"),
        ("女装", "a_b", "slug"),
    ],
)
def test_category_create_refuses_bad_names_and_slugs(name, slug, field):
    with pytest.raises(ValidationError) as exc:
        category_create(name=name, slug=slug)
    assert exc.value.field == field


def test_category_create_refuses_a_slug_already_used():
    category_create(name="女装", slug="women")
    with pytest.raises(ValidationError, match="已被使用"):
        category_create(name="女装2", slug="WOMEN")


def test_the_cached_category_tree_is_rebuilt_after_a_create_and_a_rename(make_category):
    # given a tree read once (and so cached) and its version
    leaf = make_category(names=("数码", "手机", "智能手机"))
    assert "数码" in _names(category_tree())
    version = category_tree_version()

    # when a category is added and the leaf renamed
    category_create(name="电脑", slug="computers")
    category_rename(category_id=leaf.pk, name="5G手机")

    # then the next read shows both and the version moved
    tree = category_tree()
    assert {"数码", "电脑"} <= set(_names(tree))
    digital = next(c for c in tree if c.name == "数码")
    assert _names(digital.kids[0].kids) == ["5G手机"]
    assert category_tree_version() > version


def test_a_disabled_category_leaves_the_buyers_tree_but_not_the_operators(make_category):
    # given a leaf
    leaf = make_category(names=("数码", "手机", "智能手机"))

    # when disabled
    category_rename(category_id=leaf.pk, name=leaf.name, is_active=False)

    # then buyers' tree and the shop's leaves lose it; operators still see it
    assert not any(k.kids for c in category_tree() if c.name == "数码" for k in c.kids)
    assert leaf.pk not in [c.pk for c in leaf_categories()]
    all_leaves = [leaf_node for c in category_tree_all() for k in c.kids for leaf_node in k.kids]
    assert leaf.pk in [c.pk for c in all_leaves]


def test_category_changes_bump_the_listing_version(db):
    before = listing_version()
    top = category_create(name="图书", slug="books")
    middle = listing_version()
    category_rename(category_id=top.pk, name="图书音像")
    assert before < middle < listing_version()


def test_category_rename_refuses_a_bad_name_and_an_unknown_category(make_category):
    leaf = make_category()
    with pytest.raises(ValidationError):
        category_rename(category_id=leaf.pk, name="  ")
    with pytest.raises(NotFound):
        category_rename(category_id=987654, name="新名字")
    assert category_get(category_id=leaf.pk).name == leaf.name


def test_leaf_categories_of_a_shop_are_only_those_under_its_approved_categories(shop, make_category):
    # given another tree the shop was not approved for
    other = make_category(names=("数码", "手机", "智能手机"))

    # then the shop's leaves hold its own category and not the other, while all leaves hold both
    mine = [c.pk for c in leaf_categories(shop=shop)]
    assert shop.test_category.pk in mine and other.pk not in mine
    assert {shop.test_category.pk, other.pk} <= {c.pk for c in leaf_categories()}


# --- attribute templates ----------------------------------------------------------------------------------


def test_attribute_template_save_adds_then_edits_an_attribute(make_category):
    # given a leaf category
    leaf = make_category()

    # when an attribute is added, then edited
    tpl = attribute_template_save(
        category_id=leaf.pk, name=" 材质 ", options=["棉", " 麻 ", ""], required=False
    )
    attribute_template_save(
        category_id=leaf.pk, template_id=tpl.pk, name="面料", options=["棉"], required=True
    )

    # then the category has the one edited attribute
    (saved,) = attribute_templates(category=leaf)
    assert (saved.pk, saved.name, saved.options, saved.required) == (tpl.pk, "面料", ["棉"], True)


def test_attribute_templates_hang_only_on_leaf_categories(make_category):
    leaf = make_category()
    with pytest.raises(ValidationError, match="三级类目"):
        attribute_template_save(category_id=leaf.parent_id, name="材质", options=[], required=False)
    assert attribute_templates(category=leaf.parent) == []


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("", [], "1–30"),
        ("长" * 31, [], "1–30"),
        ("材质", ["棉", "棉"], "重复"),
        ("产地", [], "同名"),
    ],
)
def test_attribute_template_save_refuses_bad_or_duplicate_attributes(make_category, name, options, message):
    # given a category that already has 产地
    leaf = make_category()
    attribute_template_save(category_id=leaf.pk, name="产地", options=[], required=False)

    # when a bad one is added, then refused and only 产地 remains
    with pytest.raises(ValidationError, match=message):
        attribute_template_save(category_id=leaf.pk, name=name, options=options, required=False)
    assert _names(attribute_templates(category=leaf)) == ["产地"]


def test_attribute_template_of_another_category_cannot_be_edited_or_deleted(make_category):
    # given an attribute of one category
    leaf, other = make_category(), make_category()
    tpl = attribute_template_save(category_id=leaf.pk, name="材质", options=[], required=False)

    # when edited or deleted through another category, then not found
    with pytest.raises(NotFound):
        attribute_template_save(
            category_id=other.pk, template_id=tpl.pk, name="改名", options=[], required=False
        )
    with pytest.raises(NotFound):
        attribute_template_delete(category_id=other.pk, template_id=tpl.pk)

    # and deleting it through its own category works once
    attribute_template_delete(category_id=leaf.pk, template_id=tpl.pk)
    assert attribute_templates(category=leaf) == []
    with pytest.raises(NotFound):
        attribute_template_delete(category_id=leaf.pk, template_id=tpl.pk)


# --- brands -----------------------------------------------------------------------------------------------


def test_brand_create_refuses_a_duplicate_and_bad_names(db):
    # given one brand
    brand = brand_create(name=" 万商 ", name_en=" Wanshang ")
    assert (brand.name, brand.name_en) == ("万商", "Wanshang")

    # when the same name (trimmed) or a bad name is created, then refused
    for name in ("万商", " 万商", "", "长" * 61):
        with pytest.raises(ValidationError):
            brand_create(name=name)

    # and there is still the one brand
    assert _names(brand_list()) == ["万商"]
