"""平台券, 秒杀场次 and 价格合规 on the operator pages and the platform API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.marketing.selectors import flash_slot_get, flash_slots, platform_promotions, promotion_get
from wanshang.marketing.services import PromotionInput, promotion_save

pytestmark = pytest.mark.django_db


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _coupon_form(**changes) -> dict:
    now = timezone.now()
    data = {
        "name": "跨店满299减30",
        "type": "amount",
        "threshold": "299",
        "amount": "30",
        "discount": "",
        "cap": "",
        "starts_at": _local(now - timedelta(minutes=5)),
        "ends_at": _local(now + timedelta(days=7)),
        "valid_days": "3",
        "public": "on",
        "total_quantity": "1000",
        "per_buyer_limit": "1",
        "scope": "all",
        "platform_share": "50",
        "combine_with": ["full_reduction", "coupon", "points"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _api_coupon(**changes) -> dict:
    now = timezone.now()
    data = {
        "name": "平台券满199减20",
        "type": "amount",
        "threshold_fen": 19900,
        "amount_fen": 2000,
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
        "total_quantity": 500,
        "per_buyer_limit": 2,
        "platform_share_bps": 5000,
    }
    data.update(changes)
    return data


@pytest.fixture
def platform_coupon(operator):
    def make(*, starts=None, name="平台券满100减10", **fields):
        now = timezone.now()
        data = PromotionInput(
            kind="coupon",
            name=name,
            starts_at=starts or now - timedelta(minutes=1),
            ends_at=now + timedelta(days=5),
            total_quantity=fields.pop("total_quantity", 100),
            per_buyer_limit=fields.pop("per_buyer_limit", 1),
            platform_share_bps=10000,
            config={"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        )
        return promotion_save(shop=None, actor=operator, data=data)

    return make


# --- 平台券 ------------------------------------------------------------------------------------------------------


def test_operator_creates_a_platform_coupon_with_the_form(op_client, make_shop):
    a, b = make_shop(name="甲店"), make_shop(name="乙店")
    form = op_client.get(reverse("platform:coupon_new"))
    assert form.status_code == 200 and "甲店" in form.content.decode()

    response = op_client.post(
        reverse("platform:coupon_new"), _coupon_form(scope="shops", scope_shops=[a.pk, b.pk])
    )
    [promo] = platform_promotions(kind="coupon")
    assert response.status_code == 302 and response["Location"] == reverse(
        "platform:coupon_detail", args=[promo.pk]
    )
    assert promo.platform_share_bps == 5000  # "50" typed as a percentage
    assert promo.config["amount_fen"] == 3000 and promo.config["threshold_fen"] == 29900
    assert promo.config["valid_days"] == 3 and promo.config["public"] is True
    assert promo.scope == "shops" and promo.scope_ids == sorted([a.pk, b.pk])
    assert promo.total_quantity == 1000 and promo.per_buyer_limit == 1

    listing = op_client.get(reverse("platform:coupons")).content.decode()
    assert (
        "跨店满299减30" in listing and "0 / 0 / 1000" in listing and "50%" in listing and "进行中" in listing
    )
    detail = op_client.get(reverse("platform:coupon_detail", args=[promo.pk])).content.decode()
    assert (
        "平台券 满299减30" in detail and "甲店" in detail and "乙店" in detail and "优惠金额的 50%" in detail
    )


def test_a_percent_coupon_on_categories(op_client, make_category):
    leaf = make_category()
    response = op_client.post(
        reverse("platform:coupon_new"),
        _coupon_form(
            type="percent",
            amount="",
            discount="8.5",
            cap="50",
            scope="categories",
            scope_categories=[leaf.parent.pk],
            platform_share="100",
            combine_with=None,
        ),
    )
    assert response.status_code == 302
    [promo] = platform_promotions(kind="coupon")
    assert promo.config["discount_bps"] == 8500 and promo.config["cap_fen"] == 5000
    assert promo.scope_ids == [leaf.parent.pk] and promo.platform_share_bps == 10000
    assert promo.config["combine_with"] == []  # nothing ticked: used alone


@pytest.mark.parametrize(
    "changes,message,field",
    [
        ({"amount": "300"}, "面额 ¥300 须小于使用门槛 ¥299", "amount"),
        ({"platform_share": "120"}, "平台承担比例须在 0%–100% 之间", "platform_share"),
        ({"platform_share": "abc"}, "不是有效的百分比", "platform_share"),
        ({"platform_share": "1e30"}, "平台承担比例须在 0%–100% 之间", "platform_share"),
        ({"amount": "1e30"}, "不是有效的金额", "amount"),
        ({"type": "percent", "amount": "", "discount": ""}, "请填写折扣", "discount"),
        ({"type": "percent", "amount": "", "discount": "12"}, "折扣须大于 0 折且小于 10 折", "discount"),
        ({"type": "percent", "amount": "", "discount": "1e30"}, "折扣须大于 0 折且小于 10 折", "discount"),
        ({"scope": "shops"}, "请选择适用的店铺", "scope_shops"),
        ({"total_quantity": "0"}, "不能小于 1", "total_quantity"),
        ({"ends_at": "明天"}, "请输入有效的时间", "ends_at"),
        ({"starts_at": ""}, "请填写开始时间", "starts_at"),
    ],
)
def test_bad_coupon_input_is_refused_with_a_message(op_client, changes, message, field):
    response = op_client.post(reverse("platform:coupon_new"), _coupon_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert any(message in e for e in response.context["form"].errors[field])
    assert not platform_promotions(kind="coupon").exists()


def test_pause_resume_end_and_issue_to_buyers(op_client, platform_coupon, make_user):
    promo = platform_coupon(per_buyer_limit=1, total_quantity=3)
    url = reverse("platform:coupon_detail", args=[promo.pk])
    op_client.post(reverse("platform:coupon_action", args=[promo.pk, "pause"]))
    assert promotion_get(shop=None, promotion_id=promo.pk).status == "paused"
    assert "已暂停" in op_client.get(url).content.decode()
    op_client.post(reverse("platform:coupon_action", args=[promo.pk, "resume"]))
    assert promotion_get(shop=None, promotion_id=promo.pk).status == "active"

    alice, bob = make_user(), make_user()
    issue = reverse("platform:coupon_issue", args=[promo.pk])
    response = op_client.post(issue, {"buyer_ids": f"{alice.pk}，{bob.pk}"}, follow=True)
    assert "已向 2 位买家发放" in response.content.decode()
    again = op_client.post(issue, {"buyer_ids": f"{alice.pk}\n{bob.pk}"}, follow=True)
    assert "已向 0 位买家发放" in again.content.decode() and "2 位已达每人限领" in again.content.decode()
    bad = op_client.post(issue, {"buyer_ids": "abc"})
    assert bad.status_code == 400 and "“abc” 不是有效的买家编号" in bad.content.decode()
    unknown = op_client.post(issue, {"buyer_ids": "99999999"})
    assert unknown.status_code == 400 and "买家不存在：99999999" in unknown.content.decode()
    too_many = op_client.post(issue, {"buyer_ids": " ".join(str(make_user().pk) for _ in range(2))})
    assert too_many.status_code == 409 and "剩余可发 1 张" in too_many.content.decode()
    assert promotion_get(shop=None, promotion_id=promo.pk).issued_count == 2

    op_client.post(reverse("platform:coupon_action", args=[promo.pk, "end"]))
    assert promotion_get(shop=None, promotion_id=promo.pk).status == "ended"
    response = op_client.post(reverse("platform:coupon_action", args=[promo.pk, "pause"]), follow=True)
    assert "不能暂停" in response.content.decode()
    assert op_client.get(reverse("platform:coupon_action", args=[promo.pk, "end"])).status_code == 405


def test_only_a_coupon_that_has_not_started_can_be_edited(op_client, platform_coupon):
    later = platform_coupon(starts=timezone.now() + timedelta(days=1), name="明日平台券")
    edit = reverse("platform:coupon_edit", args=[later.pk])
    page = op_client.get(edit)
    assert page.status_code == 200 and page.context["form"].initial["amount"] == 1000
    form = dict(page.context["form"].initial)
    response = op_client.post(
        edit,
        _coupon_form(
            name="明日平台券（改）", starts_at=_local(form["starts_at"]), ends_at=_local(form["ends_at"])
        ),
    )
    assert response.status_code == 302
    assert promotion_get(shop=None, promotion_id=later.pk).name == "明日平台券（改）"

    running = platform_coupon()
    response = op_client.get(reverse("platform:coupon_edit", args=[running.pk]), follow=True)
    assert "不能修改" in response.content.decode()


def test_shop_promotions_are_not_platform_coupons(op_client, make_shop):
    shop = make_shop()
    now = timezone.now()
    promo = promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="coupon",
            name="店铺券",
            starts_at=now,
            ends_at=now + timedelta(days=1),
            total_quantity=10,
            config={"type": "amount", "threshold_fen": 5000, "amount_fen": 500},
        ),
    )
    assert op_client.get(reverse("platform:coupon_detail", args=[promo.pk])).status_code == 404
    op_client.post(reverse("platform:coupon_action", args=[promo.pk, "end"]))
    assert promotion_get(shop=shop, promotion_id=promo.pk).status == "active"


def test_coupon_api_creates_lists_and_refuses_bad_input(client, operator, api_token, make_shop, make_user):
    auth = api_token(operator)
    created = client.post("/api/platform/coupons", _api_coupon(), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["platform_share_bps"] == 5000
        and body["label"] == "平台券 满199减20"
        and body["phase"] == "running"
    )
    assert [c["id"] for c in client.get("/api/platform/coupons", **auth).json()["items"]] == [body["id"]]

    for changes, status, text in [
        ({"amount_fen": 19900}, 400, "须小于使用门槛"),
        ({"platform_share_bps": 12000}, 400, "平台承担比例须为 0–10000"),
        ({"scope": "shops", "scope_ids": [999999]}, 400, "店铺编号 999999 不存在"),
        ({"scope": "products", "scope_ids": [1]}, 400, "平台券的适用范围"),
        ({"combine_with": ["bundle"]}, 400, "不叠加"),
        ({"bogus": 1}, 422, "请求参数有误"),
    ]:
        response = client.post(
            "/api/platform/coupons", _api_coupon(**changes), content_type="application/json", **auth
        )
        assert response.status_code == status, (changes, response.content)
        assert text in response.json()["detail"]
    assert client.get("/api/platform/coupons", **auth).json()["count"] == 1

    shop = make_shop()
    scoped = client.post(
        "/api/platform/coupons",
        _api_coupon(scope="shops", scope_ids=[shop.pk]),
        content_type="application/json",
        **auth,
    )
    assert scoped.status_code == 201 and scoped.json()["scope_ids"] == [shop.pk]

    pk = body["id"]
    buyer = make_user()
    issued = client.post(
        f"/api/platform/coupons/{pk}/issue",
        {"buyer_ids": [buyer.pk, buyer.pk]},
        content_type="application/json",
        **auth,
    )
    assert issued.json() == {"issued": 1, "skipped": 0}
    assert client.post(f"/api/platform/coupons/{pk}/pause", **auth).json()["status"] == "paused"
    assert client.post(f"/api/platform/coupons/{pk}/resume", **auth).json()["status"] == "active"
    detail = client.get(f"/api/platform/coupons/{pk}", **auth).json()
    assert (detail["issued"], detail["used"], detail["total_quantity"], detail["remaining"]) == (
        1,
        0,
        500,
        499,
    )
    edit = client.put(
        f"/api/platform/coupons/{pk}", _api_coupon(name="改名"), content_type="application/json", **auth
    )
    assert edit.status_code == 409 and "不能修改" in edit.json()["detail"]
    assert client.post(f"/api/platform/coupons/{pk}/end", **auth).json()["status"] == "ended"
    assert client.get("/api/platform/coupons/999999", **auth).status_code == 404


# --- who may --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("coupons", []),
        ("coupon_new", []),
        ("flash_slots", []),
        ("price_alerts", []),
    ],
)
def test_non_operators_get_the_403_page(login_client, buyer, name, args):
    response = login_client(buyer).get(reverse(f"platform:{name}", args=args))
    assert response.status_code == 403 and "仅限平台运营人员" in response.content.decode()


def test_non_operators_cannot_create_or_touch_anything(
    client, login_client, buyer, make_shop, api_token, platform_coupon
):
    promo = platform_coupon()
    assert client.get(reverse("platform:coupons")).status_code == 302  # anonymous: to the login page
    shop = make_shop()
    page = login_client(shop.owner)
    assert page.post(reverse("platform:coupon_new"), _coupon_form()).status_code == 403
    assert page.post(reverse("platform:coupon_action", args=[promo.pk, "end"])).status_code == 403
    assert page.post(reverse("platform:flash_slots"), {"name": "偷偷建的场次"}).status_code == 403
    assert list(platform_promotions(kind="coupon")) == [promo] and promo.status == "active"
    assert not flash_slots()

    auth = api_token(buyer)
    for method, path, data in [
        ("post", "/api/platform/coupons", _api_coupon()),
        ("get", "/api/platform/coupons", None),
        ("post", f"/api/platform/coupons/{promo.pk}/end", {}),
        ("post", "/api/platform/flash-slots", {}),
        ("get", "/api/platform/price-alerts", None),
        ("post", "/api/platform/price-alerts/1/resolve", {}),
    ]:
        response = getattr(client, method)(path, data, content_type="application/json", **auth)
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"
    assert promotion_get(shop=None, promotion_id=promo.pk).status == "active"


# --- 秒杀场次 -----------------------------------------------------------------------------------------------------


def _enrol(shop, sku, slot, *, price=5900, stock=5):
    return promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="flash_sale",
            name=f"{shop.name}秒杀",
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            slot_id=slot.pk,
            per_buyer_limit=1,
            items=[{"sku_id": sku.pk, "price_fen": price, "stock": stock}],
        ),
    )


def test_slot_create_list_enrolments_and_take_one_down(op_client, make_shop, make_product):
    now = timezone.now()
    response = op_client.post(
        reverse("platform:flash_slots"),
        {
            "name": "20点场",
            "starts_at": _local(now + timedelta(hours=2)),
            "ends_at": _local(now + timedelta(hours=4)),
            "is_open": "on",
        },
    )
    [slot] = flash_slots()
    assert response.status_code == 302 and slot.is_open and slot.name == "20点场"

    a, b = make_shop(name="甲店"), make_shop(name="乙店")
    sku_a = make_product(a, title="甲店好物", prices=(9900,), stock=20).skus.get()
    sku_b = make_product(b, title="乙店好物", prices=(19900,), stock=20).skus.get()
    promo_a, _promo_b = _enrol(a, sku_a, slot), _enrol(b, sku_b, slot, price=9900, stock=8)

    listing = op_client.get(reverse("platform:flash_slots")).content.decode()
    assert "20点场" in listing and "甲店" in listing and "乙店" in listing and "未开始" in listing
    detail = op_client.get(reverse("platform:flash_slot_detail", args=[slot.pk]))
    html = detail.content.decode()
    assert "甲店好物" in html and "59.00" in html and "99.00" in html and "乙店好物" in html
    assert [r["promo"].pk for r in detail.context["enrolments"]][0] in (promo_a.pk, _promo_b.pk)
    assert html.count("撤下</button>") == 2

    response = op_client.post(reverse("platform:flash_slot_remove", args=[slot.pk, promo_a.pk]), follow=True)
    assert "已撤下" in response.content.decode()
    assert promotion_get(shop=a, promotion_id=promo_a.pk).status == "ended"
    assert response.content.decode().count("撤下</button>") == 1
    # a promotion of another slot, or none at all, is not in this one
    assert op_client.post(reverse("platform:flash_slot_remove", args=[slot.pk, 999999])).status_code == 404

    # close enrolment: merchants can no longer enrol
    op_client.post(reverse("platform:flash_slot_toggle", args=[slot.pk, "close"]))
    assert not flash_slot_get(slot_id=slot.pk).is_open
    from wanshang.common.errors import Conflict

    with pytest.raises(Conflict):
        _enrol(a, make_product(a, stock=5).skus.get(), slot)
    op_client.post(reverse("platform:flash_slot_toggle", args=[slot.pk, "open"]))
    assert flash_slot_get(slot_id=slot.pk).is_open

    # with enrolments the times stay; the name may change
    moved = op_client.post(
        reverse("platform:flash_slot_detail", args=[slot.pk]),
        {
            "name": "20点场",
            "starts_at": _local(now + timedelta(hours=5)),
            "ends_at": _local(now + timedelta(hours=6)),
            "is_open": "on",
        },
    )
    assert moved.status_code == 400 and "已有商家报名，不能修改场次时间" in moved.content.decode()
    renamed = op_client.post(
        reverse("platform:flash_slot_detail", args=[slot.pk]),
        {
            "name": "20点狂欢场",
            "starts_at": _local(slot.starts_at),
            "ends_at": _local(slot.ends_at),
            "is_open": "on",
        },
    )
    assert renamed.status_code == 302 and flash_slot_get(slot_id=slot.pk).name == "20点狂欢场"


def test_bad_slot_input_is_refused(op_client):
    now = timezone.now()
    response = op_client.post(
        reverse("platform:flash_slots"),
        {"name": "长场次", "starts_at": _local(now), "ends_at": _local(now + timedelta(hours=30))},
    )
    assert response.status_code == 400 and "一个秒杀场次最长 24 小时" in response.content.decode()
    response = op_client.post(
        reverse("platform:flash_slots"),
        {"name": "倒着的场次", "starts_at": _local(now + timedelta(hours=2)), "ends_at": _local(now)},
    )
    assert response.status_code == 400 and "结束时间须晚于开始时间" in response.content.decode()
    assert not flash_slots()


def test_slot_api(client, operator, api_token, make_shop, make_product):
    auth = api_token(operator)
    now = timezone.now()
    created = client.post(
        "/api/platform/flash-slots",
        {
            "name": "午间场",
            "starts_at": (now + timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201 and created.json()["is_open"] is True
    slot = flash_slot_get(slot_id=created.json()["id"])
    shop = make_shop(name="丙店")
    promo = _enrol(shop, make_product(shop, prices=(9900,), stock=10).skus.get(), slot, stock=3)

    [row] = client.get("/api/platform/flash-slots", **auth).json()["items"]
    assert row["enrolled"] == 1 and row["phase"] == "scheduled"
    [enrolment] = client.get(f"/api/platform/flash-slots/{slot.pk}", **auth).json()["enrolments"]
    assert enrolment["shop_name"] == "丙店" and enrolment["items"][0]["price_fen"] == 5900
    assert enrolment["items"][0]["stock"] == 3 and enrolment["items"][0]["sold"] == 0
    assert client.post(f"/api/platform/flash-slots/{slot.pk}/close", **auth).json()["is_open"] is False
    removed = client.post(f"/api/platform/flash-promotions/{promo.pk}/remove", **auth)
    assert removed.status_code == 200 and removed.json()["status"] == "ended"
    bad = client.post(
        "/api/platform/flash-slots",
        {"name": "错", "starts_at": now.isoformat(), "ends_at": now.isoformat()},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "场次名称须为 2–40 个字" in bad.json()["detail"]


# --- 价格合规 -----------------------------------------------------------------------------------------------------


@pytest.fixture
def raised_then_discounted(make_shop, make_product):
    """A shop raises a SKU from ¥100 to ¥130 and then puts it in a 限时折扣: a §17 flag."""
    from wanshang.catalog.services import sku_price_update

    def make(name="丁店", title="先涨后降的商品"):
        shop = make_shop(name=name)
        sku = make_product(shop, title=title, prices=(10000,)).skus.get()
        sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=13000)
        now = timezone.now()
        promotion_save(
            shop=shop,
            actor=shop.owner,
            data=PromotionInput(
                kind="time_discount",
                name="限时九折",
                starts_at=now + timedelta(hours=1),
                ends_at=now + timedelta(days=2),
                items=[{"sku_id": sku.pk, "discount_bps": 9000}],
            ),
        )
        return shop, sku

    return make


def test_price_alerts_list_with_evidence_and_resolve(op_client, raised_then_discounted):
    raised_then_discounted()
    raised_then_discounted(name="戊店", title="另一件涨价商品")
    overview = op_client.get(reverse("platform:overview"))
    assert overview.context["price_alerts_open"] == 2

    page = op_client.get(reverse("platform:price_alerts"))
    html = page.content.decode()
    assert "丁店" in html and "戊店" in html and "先涨后降的商品" in html and "疑似先提价后打折" in html
    assert "100.00 → <strong>130.00</strong>" in html  # the price history row as evidence
    first = page.context["alerts"][0]

    response = op_client.post(reverse("platform:price_alert_resolve", args=[first.pk]), follow=True)
    assert "已处理" in response.content.decode()
    assert [a.pk for a in response.context["alerts"]] != [] and first.pk not in [
        a.pk for a in response.context["alerts"]
    ]
    assert op_client.get(reverse("platform:overview")).context["price_alerts_open"] == 1
    everything = op_client.get(reverse("platform:price_alerts") + "?all=1").context["alerts"]
    assert first.pk in [a.pk for a in everything]
    assert op_client.post(reverse("platform:price_alert_resolve", args=[999999])).status_code == 404


def test_price_alert_api(client, operator, api_token, raised_then_discounted):
    shop, sku = raised_then_discounted()
    auth = api_token(operator)
    [alert] = client.get("/api/platform/price-alerts", **auth).json()["items"]
    assert alert["shop_name"] == "丁店" and alert["sku_id"] == sku.pk and alert["rule"] == "s17"
    assert [(e["old_price_fen"], e["price_fen"]) for e in alert["evidence"]] == [
        (None, 10000),
        (10000, 13000),
    ]
    resolved = client.post(f"/api/platform/price-alerts/{alert['id']}/resolve", **auth)
    assert resolved.status_code == 200 and resolved.json()["resolved"] is True
    assert client.get("/api/platform/price-alerts", **auth).json() == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "items": [],
    }
    assert client.get("/api/platform/price-alerts?include_resolved=true", **auth).json()["count"] == 1
    assert client.post("/api/platform/price-alerts/999999/resolve", **auth).status_code == 404


# --- order detail ------------------------------------------------------------------------------------------------


def test_order_detail_shows_platform_subsidy_and_points(
    op_client, buyer, make_shop, make_product, make_address, platform_coupon
):
    import uuid

    from wanshang.checkout.services import checkout_submit
    from wanshang.marketing.services import coupon_claim
    from wanshang.pricing.types import PricingOptions

    shop = make_shop()
    sku = make_product(shop, prices=(20000,)).skus.get()
    promo = platform_coupon()  # 满100减10, the platform pays all of it
    coupon = coupon_claim(buyer=buyer, promotion_id=promo.pk)
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=make_address(buyer).pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
        options=PricingOptions(coupon_ids=[coupon.pk]),
    )
    order = payment.orders.get()
    assert order.platform_fen == 1000
    html = op_client.get(reverse("platform:order_detail", args=[order.pk])).content.decode()
    assert "平台补贴" in html and "10.00" in html and "使用积分" in html and "平台出资 10.00" in html
