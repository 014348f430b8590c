"""List prices (`marketing.selectors.list_prices`): what a product card may show a buyer, never below what the
product page charges; read from the prices computed ahead, so a list loads no SKU."""

import pytest
from django.contrib.auth.models import AnonymousUser

from wanshang.marketing.selectors import item_prices_for, list_prices
from wanshang.marketing.services import member_levels_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(shop, make_product, promo):
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "普通会员", "min_spend_fen": 0}])
    wide = make_product(shop, prices=(10000, 12000))  # only the shop-wide member price reaches it
    own = make_product(shop, prices=(20000,))  # also a per-SKU member price
    timed = make_product(shop, prices=(30000,))  # a time discount, for everybody
    promo(
        shop,
        "member_price",
        config={"level_bps": {"1": 9000}},
        items=[{"sku_id": own.skus.get().pk, "level_prices": {"1": 15000}}],
    )
    promo(shop, "time_discount", items=[{"sku_id": timed.skus.get().pk, "discount_bps": 8000}])
    return [wide, own, timed]


def _page_min(buyer, product) -> int:
    """The lowest price the product page charges this buyer (its SKUs through the cart's own step)."""
    return min(p.price_fen for p in item_prices_for(buyer=buyer, skus=list(product.skus.all())).values())


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_a_list_never_shows_less_than_the_page_charges(scene, buyer, who):
    visitor = AnonymousUser() if who == "anonymous" else buyer
    prices = list_prices(buyer=visitor, products=scene)
    for product in scene:
        shown = (
            prices[product.pk].price_fen
            if product.pk in prices
            else product.skus.order_by("price_fen")[0].price_fen
        )
        assert shown == _page_min(visitor, product), product.title


def test_member_prices_reach_members_only(scene, buyer):
    wide, own, timed = scene
    member = list_prices(buyer=buyer, products=scene)
    assert (member[wide.pk].price_fen, member[own.pk].price_fen, member[timed.pk].price_fen) == (
        9000,
        15000,
        24000,
    )
    anonymous = list_prices(buyer=AnonymousUser(), products=scene)
    assert set(anonymous) == {timed.pk} and anonymous[timed.pk].price_fen == 24000


def test_lists_load_no_sku_and_the_live_path_skips_member_prices_for_visitors(scene, buyer, monkeypatch):
    """Lists read the prices computed ahead (promotions/display.py): no SKU is loaded. When a product must be
    priced live (`live_list_prices`: no row, or a row that expired), a visitor who is not logged in still
    loads only the SKUs of promotions that can reach them."""
    from wanshang.marketing.promotions import storefront

    wide, own, timed = scene
    asked = []
    real = storefront.active_skus_of_products

    def spy(*, product_ids):
        asked.append(set(product_ids))
        return real(product_ids=product_ids)

    monkeypatch.setattr(storefront, "active_skus_of_products", spy)
    list_prices(buyer=AnonymousUser(), products=scene)
    list_prices(buyer=buyer, products=scene)
    assert asked == []
    storefront.live_list_prices(buyer=AnonymousUser(), products=scene)
    storefront.live_list_prices(buyer=buyer, products=scene)
    assert asked == [{timed.pk}, {wide.pk, own.pk, timed.pk}]
