"""The sidebar is built from each page's own permission (declared once, with @seller_view)."""

import re

import pytest
from django.urls import reverse

from wanshang.merchants import permissions as P
from wanshang.sellercenter import access
from wanshang.sellercenter.views import products

pytestmark = pytest.mark.django_db

EVERY_ENTRY = [name for _, items in access.NAV for _, name, _ in items]


@pytest.fixture(autouse=True)
def _fresh_perm_cache():
    access.view_perm.cache_clear()
    yield
    access.view_perm.cache_clear()


def _menu_links(client) -> set[str]:
    body = client.get("/seller/", follow=True).content.decode()  # 门店 staff land on 自提核销
    side = re.search(r'<nav class="sc-side".*?</nav>', body, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', side))


@pytest.mark.parametrize("role", list(P.ROLE_PERMISSIONS))
def test_every_menu_link_shown_opens_and_every_hidden_one_is_403(client, shop, make_staff, role):
    client.force_login(shop.owner if role == "owner" else make_staff(shop, role))

    shown = _menu_links(client)

    every = {reverse(name) for name in EVERY_ENTRY}
    assert shown and shown <= every
    for url in sorted(every):
        status = client.get(url).status_code
        expected = 200 if url in shown else 403
        if role == "store" and url == reverse("sellercenter:dashboard"):
            expected = 302  # 门店 staff are sent on to 自提核销, their whole seller center
        assert status == expected, f"{role}: {url} answered {status}"


def test_menu_entry_follows_the_permission_its_view_declares(client, shop, make_staff, monkeypatch):
    client.force_login(make_staff(shop, "finance"))
    assert reverse("sellercenter:product_list") not in _menu_links(client)

    monkeypatch.setattr(products.product_list, "seller_perm", P.FINANCE_VIEW)
    access.view_perm.cache_clear()

    assert reverse("sellercenter:product_list") in _menu_links(client)


def test_every_menu_entry_is_a_seller_view():
    for name in EVERY_ENTRY:
        access.view_perm(name)  # raises ImproperlyConfigured for a page without @seller_view


def test_menu_groups_fold_and_the_current_pages_group_is_open(client, shop):
    client.force_login(shop.owner)
    body = client.get(reverse("sellercenter:stock_list")).content.decode()
    side = re.search(r'<nav class="sc-side".*?</nav>', body, re.S).group(0)
    groups = re.findall(r"<details class=\"sc-group\"[^>]*>\s*<summary>([^<]+)</summary>", side)
    opened = re.findall(r"<details class=\"sc-group\"[^>]*\bopen>\s*<summary>([^<]+)</summary>", side)
    assert len(groups) > 5
    assert opened == ["概览", "库存"]  # the first group and the one holding 库存管理; the rest folded
    assert 'class="active"' in side and reverse("sellercenter:stock_list") in side
