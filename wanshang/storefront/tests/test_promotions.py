"""Promotions on the storefront pages: list = product page = checkout price (§20), coupons, 秒杀, 拼团, 套餐, points."""

import re
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def card_price(html: str, product) -> str:
    """The price a product card shows in a list."""
    found = re.search(rf'data-card-price="{product.pk}">([\d.]+)<', html)
    assert found, f"no card for product {product.pk}"
    return found.group(1)


def search(client, q):
    response = client.get(reverse("storefront:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def product_page(client, product):
    response = client.get(reverse("storefront:product", args=[product.pk]))
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def checkout_page(client, sku, qty=1, **params):
    response = client.get(reverse("storefront:checkout"), {"sku": sku.pk, "qty": qty, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def submit(client, response):
    data = {k: v for k, v in response.context["form"].initial.items()}
    answer = client.post(reverse("storefront:checkout"), data)
    assert answer.status_code == 302, answer.content.decode()[:800]
    assert answer["Location"].startswith("/pay/"), answer["Location"]
    return answer["Location"].rstrip("/").split("/")[-1]


def last_order(user):
    from wanshang.orders.selectors import buyer_order_list

    return list(buyer_order_list(buyer=user))[0]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def other_client(user):
    client = Client()
    client.force_login(user)
    return client


# --- §20: one price everywhere ------------------------------------------------------------------------------------


def test_list_product_page_and_checkout_show_the_same_discount_price_and_lists_drop_it_when_it_ends(
    buyer_client, address, shop, make_product, promo
):
    from wanshang.marketing.services import promotion_end

    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    sku = product.skus.get()
    sale = promo(shop, "time_discount", items=[{"sku_id": sku.pk, "price_fen": 8000}])

    listed = search(buyer_client, "睡衣")
    page = product_page(buyer_client, product)
    charged = checkout_page(buyer_client, sku).context["cart"].lines[0].unit_price_fen
    assert card_price(listed, product) == "80.00"
    assert "限时折扣" in listed
    assert page.context["sku_rows"][0].price.price_fen == 8000 == charged
    html = page.content.decode()
    assert re.search(r"data-price>80\.00<", html) and "限时折扣" in html

    promotion_end(shop=shop, promotion_id=sale.pk)
    listed = search(buyer_client, "睡衣")
    assert card_price(listed, product) == "100.00"
    assert "限时折扣" not in listed
    assert product_page(buyer_client, product).context["sku_rows"][0].price.price_fen == 10000
    assert checkout_page(buyer_client, sku).context["cart"].lines[0].unit_price_fen == 10000


def test_a_cached_list_stops_showing_a_discount_that_ran_out_by_time(client, shop, make_product, promo):
    """Reaching `ends_at` bumps no listing version: the cached fragment is served, the price overlay is fresh."""
    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    promo(
        shop,
        "time_discount",
        items=[{"sku_id": product.skus.get().pk, "discount_bps": 9000}],
        ends=timezone.now() + timedelta(hours=1),
    )
    assert card_price(search(client, "睡衣"), product) == "90.00"

    later = timezone.now() + timedelta(hours=2)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch(
            "wanshang.storefront.views.catalog.product_search",
            side_effect=AssertionError("the list should come from the cache"),
        ),
    ):
        listed = search(client, "睡衣")
    assert card_price(listed, product) == "100.00"
    assert "限时折扣" not in listed


def test_home_shop_page_and_related_goods_show_the_promotion_price_and_tags(
    client, shop, make_product, promo
):
    dress = make_product(shop, title="法式碎花连衣裙", prices=(20000,))
    other = make_product(shop, title="真丝衬衫", prices=(30000,))
    promo(shop, "time_discount", items=[{"sku_id": dress.skus.get().pk, "price_fen": 15000}])

    home = client.get(reverse("storefront:home")).content.decode()
    shop_page = client.get(reverse("storefront:shop", args=[shop.slug])).content.decode()
    related = product_page(client, other).content.decode()
    for html in (home, shop_page, related):
        assert card_price(html, dress) == "150.00"
        assert "限时折扣" in html
    assert card_price(shop_page, other) == "300.00"


# --- product page --------------------------------------------------------------------------------------------------


def test_product_page_strikes_an_original_price_only_when_the_7_day_rule_allows_it(
    buyer, buyer_client, address, shop, make_product
):
    from wanshang.catalog.services import sku_price_update
    from wanshang.checkout.services import checkout_submit
    from wanshang.compliance.services import transaction_prices_record
    from wanshang.orders.selectors import order_facts

    sold = make_product(shop, title="羊毛大衣", prices=(12900,))
    never_sold = make_product(shop, title="羊绒围巾", prices=(9900,))
    sku = sold.skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    transaction_prices_record(
        orders=[order_facts(o) for o in payment.orders.all()], now=timezone.now() - timedelta(days=2)
    )
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9900, original_price_fen=12900)
    sku_price_update(
        staff=shop.owner_staff, sku_id=never_sold.skus.get().pk, price_fen=9900, original_price_fen=15900
    )

    ok = product_page(buyer_client, sold).content.decode()
    assert re.search(r'class="strike" data-original[^>]*>¥129\.00<', ok)
    refused = product_page(buyer_client, never_sold)
    assert refused.context["sku_rows"][0].original_fen is None
    assert "¥159.00" not in refused.content.decode()


def test_product_page_labels_a_manufacturer_price_without_striking_it(client, shop, make_product):
    from wanshang.catalog.services import sku_price_update

    product = make_product(shop, prices=(9900,), original_price_is_msrp=True)
    sku_price_update(
        staff=shop.owner_staff, sku_id=product.skus.get().pk, price_fen=9900, original_price_fen=12900
    )
    html = product_page(client, product).content.decode()
    assert "厂商指导价 ¥129.00" in html
    assert not re.search(r'class="strike" data-original[^>]*>¥', html)


def test_product_page_shows_full_reduction_coupons_bundle_and_tags(client, shop, make_product, promo):
    a = make_product(shop, title="咖啡豆", prices=(6000,))
    b = make_product(shop, title="手冲壶", prices=(4000,))
    promo(shop, "full_reduction", config={"mode": "tiers", "tiers": [[20000, 2000], [30000, 5000]]})
    promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        total_quantity=10,
        name="咖啡节店铺券",
    )
    promo(
        shop,
        "bundle",
        name="咖啡入门套装",
        config={"price_fen": 8800},
        items=[{"sku_id": a.skus.get().pk, "quantity": 1}, {"sku_id": b.skus.get().pk, "quantity": 1}],
    )

    response = product_page(client, a)
    html = response.content.decode()
    assert "满200减20，满300减50" in html
    assert "店铺券 满100减10" in html and "领取" in html
    bundle = response.context["bundles"][0]
    assert (bundle["whole_fen"], bundle["price_fen"], bundle["save_fen"]) == (10000, 8800, 1200)
    assert "咖啡入门套装" in html and "单买合计 ¥100.00" in html
    assert {"满减", "优惠券", "套餐"} <= set(response.context["promos"].tags)


def test_product_page_with_every_promotion_runs_a_bounded_number_of_queries(
    buyer_client, address, shop, make_product, promo, django_assert_max_num_queries
):
    product = make_product(shop, prices=tuple(2000 + i for i in range(12)), stock=5)
    skus = list(product.skus.all())
    promo(shop, "time_discount", items=[{"sku_id": s.pk, "discount_bps": 9000} for s in skus[:6]])
    promo(shop, "flash_sale", items=[{"sku_id": s.pk, "price_fen": 1000, "stock": 2} for s in skus[6:9]])
    promo(
        shop,
        "group_buy",
        config={"size": 2, "hours": 24},
        items=[{"sku_id": s.pk, "price_fen": 1500} for s in skus[9:]],
    )
    promo(shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 100}, total_quantity=10)
    # 18, 1 for the shop's running A/B experiments (cached after), 2 for the stored rating and DSR (docs/reviews.md)
    with django_assert_max_num_queries(21):
        response = buyer_client.get(reverse("storefront:product", args=[product.pk]))
    assert response.status_code == 200
    assert len(response.context["flash_rows"]) == 3 and len(response.context["group_rows"]) == 3


# --- coupons -------------------------------------------------------------------------------------------------------


@pytest.fixture
def coupon_shop(shop, make_product, promo):
    """A ¥250 jacket and a ¥162 shirt; a 满200减20 shop coupon, one per buyer."""
    jacket = make_product(shop, title="冲锋衣", prices=(25000,))
    shirt = make_product(shop, title="速干T恤", prices=(16200,))
    coupon = promo(
        shop,
        "coupon",
        name="户外节店铺券",
        config={"type": "amount", "threshold_fen": 20000, "amount_fen": 2000},
        total_quantity=10,
        per_buyer_limit=1,
    )
    return jacket, shirt, coupon


def claim(client, coupon, **extra):
    return client.post(reverse("storefront:coupon_claim"), {"promotion_id": coupon.pk}, **extra)


def test_buyer_claims_a_coupon_on_the_product_page_and_checkout_applies_it(
    buyer, buyer_client, address, coupon_shop
):
    jacket, _shirt, coupon = coupon_shop
    page = product_page(buyer_client, jacket).content.decode()
    assert f'id="claim-{coupon.pk}"' in page

    answer = claim(buyer_client, coupon, **HTMX)
    assert answer.status_code == 200
    assert "已领取" in answer.content.decode()
    assert "已领取" in product_page(buyer_client, jacket).content.decode()

    response = checkout_page(buyer_client, jacket.skus.get())
    cart = response.context["cart"]
    (view,) = cart.coupons
    assert view.chosen and view.amount_fen == 2000
    assert [(a.label, a.amount_fen) for a in cart.groups[0].breakdown] == [("店铺券 满200减20", 2000)]
    assert "店铺券 满200减20" in response.content.decode()

    submit(buyer_client, response)
    order = last_order(buyer)
    assert order.discount_fen == 2000
    assert order.total_fen == 25000 - 2000 + order.freight_fen
    assert [(a["label"], a["amount_fen"]) for a in order.adjustments] == [("店铺券 满200减20", 2000)]
    detail = buyer_client.get(reverse("storefront:order_detail", args=[order.pk])).content.decode()
    assert "店铺券 满200减20" in detail
    used = buyer_client.get(reverse("storefront:my_coupons"), {"state": "used"}).content.decode()
    assert "户外节店铺券" in used


def test_second_claim_over_the_per_buyer_limit_says_so(buyer_client, coupon_shop):
    _jacket, _shirt, coupon = coupon_shop
    claim(buyer_client, coupon, **HTMX)
    again = claim(buyer_client, coupon, **HTMX)
    assert "每人限领 1 张，您已领取" in again.content.decode()
    plain = claim(buyer_client, coupon, follow=True)
    assert "每人限领 1 张，您已领取" in messages_of(plain)


def test_a_coupon_below_its_threshold_says_how_much_is_missing(buyer_client, address, coupon_shop):
    _jacket, shirt, coupon = coupon_shop
    claim(buyer_client, coupon)
    response = checkout_page(buyer_client, shirt.skus.get())
    assert "还差38元可用" in response.content.decode()
    assert response.context["cart"].discount_fen == 0
    buyer_client.post(reverse("storefront:cart_add"), {"sku_id": shirt.skus.get().pk, "quantity": 1})
    assert "还差38元可用" in buyer_client.get(reverse("storefront:cart")).content.decode()


def test_buyer_can_leave_a_coupon_unused_and_the_order_charges_what_the_page_showed(
    buyer, buyer_client, address, coupon_shop
):
    jacket, _shirt, coupon = coupon_shop
    claim(buyer_client, coupon)
    response = checkout_page(buyer_client, jacket.skus.get(), pick="1")  # ticked nothing
    assert response.context["cart"].discount_fen == 0
    assert response.context["form"].initial["coupon_ids"] == ""
    submit(buyer_client, response)
    assert last_order(buyer).discount_fen == 0
    unused = buyer_client.get(reverse("storefront:my_coupons")).content.decode()
    assert "户外节店铺券" in unused


def test_coupon_center_lists_claimable_coupons_and_visitors_are_sent_to_log_in(client, coupon_shop):
    _jacket, _shirt, coupon = coupon_shop
    html = client.get(reverse("storefront:coupon_center")).content.decode()
    assert "店铺券 满200减20" in html and "每人限领 1 张" in html
    answer = claim(client, coupon)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))


def test_another_buyer_cannot_see_my_coupons(buyer_client, make_user, coupon_shop):
    _jacket, _shirt, coupon = coupon_shop
    claim(buyer_client, coupon)
    assert "户外节店铺券" in buyer_client.get(reverse("storefront:my_coupons")).content.decode()
    stranger = other_client(make_user())
    for state in ("unused", "used", "expired"):
        html = stranger.get(reverse("storefront:my_coupons"), {"state": state}).content.decode()
        assert "户外节店铺券" not in html
    assert "退回规则" in html and "店铺券" in html


# --- points --------------------------------------------------------------------------------------------------------


def test_checkout_with_points_charges_less_and_the_order_and_ledger_show_them(
    buyer, buyer_client, address, shop, make_product, grant_points
):
    sku = make_product(shop, prices=(10000,)).skus.get()
    grant_points(buyer, 8000)
    plain = checkout_page(buyer_client, sku)
    assert plain.context["cart"].points_used == 0 and "使用积分" in plain.content.decode()

    response = checkout_page(buyer_client, sku, points="1")
    cart = response.context["cart"]
    assert cart.points_used == 5000  # at most half the goods: ¥50 at 100 points per yuan
    assert response.context["form"].initial["use_points"] is True
    submit(buyer_client, response)
    order = last_order(buyer)
    assert order.points_used == 5000
    assert order.total_fen == 10000 - 5000 + order.freight_fen
    assert (
        "使用积分" in buyer_client.get(reverse("storefront:order_detail", args=[order.pk])).content.decode()
    )
    ledger = buyer_client.get(reverse("storefront:my_points"))
    assert ledger.context["balance"] == 3000
    assert "下单抵扣" in ledger.content.decode() and "-5000" in ledger.content.decode()


# --- flash sales ---------------------------------------------------------------------------------------------------


def flash_form(client, product, **overrides):
    response = product_page(client, product)
    row = response.context["flash_rows"][0]
    data = {
        "item_id": row["item"].pk,
        "quantity": 1,
        "idempotency_key": uuid.uuid4().hex,
        "next": reverse("storefront:product", args=[product.pk]),
    }
    data.update(overrides)
    return data


def test_flash_buy_orders_at_the_flash_price_then_others_see_it_sold_out(
    buyer, buyer_client, address, make_user, make_address, shop, make_product, promo
):
    product = make_product(shop, title="限量球鞋", prices=(50000,), stock=10)
    promo(
        shop,
        "flash_sale",
        items=[{"sku_id": product.skus.get().pk, "price_fen": 9900, "stock": 1}],
        per_buyer_limit=1,
    )
    page = product_page(buyer_client, product).content.decode()
    assert "立即抢购" in page and "仅剩 1 件" in page

    answer = buyer_client.post(reverse("storefront:flash_buy"), flash_form(buyer_client, product))
    assert answer.status_code == 302 and answer["Location"].startswith("/pay/")
    line = last_order(buyer).lines.get()
    assert (line.unit_price_fen, line.promotion_label) == (9900, "秒杀价")

    late = make_user()
    make_address(late, is_default=True)
    late_client = other_client(late)
    refused = late_client.post(reverse("storefront:flash_buy"), flash_form(late_client, product), follow=True)
    assert "手慢了，秒杀商品已抢光" in messages_of(refused)
    assert "已抢光" in refused.content.decode()


def test_flash_buy_over_the_per_buyer_limit_is_refused(
    buyer, buyer_client, address, shop, make_product, promo, orders_of
):
    product = make_product(shop, prices=(50000,), stock=10)
    promo(
        shop,
        "flash_sale",
        items=[{"sku_id": product.skus.get().pk, "price_fen": 9900, "stock": 5}],
        per_buyer_limit=1,
    )
    buyer_client.post(reverse("storefront:flash_buy"), flash_form(buyer_client, product))
    again = buyer_client.post(reverse("storefront:flash_buy"), flash_form(buyer_client, product), follow=True)
    assert any("秒杀每人限购 1 件" in m for m in messages_of(again))
    assert len(orders_of(buyer)) == 1


def test_flash_buy_without_an_address_asks_for_one(buyer_client, shop, make_product, promo):
    product = make_product(shop, prices=(50000,), stock=10)
    promo(shop, "flash_sale", items=[{"sku_id": product.skus.get().pk, "price_fen": 9900, "stock": 5}])
    answer = buyer_client.post(reverse("storefront:flash_buy"), flash_form(buyer_client, product))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:address_create"))


def test_flash_board_shows_sessions_with_countdown_and_what_is_left(client, shop, make_product, promo):
    product = make_product(shop, title="限量球鞋", prices=(50000,), stock=10)
    promo(shop, "flash_sale", items=[{"sku_id": product.skus.get().pk, "price_fen": 9900, "stock": 3}])
    soon = make_product(shop, title="联名卫衣", prices=(30000,), stock=10)
    promo(
        shop,
        "flash_sale",
        items=[{"sku_id": soon.skus.get().pk, "price_fen": 9900, "stock": 3}],
        starts=timezone.now() + timedelta(hours=2),
        ends=timezone.now() + timedelta(hours=3),
    )
    response = client.get(reverse("storefront:flash_board"))
    html = response.content.decode()
    assert [s["running"] for s in response.context["sessions"]] == [True, False]
    assert "限量球鞋" in html and "联名卫衣" in html and "仅剩 3 件" in html
    assert "promoCountdown(" in html
    assert reverse("storefront:flash_board") in client.get(reverse("storefront:home")).content.decode()
    upcoming = product_page(client, soon)
    assert not upcoming.context["flash_running"] and "即将开始" in upcoming.content.decode()


# --- group buys ----------------------------------------------------------------------------------------------------


def test_buyer_starts_a_group_a_friend_joins_by_the_team_page_and_it_completes_when_both_pay(
    buyer, buyer_client, address, make_user, make_address, shop, make_product, promo
):
    product = make_product(shop, title="有机草莓", prices=(9900,), stock=10)
    promo(
        shop,
        "group_buy",
        config={"size": 2, "hours": 24},
        items=[{"sku_id": product.skus.get().pk, "price_fen": 5900}],
    )
    page = product_page(buyer_client, product)
    item = page.context["group_rows"][0]["item"]
    assert "发起拼团" in page.content.decode()

    started = buyer_client.post(
        reverse("storefront:group_buy"),
        {"item_id": item.pk, "quantity": 1, "idempotency_key": uuid.uuid4().hex},
    )
    assert started.status_code == 302 and started["Location"].startswith("/pay/")
    assert last_order(buyer).lines.get().unit_price_fen == 5900
    (team,) = [row["team"] for row in product_page(buyer_client, product).context["open_teams"]]

    friend = make_user(nickname="李小花")
    make_address(friend, is_default=True)
    friend_client = other_client(friend)
    team_page = friend_client.get(reverse("storefront:group_team", args=[team.pk]))
    html = team_page.content.decode()
    assert "拼团中" in html and "有机草莓" in html and "59.00" in html
    assert team_page.context["seats"] == 1 and team_page.context["can_join"]
    assert buyer.username not in html  # names are masked
    join = dict(item_id=item.pk, team_id=team.pk, quantity=1, idempotency_key=team_page.context["buy_key"])
    joined = friend_client.post(reverse("storefront:group_buy"), join)
    assert joined.status_code == 302 and joined["Location"].startswith("/pay/")

    mine = friend_client.get(reverse("storefront:group_team", args=[team.pk]))
    assert mine.context["is_member"] and not mine.context["can_join"]
    assert "李*花" in mine.content.decode()
    for client, user in ((buyer_client, buyer), (friend_client, friend)):
        client.post(reverse("storefront:pay_sandbox", args=[last_order(user).payment.no]))
    assert "拼团成功" in client.get(reverse("storefront:group_team", args=[team.pk])).content.decode()


def test_joining_the_same_group_twice_is_refused_with_a_reason(
    buyer, buyer_client, address, shop, make_product, promo
):
    product = make_product(shop, prices=(9900,), stock=10)
    promo(
        shop,
        "group_buy",
        config={"size": 3, "hours": 24},
        items=[{"sku_id": product.skus.get().pk, "price_fen": 5900}],
    )
    item = product_page(buyer_client, product).context["group_rows"][0]["item"]
    buyer_client.post(
        reverse("storefront:group_buy"),
        {"item_id": item.pk, "quantity": 1, "idempotency_key": uuid.uuid4().hex},
    )
    team = product_page(buyer_client, product).context["open_teams"][0]["team"]
    again = buyer_client.post(
        reverse("storefront:group_buy"),
        {
            "item_id": item.pk,
            "team_id": team.pk,
            "quantity": 1,
            "idempotency_key": uuid.uuid4().hex,
            "next": reverse("storefront:group_team", args=[team.pk]),
        },
        follow=True,
    )
    assert "您已在这个团里" in messages_of(again)


def test_unknown_group_page_is_404(client, db):
    assert client.get(reverse("storefront:group_team", args=[999999])).status_code == 404


# --- bundles -------------------------------------------------------------------------------------------------------


def test_bundle_button_puts_every_sku_in_the_cart_and_the_cart_shows_the_bundle_saving(
    buyer_client, shop, make_product, promo
):
    a = make_product(shop, title="咖啡豆", prices=(6000,))
    b = make_product(shop, title="手冲壶", prices=(4000,))
    bundle = promo(
        shop,
        "bundle",
        name="咖啡入门套装",
        config={"price_fen": 8800},
        items=[{"sku_id": a.skus.get().pk, "quantity": 2}, {"sku_id": b.skus.get().pk, "quantity": 1}],
    )
    answer = buyer_client.post(reverse("storefront:bundle_add"), {"product_id": a.pk, "bundle_id": bundle.pk})
    assert answer.status_code == 302 and answer["Location"] == reverse("storefront:cart")
    response = buyer_client.get(reverse("storefront:cart"))
    cart = response.context["cart"]
    assert {(line.sku_id, line.quantity) for line in cart.lines} == {
        (a.skus.get().pk, 2),
        (b.skus.get().pk, 1),
    }
    assert cart.groups[0].discount_fen == 16000 - 8800
    assert "套餐 咖啡入门套装" in response.content.decode()


def test_an_unknown_bundle_is_404_and_the_cart_is_unchanged(buyer_client, shop, make_product):
    a = make_product(shop, prices=(6000,))
    answer = buyer_client.post(reverse("storefront:bundle_add"), {"product_id": a.pk, "bundle_id": 999999})
    assert answer.status_code == 404 and "套餐不存在或已结束" in answer.content.decode()
    assert buyer_client.get(reverse("storefront:cart")).context["cart"].lines == []


# --- cart: item labels, notes and hints ----------------------------------------------------------------------------


def test_cart_shows_item_labels_full_reduction_hints_and_breakdown(buyer_client, shop, make_product, promo):
    a = make_product(shop, title="登山包", prices=(16200,))
    promo(shop, "time_discount", items=[{"sku_id": a.skus.get().pk, "price_fen": 15000}])
    promo(shop, "full_reduction", name="满减季", config={"mode": "tiers", "tiers": [[20000, 5000]]})
    buyer_client.post(reverse("storefront:cart_add"), {"sku_id": a.skus.get().pk, "quantity": 1})
    html = buyer_client.get(reverse("storefront:cart")).content.decode()
    assert "限时折扣" in html and "售价 ¥162.00" in html
    assert "满减季：再买¥50可减¥50" in html
    buyer_client.post(reverse("storefront:cart_update"), {"sku_id": a.skus.get().pk, "quantity": 2})
    response = buyer_client.get(reverse("storefront:cart"))
    assert [(x.label, x.amount_fen) for x in response.context["cart"].groups[0].breakdown] == [
        ("满200减50", 5000)
    ]
    assert "满200减50" in response.content.decode()
