"""The whole affiliate journey through HTTP, as people do it: a user applies to be a promoter, the platform
approves, the merchant sets a rate, the promoter makes a link, a visitor clicks it and later buys and pays,
the merchant ships, the buyer confirms, the freeze passes (the job), the promoter withdraws and the platform
pays. Runs on SQLite and again on PostgreSQL (scripts/test)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = [pytest.mark.journey, pytest.mark.django_db]


def _hidden(html: str) -> dict[str, str]:
    out = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            out[name.group(1)] = value.group(1).replace("&quot;", '"').replace("&amp;", "&") if value else ""
    return out


def test_apply_approve_link_click_buy_receive_settle_withdraw(
    shop, make_product, make_user, make_address, operator, django_capture_on_commit_callbacks
):
    from wanshang.affiliates.models import Commission
    from wanshang.affiliates.services import commissions_settle
    from wanshang.payments.selectors import settlement_list

    product = make_product(shop, title="法式复古碎花连衣裙", prices=(15900,), stock=5)

    # 1. a user applies in the storefront
    promoter_user = make_user()
    promoter = Client()
    promoter.force_login(promoter_user)
    form = {
        "name": "穿搭小鹿",
        "channels": "小红书 @xiaolu；抖音 @xiaolu",
        "audience": "12 万粉丝，女装",
        "contact": "13700002222",
    }
    assert promoter.post("/promoter/apply/", form).status_code == 302
    assert "审核中" in promoter.get("/promoter/apply/").content.decode()
    assert promoter.get("/promoter/").status_code == 302  # not yet

    # 2. the platform approves
    platform = Client()
    platform.force_login(operator)
    page = platform.get("/platform/affiliates/").content.decode()
    promoter_id = int(re.search(r'data-promoter="(\d+)"', page).group(1))
    assert (
        platform.post(f"/platform/affiliates/{promoter_id}/review/", {"decision": "approve"}).status_code
        == 302
    )

    # 3. the merchant sets a shop-wide rate of 10%
    seller = Client()
    seller.force_login(shop.owner)
    assert seller.post("/seller/affiliates/", {"action": "shop_rate", "shop-rate": "10"}).status_code == 302

    # 4. the promoter finds the product with its rate and estimate, and makes a link
    page = promoter.get("/promoter/products/").content.decode()
    assert "法式复古碎花连衣裙" in page and "10%" in page and "¥14.31" in page  # 15.90 less the 10% fee, down
    r = promoter.post("/promoter/links/new/", {"product_id": product.pk})
    assert r.status_code == 302
    page = promoter.get(r["Location"]).content.decode()
    url = re.search(r'data-link-url[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-link-url', page)
    url = next(g for g in url.groups() if g)
    path = url.split("testserver", 1)[1]
    assert "?aff=" in path

    # 5. a visitor clicks it (anonymous), signs up later and buys within the window
    buyer_client = Client()
    assert buyer_client.get(path).status_code == 200
    buyer = make_user()
    address = make_address(buyer)
    buyer_client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            buyer_client.post("/cart/add/", {"sku_id": product.skus.get().pk, "quantity": 1}).status_code
            == 302
        )
    form = _hidden(buyer_client.get("/checkout/").content.decode())
    form["address_id"] = address.pk
    r = buyer_client.post("/checkout/", form)
    assert r.status_code == 302 and "/pay/" in r["Location"]
    payment_no = r["Location"].rstrip("/").split("/")[-1]
    with django_capture_on_commit_callbacks(execute=True):
        assert buyer_client.post(f"/pay/{payment_no}/sandbox/").status_code == 302

    summary = promoter.get("/api/store/promoter/summary").json()
    assert summary["clicks"] == 1 and summary["orders"] == 1
    assert summary["earnings"]["estimated"] == 1431

    # 6. the merchant ships, the buyer confirms receipt: confirmed
    order_no = promoter.get("/api/store/promoter/commissions").json()["items"][0]["order_no"]
    order_id = Commission.objects.get(order__no=order_no).order_id
    assert (
        seller.post(
            f"/seller/orders/{order_id}/ship/", {"carrier": "SF", "tracking_no": "SF1000012345"}
        ).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert buyer_client.post(f"/orders/{order_id}/confirm/").status_code == 302
    assert promoter.get("/api/store/promoter/commissions").json()["items"][0]["status"] == "confirmed"

    # 7. the freeze passes: settled, the shop's settlement charged once
    assert commissions_settle(now=timezone.now() + timedelta(days=16)) == 1
    assert promoter.get("/api/store/promoter/summary").json()["balance"]["available_fen"] == 1431
    kinds = [e.kind for e in settlement_list(shop=shop)]
    assert kinds.count("aff") == 1
    results = seller.get("/api/seller/affiliates/results").json()["items"]
    assert (
        results[0]["orders"] == 1 and results[0]["gmv_fen"] == 15900 and results[0]["commission_fen"] == 1590
    )

    # 8. withdraw ¥14.31, the platform pays
    assert (
        promoter.post("/promoter/withdrawals/", {"amount": "14.31", "account": "xiaolu@alipay"}).status_code
        == 302
    )
    page = platform.get("/platform/affiliates/withdrawals/").content.decode()
    withdrawal_id = int(re.search(r'data-withdrawal="(\d+)"', page).group(1))
    r = platform.post(f"/platform/affiliates/withdrawals/{withdrawal_id}/review/", {"decision": "approve"})
    assert r.status_code == 302
    balance = promoter.get("/api/store/promoter/summary").json()["balance"]
    assert (balance["paid_fen"], balance["available_fen"]) == (1431, 0)
