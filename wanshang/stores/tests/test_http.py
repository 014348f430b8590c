"""到店自提 over HTTP: the buyer's checkout page and API, the order page with the code, the store's 核销 page and
API; the 门店 role's narrow view; shop isolation; bad input on every form and endpoint."""

import re
import uuid

import pytest
from django.test import Client

from wanshang.stores.selectors import pickup_of_order

pytestmark = pytest.mark.django_db

STORE_BODY = {
    "name": "三里屯店",
    "district_code": "110105",
    "detail": "三里屯路 19 号",
    "phone": "010-64178888",
    "hours": "10:00-22:00",
    "pickup_enabled": True,
}


@pytest.fixture
def scene(shop, make_product, make_store, store_clerk):
    product = make_product(shop, title="手冲咖啡壶", prices=(12900,), stock=5, weight_g=2000)
    store = make_store(shop, name="望京店")
    clerk = store_clerk(shop, store)
    return product, store, clerk


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _json(c, method, url, body=None, **headers):
    return getattr(c, method)(
        url, body if body is not None else {}, content_type="application/json", **headers
    )


def test_full_journey_through_the_pages(scene, buyer, make_address):
    product, store, clerk = scene
    address = make_address(buyer)
    sku = product.skus.get()
    b = _as(buyer)
    delivery = b.get(f"/checkout/?sku={sku.pk}&qty=1")
    assert delivery.status_code == 200 and "到店自提" in delivery.content.decode()
    page = b.get(f"/checkout/?sku={sku.pk}&qty=1&pickup={store.shop_id}:{store.pk}")
    html = page.content.decode()
    assert "到店自提 免运费" in html and "望京店" in html
    form = page.context["form"].initial
    assert form["expected_payable_fen"] == 12900  # no freight
    assert form["pickup"] == f"{store.shop_id}:{store.pk}"
    placed = b.post(
        "/checkout/",
        {**form, "mode": "direct", "address_id": address.pk, "buyer_note": "", "use_points": ""},
    )
    assert placed.status_code == 302, placed.content.decode()[:2000]
    payment_no = placed["Location"].rstrip("/").split("/")[-1]
    assert b.post(f"/pay/{payment_no}/sandbox/").status_code == 302
    order = buyer.orders.get()
    assert order.is_pickup and order.status == "paid" and order.freight_fen == 0
    code = pickup_of_order(order_id=order.pk).code
    shown = b.get(f"/orders/{order.pk}/").content.decode()
    assert f"{code[:4]} {code[4:]}" in shown and "<svg" in shown and "待自提" in shown
    s = _as(clerk.user)
    assert s.get("/seller/").status_code == 302  # 门店 staff land on 核销
    verify = s.get("/seller/pickup/verify/")
    assert verify.status_code == 200 and order.no in verify.content.decode()
    assert code not in verify.content.decode()  # the seller side never shows the code
    done = s.post("/seller/pickup/verify/", {"store_id": store.pk, "code": code})
    assert done.status_code == 302
    assert "核销成功" in s.get(done["Location"]).content.decode()
    order.refresh_from_db()
    assert order.status == "completed"
    again = s.post("/seller/pickup/verify/", {"store_id": store.pk, "code": code})
    assert again.status_code == 409 and "不能重复使用" in again.content.decode()
    assert "已提货" in b.get(f"/orders/{order.pk}/").content.decode()


def test_full_journey_through_the_api(scene, buyer, make_address):
    product, store, clerk = scene
    address = make_address(buyer)
    sku = product.skus.get()
    b = _as(buyer)
    preview = b.get(
        f"/api/store/checkout/preview?sku_id={sku.pk}&address_id={address.pk}&pickup={store.shop_id}:{store.pk}"
    ).json()
    group = preview["groups"][0]
    assert group["freight_fen"] == 0 and group["pickup_store_id"] == store.pk
    assert [s["name"] for s in group["pickup_stores"]] == ["望京店"]
    made = _json(
        b,
        "post",
        "/api/store/orders",
        {
            "items": [{"sku_id": sku.pk, "quantity": 1}],
            "address_id": address.pk,
            "expected_payable_fen": preview["payable_fen"],
            "pickup": [{"shop_id": store.shop_id, "store_id": store.pk}],
        },
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert made.status_code == 201, made.content
    assert b.post(f"/pay/{made.json()['payment_no']}/sandbox/").status_code == 302
    order = buyer.orders.get()
    detail = b.get(f"/api/store/orders/{order.pk}").json()
    assert detail["is_pickup"] and re.fullmatch(r"\d{8}", detail["pickup"]["code"])
    assert detail["pickup"]["qr_svg"].startswith("<svg") and detail["pickup"]["store"]["name"] == "望京店"
    s = _as(clerk.user)
    listed = s.get("/api/seller/pickups").json()
    assert [p["order_no"] for p in listed["items"]] == [order.no] and "code" not in listed["items"][0]
    ok = _json(
        s, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": detail["pickup"]["code"]}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "picked_up"
    twice = _json(
        s, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": detail["pickup"]["code"]}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_used"
    assert b.get(f"/api/store/orders/{order.pk}").json()["status"] == "completed"


def test_store_role_sees_only_its_store(scene, buyer, pickup_order, make_store, store_clerk, shop):
    product, store, clerk = scene
    second = make_store(shop, name="国贸店")
    mine = pickup_order(buyer, product, store)
    theirs = pickup_order(buyer, product, second)
    s = _as(clerk.user)
    page = s.get("/seller/pickup/verify/").content.decode()
    assert mine.no in page and theirs.no not in page
    assert s.get(f"/seller/pickup/verify/?store={second.pk}").content.decode().count(theirs.no) == 0
    api = s.get("/api/seller/pickups?status=all").json()
    assert {p["order_no"] for p in api["items"]} == {mine.no}
    assert s.get(f"/api/seller/pickups?store_id={second.pk}").json()["count"] == 0
    code = pickup_of_order(order_id=theirs.pk).code
    other = _json(s, "post", "/api/seller/pickups/verify", {"store_id": second.pk, "code": code})
    assert other.status_code == 404  # not their store
    wrong_store = _json(s, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": code})
    assert wrong_store.status_code == 409 and wrong_store.json()["code"] == "other_store"
    sku_prices = f"/seller/skus/{product.skus.get().pk}/prices/"  # a SKU's price history is product work
    for url in [
        "/seller/orders/",
        f"/seller/orders/{mine.pk}/",
        "/seller/stores/",
        "/seller/products/",
        sku_prices,
    ]:
        assert s.get(url).status_code == 403, url
    assert (
        s.post(f"/seller/orders/{mine.pk}/ship/", {"carrier": "SF", "tracking_no": "SF123456789"}).status_code
        == 403
    )
    for url in ["/api/seller/orders", f"/api/seller/orders/{mine.pk}", "/api/seller/stores"]:
        assert s.get(url).status_code == 403, url
    shipped = _json(
        s, "post", f"/api/seller/orders/{mine.pk}/ship", {"carrier": "SF", "tracking_no": "SF123456789"}
    )
    assert shipped.status_code == 403
    nav = s.get("/seller/pickup/verify/").context["nav"]
    assert [item["key"] for _title, items in nav for item in items] == ["dashboard", "pickup_verify"]


def test_owner_cannot_ship_a_pickup_order(scene, buyer, pickup_order, shop):
    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    o = _as(shop.owner)
    r = _json(
        o, "post", f"/api/seller/orders/{order.pk}/ship", {"carrier": "SF", "tracking_no": "SF123456789"}
    )
    assert r.status_code == 409 and "到店自提" in r.json()["detail"]


def test_shop_isolation(scene, buyer, pickup_order, other_shop, make_store):
    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    far = make_store(other_shop, name="别家店")
    o = _as(other_shop.owner)
    assert o.get(f"/seller/stores/{store.pk}/").status_code == 404
    assert o.post(f"/seller/stores/{store.pk}/", {**STORE_BODY}).status_code == 404
    assert o.get(f"/api/seller/stores/{store.pk}").status_code == 404
    body = {**STORE_BODY, "warehouse_id": far.warehouse_id}
    assert _json(o, "put", f"/api/seller/stores/{store.pk}", body).status_code == 404
    assert _json(o, "put", f"/api/seller/stores/{store.pk}/staff", {"user_ids": []}).status_code == 404
    assert [s["name"] for s in o.get("/api/seller/stores").json()["items"]] == ["别家店"]
    assert "望京店" not in o.get("/seller/stores/").content.decode()
    assert o.get("/api/seller/pickups?status=all").json()["count"] == 0
    assert order.no not in o.get("/seller/pickup/verify/").content.decode()
    assert o.get(f"/api/seller/pickups?store_id={store.pk}").json()["count"] == 0
    code = pickup_of_order(order_id=order.pk).code
    r = _json(o, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": code})
    assert r.status_code == 404
    r = _json(o, "post", "/api/seller/pickups/verify", {"store_id": far.pk, "code": code})
    assert r.status_code == 400 and r.json()["code"] == "wrong_code"
    # another shop's warehouse cannot supply my store
    mine = _as(store.shop.owner)
    r = _json(mine, "post", "/api/seller/stores", {**STORE_BODY, "warehouse_id": far.warehouse_id})
    assert r.status_code == 400 and r.json()["field"] == "warehouse_id"


def test_store_crud_through_the_pages(shop, make_store_clerk_user):
    from wanshang.stores.selectors import store_list, store_staff_ids

    o = _as(shop.owner)
    assert o.get("/seller/stores/").status_code == 200
    new = o.get("/seller/stores/new/")
    assert new.status_code == 200
    warehouse_id = new.context["form"].fields["warehouse_id"].choices[1][0]
    clerk = make_store_clerk_user(shop)
    r = o.post("/seller/stores/new/", {**STORE_BODY, "warehouse_id": warehouse_id, "staff": [clerk.pk]})
    assert r.status_code == 302
    (store,) = store_list(shop=shop)
    assert store.region_text and store_staff_ids(shop=shop, store_id=store.pk) == [clerk.pk]
    r = o.post(
        f"/seller/stores/{store.pk}/",
        {
            **STORE_BODY,
            "name": "三里屯旗舰店",
            "warehouse_id": warehouse_id,
            "latitude": "39.93",
            "longitude": "116.45",
        },
    )
    assert r.status_code == 302
    (store,) = store_list(shop=shop)
    assert store.name == "三里屯旗舰店" and store.pickup_enabled and store.latitude is not None
    assert store_staff_ids(shop=shop, store_id=store.pk) == []  # unticked: unassigned


@pytest.fixture
def make_store_clerk_user(make_user):
    from wanshang.merchants.services import staff_add

    def make(shop):
        user = make_user()
        staff_add(shop=shop, login=user.phone, role="store")
        return user

    return make


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"district_code": ""}, "district_code"),
        ({"district_code": "999999"}, "district_code"),
        ({"detail": ""}, "detail"),
        ({"phone": "abc"}, "phone"),
        ({"hours": ""}, "hours"),
        ({"warehouse_id": "999999"}, "warehouse_id"),
        ({"warehouse_id": "x"}, "warehouse_id"),
        ({"latitude": "91", "longitude": "116"}, "latitude"),
        ({"latitude": "39.9"}, "latitude"),
        ({"latitude": "abc", "longitude": "1"}, "latitude"),
        ({"staff": ["999999"]}, "staff"),
    ],
)
def test_store_form_bad_input(shop, change, field):
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.stores.selectors import store_list

    o = _as(shop.owner)
    body = {**STORE_BODY, "warehouse_id": warehouse_list(shop=shop)[0].pk, **change}
    r = o.post("/seller/stores/new/", body)
    assert r.status_code == 400
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert store_list(shop=shop) == []


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"name": ""}, 400, "name"),
        ({"district_code": "110000"}, 400, "district_code"),
        ({"phone": "1"}, 400, "phone"),
        ({"hours": "x"}, 400, "hours"),
        ({"warehouse_id": 999999}, 400, "warehouse_id"),
        ({"latitude": 39.9}, 400, "latitude"),
        ({"latitude": 95, "longitude": 10}, 422, None),
        ({"pickup_enabled": "yes"}, 422, None),
        ({"surprise": 1}, 422, None),
        ({"name": "x" * 61}, 422, None),
    ],
)
def test_store_api_bad_input(shop, change, status, field):
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.stores.selectors import store_list

    o = _as(shop.owner)
    r = _json(
        o,
        "post",
        "/api/seller/stores",
        {**STORE_BODY, "warehouse_id": warehouse_list(shop=shop)[0].pk, **change},
    )
    assert r.status_code == status, r.content
    assert r.json()["detail"]
    if field:
        assert r.json()["field"] == field
    assert store_list(shop=shop) == []


def test_store_api_crud_and_staff(shop, make_store_clerk_user, make_user):
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.merchants.services import staff_add

    o = _as(shop.owner)
    made = _json(
        o, "post", "/api/seller/stores", {**STORE_BODY, "warehouse_id": warehouse_list(shop=shop)[0].pk}
    )
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    body = {**STORE_BODY, "warehouse_id": made.json()["warehouse_id"], "pickup_enabled": False}
    assert _json(o, "put", f"/api/seller/stores/{sid}", body).json()["pickup_enabled"] is False
    dup = _json(o, "post", "/api/seller/stores", {**STORE_BODY, "warehouse_id": made.json()["warehouse_id"]})
    assert dup.status_code == 400 and dup.json()["field"] == "name"
    clerk = make_store_clerk_user(shop)
    ops = make_user()
    staff_add(shop=shop, login=ops.phone, role="operations")
    r = _json(o, "put", f"/api/seller/stores/{sid}/staff", {"user_ids": [clerk.pk]})
    assert r.status_code == 200 and r.json()["staff_user_ids"] == [clerk.pk]
    bad = _json(o, "put", f"/api/seller/stores/{sid}/staff", {"user_ids": [ops.pk]})
    assert bad.status_code == 400 and "门店" in bad.json()["detail"]
    assert o.get(f"/api/seller/stores/{sid}").json()["staff_user_ids"] == [clerk.pk]
    assert o.get("/api/seller/stores/999999").status_code == 404


def test_verify_bad_input(scene, buyer, pickup_order):
    product, store, clerk = scene
    pickup_order(buyer, product, store)
    s = _as(clerk.user)
    for body, status in [
        ({"store_id": store.pk, "code": "12"}, 400),
        ({"store_id": store.pk, "code": ""}, 400),
        ({"store_id": store.pk}, 422),
        ({"code": "12345678"}, 422),
        ({"store_id": "x", "code": "12345678"}, 422),
        ({"store_id": store.pk, "code": "1" * 21}, 422),
        ({"store_id": 999999, "code": "12345678"}, 404),
    ]:
        r = _json(s, "post", "/api/seller/pickups/verify", body)
        assert r.status_code == status, (body, r.content)
        assert r.json()["detail"]
    page = s.post("/seller/pickup/verify/", {"store_id": store.pk, "code": "abc"})
    assert page.status_code == 400 and "8 位数字" in page.content.decode()
    page = s.post("/seller/pickup/verify/", {"store_id": 999999, "code": "12345678"})
    assert page.status_code == 400
    page = s.post("/seller/pickup/verify/", {"store_id": store.pk, "code": ""})
    assert page.status_code == 400


def test_wrong_codes_lock_through_the_api(scene, buyer, pickup_order):
    product, store, clerk = scene
    code = pickup_of_order(order_id=pickup_order(buyer, product, store).pk).code
    wrong = "00000000" if code != "00000000" else "11111111"
    s = _as(clerk.user)
    for _ in range(5):
        r = _json(s, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": wrong})
        assert r.status_code == 400 and r.json()["code"] == "wrong_code"
    r = _json(s, "post", "/api/seller/pickups/verify", {"store_id": store.pk, "code": code})
    assert r.status_code == 429 and "锁定" in r.json()["detail"]
    page = s.post("/seller/pickup/verify/", {"store_id": store.pk, "code": code})
    assert page.status_code == 429


def test_checkout_bad_pickup_input(scene, buyer, make_address, make_store, other_shop):
    product, store, _clerk = scene
    address = make_address(buyer)
    sku = product.skus.get()
    foreign = make_store(other_shop, name="别家店")
    b = _as(buyer)
    for pickup in ["x", "1:2:3"]:
        r = b.get(f"/api/store/checkout/preview?sku_id={sku.pk}&pickup={pickup}")
        assert r.status_code == 400 and r.json()["field"] == "pickup"
    r = b.get(f"/api/store/checkout/preview?sku_id={sku.pk}&pickup={store.shop_id}:{foreign.pk}")
    assert r.status_code == 400 and "不属于" in r.json()["detail"]
    for pickup, status in [
        ([{"shop_id": store.shop_id, "store_id": foreign.pk}], 400),
        ([{"shop_id": store.shop_id}], 422),
        ([{"shop_id": "a", "store_id": 1}], 422),
    ]:
        r = _json(
            b,
            "post",
            "/api/store/orders",
            {"items": [{"sku_id": sku.pk, "quantity": 1}], "address_id": address.pk, "pickup": pickup},
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        assert r.status_code == status, r.content
    # the page: a bad choice in the link shows delivery with the reason; a forged form is refused
    page = b.get(f"/checkout/?sku={sku.pk}&qty=1&pickup={store.shop_id}:{foreign.pk}")
    assert page.status_code == 400 and "不属于" in page.content.decode()
    form = b.get(f"/checkout/?sku={sku.pk}&qty=1").context["form"].initial
    r = b.post(
        "/checkout/", {**form, "mode": "direct", "address_id": address.pk, "pickup": "zz", "use_points": ""}
    )
    assert r.status_code == 200 and "自提门店选择无效" in r.content.decode()
    r = b.post(
        "/checkout/",
        {
            **form,
            "mode": "direct",
            "address_id": address.pk,
            "pickup": f"{store.shop_id}:{foreign.pk}",
            "use_points": "",
        },
    )
    assert r.status_code == 400 and "不属于" in r.content.decode()
    assert not buyer.orders.exists()


def test_buyer_cannot_see_another_buyers_code(scene, buyer, make_user, pickup_order):
    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    stranger = _as(make_user())
    assert stranger.get(f"/orders/{order.pk}/").status_code == 404
    assert stranger.get(f"/api/store/orders/{order.pk}").status_code == 404
