"""Sanction state on a shop (set and lifted by the 体检中心, enforced elsewhere): once per kind, a suspension
made by a sanction is undone when it lifts, an operator's own suspension is not."""

import pytest

from wanshang.common.errors import NotFound, ValidationError
from wanshang.merchants.selectors import shop_get, shop_sanctions, shops_sanctions, shops_with_sanction
from wanshang.merchants.services import shop_restore, shop_sanction_clear, shop_sanction_set, shop_suspend

pytestmark = pytest.mark.django_db


def test_set_and_clear_once(shop, other_shop):
    assert shop_sanction_set(shop_id=shop.pk, kind="no_ads", reason="体检中心扣分") is True
    assert shop_sanction_set(shop_id=shop.pk, kind="no_ads", reason="体检中心扣分") is False
    shop_sanction_set(shop_id=shop.pk, kind="search_demote", reason="体检中心扣分")
    assert shop_sanctions(shop_id=shop.pk) == {"no_ads", "search_demote"}
    assert shops_sanctions(shop_ids=[shop.pk, other_shop.pk]) == {
        shop.pk: frozenset({"no_ads", "search_demote"})
    }
    assert shops_with_sanction(kind="no_ads") == {shop.pk}
    assert shop_sanction_clear(shop_id=shop.pk, kind="no_ads") is True
    assert shop_sanction_clear(shop_id=shop.pk, kind="no_ads") is False
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote"}


def test_a_sanction_suspension_is_undone_when_it_lifts(shop):
    shop_sanction_set(shop_id=shop.pk, kind="suspend", reason="体检中心扣分达到暂停线")
    assert shop_get(shop_id=shop.pk).status == "suspended"
    shop_sanction_clear(shop_id=shop.pk, kind="suspend")
    assert shop_get(shop_id=shop.pk).status == "open"


def test_an_operators_suspension_stays_when_the_sanction_lifts(shop):
    shop_suspend(shop_id=shop.pk, reason="资质过期")
    shop_sanction_set(shop_id=shop.pk, kind="suspend", reason="体检中心扣分达到暂停线")
    shop_sanction_clear(shop_id=shop.pk, kind="suspend")
    assert shop_get(shop_id=shop.pk).suspend_reason == "资质过期"
    shop_restore(shop_id=shop.pk)


def test_bad_input(shop):
    with pytest.raises(ValidationError):
        shop_sanction_set(shop_id=shop.pk, kind="jail", reason="未知处罚")
    with pytest.raises(ValidationError):
        shop_sanction_set(shop_id=shop.pk, kind="no_ads", reason="")
    with pytest.raises(NotFound):
        shop_sanction_set(shop_id=999_999, kind="no_ads", reason="不存在的店")
    assert shop_sanctions(shop_id=shop.pk) == frozenset()
