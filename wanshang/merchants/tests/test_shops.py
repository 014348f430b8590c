"""Shops: suspend and restore (buyers stop seeing them), settings, and the platform's commission rates."""

import pytest

from wanshang.catalog.selectors import category_get, listing_version, product_search, skus_for_purchase
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.merchants.selectors import (
    commission_bps_for_category,
    commission_rate_list,
    shop_get,
    shop_get_public,
    shop_list_open,
)
from wanshang.merchants.services import commission_set, shop_restore, shop_suspend, shop_update_settings

pytestmark = pytest.mark.django_db


# --- suspend and restore ------------------------------------------------------------------------------------


def test_shop_suspend_closes_the_shop_to_buyers_with_its_reason(
    shop, make_product, django_capture_on_commit_callbacks
):
    # given an open shop with a product on sale
    product = make_product(shop)
    before = listing_version()

    # when the platform suspends it
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the cached lists go after the commit (ShopChanged)
        shop_suspend(shop_id=shop.pk, reason="  资质到期  ")

    # then it is suspended with the reason, buyers find neither it nor its products, and lists are stale
    shop = shop_get(shop_id=shop.pk)
    assert (shop.status, shop.suspend_reason, shop.is_open) == ("suspended", "资质到期", False)
    with pytest.raises(NotFound):
        shop_get_public(slug=shop.slug)
    assert shop not in shop_list_open()
    assert product not in product_search()
    assert (
        skus_for_purchase(sku_ids=[product.skus.get().pk])[product.skus.get().pk].reason == "店铺已暂停营业"
    )
    assert listing_version() > before


def test_shop_restore_reopens_it_and_clears_the_reason(
    shop, make_product, django_capture_on_commit_callbacks
):
    # given a suspended shop
    product = make_product(shop)
    shop_suspend(shop_id=shop.pk, reason="资质到期")
    before = listing_version()

    # when restored
    with django_capture_on_commit_callbacks(execute=True):
        shop_restore(shop_id=shop.pk)

    # then it is open again, without a reason, and its products are back
    shop = shop_get(shop_id=shop.pk)
    assert (shop.status, shop.suspend_reason) == ("open", "")
    assert shop_get_public(slug=shop.slug) == shop
    assert product in product_search()
    assert listing_version() > before


def test_suspending_twice_and_restoring_an_open_shop_conflict(shop):
    with pytest.raises(Conflict, match="营业"):
        shop_restore(shop_id=shop.pk)
    shop_suspend(shop_id=shop.pk, reason="资质到期")
    with pytest.raises(Conflict, match="暂停"):
        shop_suspend(shop_id=shop.pk, reason="再暂停一次")
    assert shop_get(shop_id=shop.pk).suspend_reason == "资质到期"


@pytest.mark.parametrize("reason", ["", " ", "停", "长" * 301])
def test_shop_suspend_needs_a_reason(shop, reason):
    with pytest.raises(ValidationError) as exc:
        shop_suspend(shop_id=shop.pk, reason=reason)
    assert exc.value.field == "reason"
    assert shop_get(shop_id=shop.pk).is_open


def test_suspending_or_restoring_an_unknown_shop_is_not_found(db):
    with pytest.raises(NotFound):
        shop_suspend(shop_id=987654, reason="资质到期")
    with pytest.raises(NotFound):
        shop_restore(shop_id=987654)


# --- settings ---------------------------------------------------------------------------------------------------


def test_shop_update_settings_renames_the_shop_and_sets_its_logo(shop, django_capture_on_commit_callbacks):
    before = listing_version()

    with django_capture_on_commit_callbacks(execute=True):
        shop = shop_update_settings(
            shop=shop, name=" 万商新店 ", description=" 简介 ", logo_url="/media/logo.png"
        )

    shop = shop_get(shop_id=shop.pk)
    assert (shop.name, shop.description, shop.logo_url) == ("万商新店", "简介", "/media/logo.png")
    assert listing_version() > before  # product cards show the shop name


@pytest.mark.parametrize(
    "name, logo_url, field",
    [
        ("店", "", "name"),
        ("店" * 61, "", "name"),
        ("好店", "http://img.example.com/a.png", "logo_url"),
        ("好店", "javascript:alert(1)", "logo_url"),
    ],
)
def test_shop_update_settings_refuses_bad_names_and_logos(shop, name, logo_url, field):
    with pytest.raises(ValidationError) as exc:
        shop_update_settings(shop=shop, name=name, description="", logo_url=logo_url)
    assert exc.value.field == field
    assert shop_get(shop_id=shop.pk).name == shop.name


def test_shop_update_settings_refuses_another_shops_name_but_keeps_its_own(shop, make_shop):
    make_shop(name="隔壁小店")

    with pytest.raises(ValidationError, match="已被使用"):
        shop_update_settings(shop=shop, name="隔壁小店", description="")
    assert shop_update_settings(shop=shop, name=shop.name, description="只改简介").description == "只改简介"


# --- commission -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0, 1, 600, "800", 5000])
def test_commission_set_accepts_zero_to_fifty_percent(make_category, rate):
    top = make_category().parent.parent

    commission_set(category=category_get(category_id=top.pk), rate_bps=rate)

    assert commission_bps_for_category(category=top) == int(rate)


@pytest.mark.parametrize("rate", [-1, 5001, "6%", None, "abc"])
def test_commission_set_refuses_rates_outside_zero_to_fifty_percent(make_category, rate):
    top = make_category().parent.parent
    with pytest.raises(ValidationError) as exc:
        commission_set(category=category_get(category_id=top.pk), rate_bps=rate)
    assert exc.value.field == "rate_bps"
    assert list(commission_rate_list()) == []


def test_commission_set_for_an_unknown_category_is_not_found(db):
    with pytest.raises(NotFound):
        commission_set(category=category_get(category_id=987654), rate_bps=500)


def test_commission_set_again_replaces_the_rate(make_category):
    top = make_category().parent.parent
    commission_set(category=category_get(category_id=top.pk), rate_bps=300)
    commission_set(category=category_get(category_id=top.pk), rate_bps=450)
    assert [(r.category_id, r.rate_bps) for r in commission_rate_list()] == [(top.pk, 450)]


def test_a_category_pays_the_rate_of_its_nearest_ancestor_with_one_else_the_default(make_category, settings):
    # given a tree with a rate on the top level and another on the middle level of one branch
    from wanshang.catalog.services import category_create

    leaf = make_category()
    middle, top = leaf.parent, leaf.parent.parent
    sibling = category_create(name="半身裙", slug="skirts-x", parent_id=middle.pk)
    other_leaf = make_category()
    commission_set(category=category_get(category_id=top.pk), rate_bps=600)
    commission_set(category=category_get(category_id=middle.pk), rate_bps=800)

    # then leaves under the middle level pay its rate, an unrelated tree the platform default
    assert commission_bps_for_category(category=leaf) == 800
    assert commission_bps_for_category(category=sibling) == 800
    assert commission_bps_for_category(category=top) == 600
    assert commission_bps_for_category(category=other_leaf) == settings.WANSHANG["DEFAULT_COMMISSION_BPS"]
