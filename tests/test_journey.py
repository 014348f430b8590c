"""The marketplace journey through HTTP, as people do it: a buyer signs up, browses, buys from two shops in
one checkout, pays in the sandbox; each merchant ships; the buyer confirms; settlement entries appear.
Runs on SQLite and again on PostgreSQL (scripts/test)."""

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.journey, pytest.mark.django_db]

PASSWORD = "Journey#2026"


def hidden_inputs(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="hidden"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = (
                value.group(1).replace("&quot;", '"').replace("&amp;", "&") if value else ""
            )
    return fields


def test_buyer_buys_from_two_shops_and_both_merchants_get_settled(
    make_shop, make_product, django_capture_on_commit_callbacks
):
    from wanshang.orders.selectors import buyer_order_list
    from wanshang.payments.selectors import settlement_list

    shop_a, shop_b = make_shop(name="青禾服饰旗舰店"), make_shop(name="澜芯数码专营店")
    dress = make_product(shop_a, title="法式复古碎花连衣裙", prices=(15900, 16900), stock=5)
    buds = make_product(shop_b, title="主动降噪蓝牙耳机", prices=(29900,), stock=3)

    buyer = Client()
    # sign up and log in
    r = buyer.post(
        "/accounts/signup/",
        {"login": "13912345678", "nickname": "小王", "password": PASSWORD, "password2": PASSWORD},
    )
    assert r.status_code == 302
    buyer.post("/accounts/logout/")
    assert buyer.post("/accounts/login/", {"login": "13912345678", "password": PASSWORD}).status_code == 302

    # browse: home, search, product page
    assert buyer.get("/").status_code == 200
    r = buyer.get("/search/", {"q": "连衣裙"})
    assert "法式复古碎花连衣裙" in r.content.decode()
    r = buyer.get(f"/p/{dress.pk}/")
    assert r.status_code == 200 and "159.00" in r.content.decode()

    # address with the region picker's district code
    r = buyer.post(
        "/accounts/addresses/new/",
        {
            "receiver": "王小明",
            "phone": "13912345678",
            "district_code": "440305",
            "detail": "粤海街道科技园南区 1 栋 101",
        },
    )
    assert r.status_code == 302

    # cart: one SKU of each shop
    dress_sku = dress.skus.order_by("price_fen").last()
    for sku_id, qty in ((dress_sku.pk, 2), (buds.skus.get().pk, 1)):
        with django_capture_on_commit_callbacks(
            execute=True
        ):  # the add-to-cart event is recorded after commit
            assert buyer.post("/cart/add/", {"sku_id": sku_id, "quantity": qty}).status_code == 302
    r = buyer.get("/cart/")
    assert "青禾服饰旗舰店" in r.content.decode() and "澜芯数码专营店" in r.content.decode()

    # checkout: one order per shop, one payment
    r = buyer.get("/checkout/")
    assert r.status_code == 200
    form = hidden_inputs(r.content.decode())
    assert (
        int(form["expected_payable_fen"]) == 2 * 16900 + 29900
    )  # both shops are over the ¥99 free-shipping line
    r = buyer.post("/checkout/", {**form, "buyer_note": "请尽快发货"})
    assert r.status_code == 302 and "/pay/" in r["Location"]
    payment_no = r["Location"].rstrip("/").split("/")[-1]
    # a double submit of the same form creates nothing more
    again = buyer.post("/checkout/", {**form, "buyer_note": "请尽快发货"})
    assert again.status_code == 302 and again["Location"] == r["Location"]

    # cashier: pay in the sandbox
    assert buyer.get(f"/pay/{payment_no}/").status_code == 200
    assert buyer.post(f"/pay/{payment_no}/sandbox/").status_code == 302
    from wanshang.accounts.selectors import user_find_by_login

    me = user_find_by_login(login="13912345678")
    orders = list(buyer_order_list(buyer=me))
    assert len(orders) == 2 and {o.status for o in orders} == {"paid"}

    # each merchant ships its own order from the seller center
    for shop in (shop_a, shop_b):
        order = next(o for o in orders if o.shop_id == shop.pk)
        seller = Client()
        seller.force_login(shop.owner)
        assert seller.get(f"/seller/orders/{order.pk}/").status_code == 200
        r = seller.post(
            f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": f"SF10000{order.pk:05d}"}
        )
        assert r.status_code == 302
        # and cannot see the other shop's order
        other = next(o for o in orders if o.shop_id != shop.pk)
        assert seller.get(f"/seller/orders/{other.pk}/").status_code == 404

    # the buyer confirms receipt of both
    for order in orders:
        r = buyer.get(f"/orders/{order.pk}/")
        assert "已发货" in r.content.decode()
        assert buyer.post(f"/orders/{order.pk}/confirm/").status_code == 302
    assert {o.status for o in buyer_order_list(buyer=me)} == {"completed"}

    # settlement entries, visible in each seller center
    for shop in (shop_a, shop_b):
        entries = list(settlement_list(shop=shop))
        assert len(entries) == 1
        order = entries[0].order
        assert entries[0].gross_fen == order.total_fen
        assert entries[0].net_fen == order.total_fen - entries[0].commission_fen
        seller = Client()
        seller.force_login(shop.owner)
        assert order.no in seller.get("/seller/settlements/").content.decode()

    # 数据中心: the journey is in each shop's figures for today — the buyer's page views, the cart adds,
    # one paying buyer and exactly what was paid (freight included)
    from wanshang.analytics.collector import ingest

    ingest()
    for shop in (shop_a, shop_b):
        order = next(o for o in orders if o.shop_id == shop.pk)
        seller = Client()
        seller.force_login(shop.owner)
        figures = {m["key"]: m["value"] for m in seller.get("/api/seller/data/overview").json()["metrics"]}
        assert figures["paid_buyers"] == 1 and figures["paid_orders"] == 1
        assert figures["paid_fen"] == order.total_fen
        assert figures["uv"] == (
            1 if shop is shop_a else 0
        )  # the buyer opened the dress page, not the earbuds'
        funnel = seller.get("/api/seller/data/overview").json()["funnel"]
        # the same person through the steps: only shop A's page was visited, so only A's funnel has her
        assert [s["count"] for s in funnel] == ([1, 1, 1, 1, 1] if shop is shop_a else [0, 0, 0, 0, 0])
