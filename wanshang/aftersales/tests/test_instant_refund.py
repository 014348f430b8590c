"""极速退款 through the pages and the API as the buyer, the shop and the platform use them: an eligible 仅退款 of
unshipped units is refunded at application (money, stock, ledger, 数据中心, audit), each condition that fails
keeps the case with the shop (the buyer told only that, the shop and the platform why), the shop's switch, and a
shipment after an instant refund refused. The race of the two on PostgreSQL is test_instant_refund_pg.py."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wanshang.aftersales.models import Case, RiskDecision
from wanshang.aftersales.services import buyer_risk_flag_set, case_open, shop_instant_refund_set
from wanshang.analytics.models import Event, EventKind
from wanshang.common.errors import Conflict, ValidationError
from wanshang.inventory.selectors import available_by_sku
from wanshang.orders.services import order_confirm_receipt, order_ship
from wanshang.payments.models import SettlementEntry
from wanshang.shipping.services import shipment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def veteran(buyer):
    """The buyer, signed up 60 days ago (older than INSTANT_REFUND_MIN_ACCOUNT_DAYS)."""
    buyer.date_joined = timezone.now() - timedelta(days=60)
    buyer.save(update_fields=["date_joined"])
    return buyer


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _cup(order):
    return order.lines.get(title="陶瓷杯")


def _apply(client, order, reason, qty=1, kind="refund_only"):
    return client.post(
        f"/orders/{order.pk}/aftersales/new/",
        {"type": kind, "reason": reason.pk, f"qty_{_cup(order).pk}": str(qty), "description": ""},
    )


def _preview(client, order, qty=1, **query):
    return client.get(
        f"/api/store/orders/{order.pk}/instant-refund",
        {"lines": f"{_cup(order).pk}:{qty}", "type": "refund_only", **query},
    )


# --- eligible --------------------------------------------------------------------------------------------------------


def test_eligible_refund_only_is_refunded_at_application(veteran, make_order, reason):
    order = make_order()
    cup = _cup(order)
    buyer = _as(veteran)
    page = buyer.get(f"/orders/{order.pk}/aftersales/new/?line={cup.pk}")
    assert 'data-instant="yes"' in page.content.decode() and "极速退款" in page.content.decode()
    assert _preview(buyer, order, qty=2).json() == {
        "eligible": True,
        "label": "极速退款",
        "note": "提交后立即原路退款，无需等待商家处理",
    }
    before = available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id]

    answer = _apply(buyer, order, reason("不想要了"), qty=2)

    assert answer.status_code == 302
    case = Case.objects.get(order=order)
    assert case.instant_refund and case.status == "done" and case.instant_refund_reasons == []
    refund = case.refunds.get()
    assert (refund.status, refund.amount_fen, refund.restock) == ("refunded", 6000, True)
    cup.refresh_from_db()
    assert (cup.refunded_qty, cup.refunded_fen) == (2, 6000)
    assert available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id] == before + 2  # the units back on hand
    assert Event.objects.filter(kind=EventKind.REFUND, order_id=order.pk, amount_fen=6000).count() == 1
    trail = list(case.events.values_list("from_status", "to_status", "role"))
    assert trail == [
        ("", "requested", "buyer"),
        ("requested", "approved", "system"),
        ("approved", "refunding", "system"),
        ("refunding", "done", "system"),
    ]
    decision = RiskDecision.objects.get(case=case, action="instant_refund")
    assert decision.role == "system" and "¥60.00" in decision.outcome
    # the buyer sees it done at once; the shop sees the tag
    shown = buyer.get(f"/aftersales/{case.pk}/").content.decode()
    assert "已极速退款" in shown and "评分" not in shown
    seller = _as(order.shop.owner)
    assert "data-instant-refund" in seller.get("/seller/aftersales/").content.decode()
    assert "data-instant-refund" in seller.get(f"/seller/aftersales/{case.pk}/").content.decode()
    assert "data-instant-refund" in seller.get("/seller/refunds/").content.decode()
    api = seller.get(f"/api/seller/cases/{case.pk}").json()
    assert api["instant_refund"] is True and api["instant_refund_reasons"] == []
    # the rest of the order ships and completes: the sale entry leaves the refunded units out
    order_ship(
        shop=order.shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=order.shop.owner
    )
    order_confirm_receipt(buyer=veteran, order_id=order.pk)
    order.refresh_from_db()
    assert SettlementEntry.objects.get(order=order, kind="sale").gross_fen == order.total_fen - 6000


def test_the_refund_caps_hold_on_the_instant_path(veteran, make_order, reason):
    order = make_order()
    why = reason("不想要了")
    cup, mat = _cup(order), order.lines.get(title="杯垫")
    for line, qty in [(cup.pk, 3), (mat.pk, 1)]:
        case_open(
            buyer=veteran, order_id=order.pk, case_type="refund_only", lines=[(line, qty)], reason_id=why.pk
        )
    order.refresh_from_db()
    refunds = [c.refunds.get() for c in Case.objects.filter(order=order)]
    assert all(c.instant_refund for c in Case.objects.filter(order=order))
    assert sum(r.amount_fen for r in refunds) == order.total_fen  # the last units bring the freight back
    assert order.status == "refunded"
    with pytest.raises(Conflict, match="已退款"):
        case_open(
            buyer=veteran, order_id=order.pk, case_type="refund_only", lines=[(cup.pk, 1)], reason_id=why.pk
        )


def test_a_gateway_failure_leaves_it_paying_out_and_the_retry_finishes_it(
    veteran, make_order, reason, gateway_down
):
    from wanshang.aftersales.services import refunds_retry

    order = make_order()
    case = case_open(
        buyer=veteran,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(_cup(order).pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    assert case.instant_refund and case.status == "refunding"
    refund = case.refunds.get()
    assert refund.status == "processing" and refund.last_error
    gateway_down.up()
    assert refunds_retry() == 1
    case.refresh_from_db()
    assert case.status == "done"


# --- not eligible: each reason ---------------------------------------------------------------------------------------


def _platform_off(settings, **_):
    settings.WANSHANG = {**settings.WANSHANG, "INSTANT_REFUND_ENABLED": False}


def _shop_off(order, **_):
    shop_instant_refund_set(shop=order.shop, enabled=False, actor=order.shop.owner)


def _over_cap(settings, **_):
    settings.WANSHANG = {**settings.WANSHANG, "INSTANT_REFUND_MAX_FEN": 2999}


def _medium_risk(score, **_):
    score(45)


def _watch_listed(order, operator, **_):
    buyer_risk_flag_set(operator=operator, buyer=order.buyer, status="watch", note="多个账户同一地址")


def _new_account(order, **_):
    order.buyer.date_joined = timezone.now() - timedelta(days=3)
    order.buyer.save(update_fields=["date_joined"])


def _shipped(order, **_):
    shipment_create(
        shop=order.shop,
        order_id=order.pk,
        carrier="SF",
        tracking_no="SF5550001112",
        items=[(_cup(order).pk, 1)],
    )


@pytest.mark.parametrize(
    "make_ineligible, codes",
    [
        (_platform_off, {"platform_off"}),
        (_shop_off, {"shop_off"}),
        (_over_cap, {"over_cap"}),
        (_medium_risk, {"risk_level"}),
        (_watch_listed, {"risk_level", "platform_watch"}),
        (_new_account, {"new_account"}),
        (_shipped, {"shipped"}),
    ],
    ids=["platform_off", "shop_off", "over_cap", "medium_risk", "watch_listed", "new_account", "shipped"],
)
def test_each_failing_condition_leaves_the_case_with_the_shop(
    make_ineligible, codes, veteran, make_order, reason, settings, score, operator
):
    order = make_order()
    make_ineligible(order=order, settings=settings, score=score, operator=operator)
    buyer = _as(veteran)
    qty = 1 if make_ineligible is not _shipped else 3  # 3 cups of which one is in a package
    preview = _preview(buyer, order, qty=qty).json()
    assert preview["eligible"] is False and preview["label"] == "该申请需商家处理"
    page = buyer.get(f"/orders/{order.pk}/aftersales/new/?line={_cup(order).pk}").content.decode()
    assert 'data-instant="no"' in page

    assert _apply(buyer, order, reason("不想要了"), qty=qty).status_code == 302

    case = Case.objects.get(order=order)
    assert not case.instant_refund and case.status == "requested" and not case.refunds.exists()
    assert {r["code"] for r in case.instant_refund_reasons} == codes
    if "shipped" in codes:  # goods already shipped were never a candidate: the reason is kept, no audit row
        assert not RiskDecision.objects.filter(case=case, action__startswith="instant").exists()
    else:
        declined = RiskDecision.objects.get(case=case, action="instant_refund_declined")
        assert declined.outcome.startswith("未极速退款") and all(
            r["text"] in declined.outcome for r in case.instant_refund_reasons
        )
    # the buyer is told the class, never why; the shop and the platform see why
    shown = buyer.get(f"/aftersales/{case.pk}/").content.decode()
    assert "已极速退款" not in shown and not any(r["text"] in shown for r in case.instant_refund_reasons)
    assert "instant_refund_reasons" not in buyer.get(f"/api/store/cases/{case.pk}").json()
    seller_page = _as(order.shop.owner).get(f"/seller/aftersales/{case.pk}/").content.decode()
    assert all(f'data-code="{code}"' in seller_page for code in codes)
    platform = _as(operator).get(f"/api/platform/aftersales/cases/{case.pk}").json()
    assert {r["code"] for r in platform["instant_refund_reasons"]} == codes


def test_a_trusted_buyer_with_a_high_score_still_gets_it(veteran, make_order, reason, score, operator):
    """The platform's 已核实可信 means no friction (docs/refund-risk.md): the level is low whatever the score."""
    score(80)
    buyer_risk_flag_set(operator=operator, buyer=veteran, status="trusted", note="已电话核实")
    order = make_order()
    assert _apply(_as(veteran), order, reason("不想要了")).status_code == 302
    assert Case.objects.get(order=order).instant_refund


def test_a_return_is_never_instant_and_has_no_instant_decision(
    veteran, make_order, reason, receive, address_book
):
    order = make_order()
    receive(order)
    case = case_open(
        buyer=veteran,
        order_id=order.pk,
        case_type="return_refund",
        lines=[(_cup(order).pk, 1)],
        reason_id=reason("质量问题").pk,
    )
    assert not case.instant_refund and case.status == "requested"
    assert not RiskDecision.objects.filter(case=case, action__startswith="instant").exists()


# --- a shipment after the instant refund -----------------------------------------------------------------------------


def test_shipping_units_refunded_instantly_is_refused(veteran, make_order, reason, gateway_down):
    order = make_order()
    cup = _cup(order)
    case_open(
        buyer=veteran,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 3)],
        reason_id=reason("不想要了").pk,
    )
    # paying out: no package at all
    with pytest.raises(Conflict, match="买家已极速退款"):
        shipment_create(
            shop=order.shop, order_id=order.pk, carrier="SF", tracking_no="SF5550001113", items=[(cup.pk, 1)]
        )
    gateway_down.up()
    from wanshang.aftersales.services import refunds_retry

    refunds_retry()
    # refunded: those units are no longer there to ship; the rest of the order ships
    with pytest.raises(ValidationError, match="最多还能发 0 件"):
        shipment_create(
            shop=order.shop, order_id=order.pk, carrier="SF", tracking_no="SF5550001114", items=[(cup.pk, 1)]
        )
    package = shipment_create(shop=order.shop, order_id=order.pk, carrier="SF", tracking_no="SF5550001115")
    assert [(pl.order_line.title, pl.quantity) for pl in package.lines.all()] == [("杯垫", 1)]


# --- the shop's switch -----------------------------------------------------------------------------------------------


def test_the_shop_turns_it_off_and_on_in_its_settings_page(veteran, make_order, reason, shop):
    owner = _as(shop.owner)
    page = owner.get("/seller/aftersales/settings/")
    assert page.status_code == 200 and 'data-instant-state="on"' in page.content.decode()
    assert owner.post("/seller/aftersales/settings/save/", {"instant_refund": "off"}).status_code == 302
    assert 'data-instant-state="off"' in owner.get("/seller/aftersales/settings/").content.decode()
    order = make_order()
    assert _apply(_as(veteran), order, reason("不想要了")).status_code == 302
    assert not Case.objects.get(order=order).instant_refund
    assert owner.post("/seller/aftersales/settings/save/", {"instant_refund": "on"}).status_code == 302
    second = make_order()
    assert _apply(_as(veteran), second, reason("不想要了")).status_code == 302
    assert Case.objects.get(order=second).instant_refund
    page = owner.get("/seller/aftersales/settings/").content.decode()
    assert "<dd data-count>1</dd>" in page and "30.00" in page  # the last 30 days: one instant refund, ¥30


def test_bad_input_on_the_switch_changes_nothing(shop):
    owner = _as(shop.owner)
    assert owner.post("/seller/aftersales/settings/save/", {"instant_refund": "maybe"}).status_code == 400
    assert owner.post("/seller/aftersales/settings/save/", {}).status_code == 400
    api = owner.put(
        "/api/seller/aftersales/settings", {"instant_refund": "maybe"}, content_type="application/json"
    )
    assert api.status_code == 422
    extra = owner.put(
        "/api/seller/aftersales/settings",
        {"instant_refund": False, "shop_id": 1},
        content_type="application/json",
    )
    assert extra.status_code == 422
    assert owner.get("/api/seller/aftersales/settings").json()["instant_refund"] is True
    with pytest.raises(ValidationError):
        shop_instant_refund_set(shop=shop, enabled="off")


def test_staff_without_shop_settings_permission_cannot_toggle(shop, make_user):
    from wanshang.merchants.services import staff_add

    clerk = make_user()
    staff_add(shop=shop, login=clerk.username, role="service")
    c = _as(clerk)
    assert c.get("/seller/aftersales/settings/").status_code == 200  # may see it
    assert c.post("/seller/aftersales/settings/save/", {"instant_refund": "off"}).status_code == 403
    assert (
        c.put(
            "/api/seller/aftersales/settings", {"instant_refund": False}, content_type="application/json"
        ).status_code
        == 403
    )
    assert _as(shop.owner).get("/api/seller/aftersales/settings").json()["instant_refund"] is True


def test_shop_b_neither_toggles_nor_sees_shop_a(veteran, make_order, reason, shop, make_shop):
    other = make_shop(name="另一家店")
    order = make_order()
    case = case_open(
        buyer=veteran,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(_cup(order).pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    assert case.instant_refund
    b = _as(other.owner)
    assert (
        b.put(
            "/api/seller/aftersales/settings", {"instant_refund": False}, content_type="application/json"
        ).status_code
        == 200
    )
    mine = _as(shop.owner).get("/api/seller/aftersales/settings").json()
    assert mine["instant_refund"] is True and mine["recent"]["count"] == 1  # A's switch and figures untouched
    theirs = b.get("/api/seller/aftersales/settings").json()
    assert theirs["instant_refund"] is False and theirs["recent"] == {"days": 30, "count": 0, "amount_fen": 0}
    assert b.get(f"/api/seller/cases/{case.pk}").status_code == 404
    assert b.get(f"/seller/aftersales/{case.pk}/").status_code == 404
    assert "data-instant-refund" not in b.get("/seller/aftersales/").content.decode()


# --- the buyer's preview: bad input and isolation ---------------------------------------------------------------------


def test_preview_bad_input_and_another_buyers_order(veteran, make_order, make_user):
    order = make_order()
    buyer = _as(veteran)
    url = f"/api/store/orders/{order.pk}/instant-refund"
    line = _cup(order).pk
    assert buyer.get(url, {"lines": "x"}).status_code == 400
    assert buyer.get(url, {"lines": f"{line}:9"}).status_code == 400  # more than the line has
    assert buyer.get(url, {"lines": f"{line}:1", "type": "swap"}).status_code == 400
    assert buyer.get(url, {"lines": f"{line}:1", "reason_id": 999999}).status_code == 400
    assert buyer.get(url).status_code == 422  # lines is required
    assert _as(make_user()).get(url, {"lines": f"{line}:1"}).status_code == 404
    assert Client().get(url, {"lines": f"{line}:1"}).status_code == 401
    assert not Case.objects.exists()


# --- the platform -----------------------------------------------------------------------------------------------------


def test_the_platform_sees_instant_refunds_on_its_after_sales_pages(veteran, make_order, reason, operator):
    order = make_order()
    case_open(
        buyer=veteran,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(_cup(order).pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    op = _as(operator)
    for url in ["/platform/aftersales/", "/platform/aftersales/risk/"]:
        page = op.get(url).content.decode()
        assert "<b data-count>1</b>" in page and "¥30.00" in page
    buyer_page = op.get(f"/platform/aftersales/risk/{veteran.pk}/").content.decode()
    assert "data-instant-refund" in buyer_page and "极速退款 1 笔" in buyer_page
    assert op.get("/api/platform/aftersales/instant-refunds").json() == {
        "days": 30,
        "count": 1,
        "amount_fen": 3000,
    }
    assert op.get("/api/platform/aftersales/instant-refunds", {"days": 0}).status_code == 400
    profile = op.get(f"/api/platform/aftersales/risk/buyers/{veteran.pk}").json()
    assert profile["instant"]["count"] == 1 and profile["cases"][0]["instant_refund"] is True
