"""退款风险: each reason triggers on generated data and names its numbers; a clean buyer scores low; the platform's
flag; the address normalisation. The friction in the flows is test_risk_flows.py."""

import secrets
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.models import BuyerRiskFlag, CaseRisk, RiskDecision
from wanshang.aftersales.selectors import buyer_risk
from wanshang.aftersales.services import buyer_risk_flag_set, case_open
from wanshang.common.errors import ValidationError
from wanshang.orders.addresskey import address_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_sample(settings):
    settings.WANSHANG = {**settings.WANSHANG, "REFUND_RISK_MIN_ORDERS": 2}


def _open(order, kind, reason, **kw):
    line = order.lines.get(title="陶瓷杯")
    return case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type=kind,
        lines=[(line.pk, 1)],
        reason_id=reason.pk,
        **kw,
    )


def _codes(assessment):
    return {r.code: r for r in assessment.reasons}


def test_a_clean_buyer_scores_low_with_no_reason(make_order, buyer, receive, small_sample):
    for _ in range(3):
        receive(make_order())
    risk = buyer_risk(buyer=buyer)
    assert (risk.score, risk.level, risk.reasons) == (0, "low", ())


def test_refund_only_after_shipping_rate_names_count_share_and_orders(
    make_order, buyer, ship, reason, small_sample
):
    orders = [make_order() for _ in range(4)]
    for o in orders:
        ship(o)
    for o in orders[:3]:
        _open(o, "refund_only", reason("不想要了"))
    risk = buyer_risk(buyer=buyer)
    r = _codes(risk)["refund_only_rate"]
    assert r.text == "近90天发货后仅退款 3 次，占订单 75%（4 笔）"
    assert r.weight == 70  # 75% is 2.5× the 30% threshold: the weight doubles at most
    assert risk.level == "high"


def test_unshipped_refunds_and_small_samples_do_not_count(make_order, buyer, ship, reason, settings):
    a, b = make_order(), make_order()
    _open(a, "refund_only", reason("拍错/多拍"))  # unshipped: the shop loses nothing
    ship(b)
    _open(b, "refund_only", reason("不想要了"))
    assert "refund_only_rate" not in _codes(buyer_risk(buyer=buyer))  # 2 orders < the minimum sample of 5
    settings.WANSHANG = {**settings.WANSHANG, "REFUND_RISK_MIN_ORDERS": 2}
    assert (
        _codes(buyer_risk(buyer=buyer))["refund_only_rate"].text
        == "近90天发货后仅退款 1 次，占订单 50%（2 笔）"
    )


def test_return_rate(make_order, buyer, receive, reason, small_sample):
    orders = [make_order() for _ in range(2)]
    for o in orders:
        receive(o)
        _open(o, "return_refund", reason("质量问题"))
    r = _codes(buyer_risk(buyer=buyer))["return_rate"]
    assert r.text == "近90天退货退款 2 次，占订单 100%（2 笔）" and r.weight == 40


def _signed(order, at):
    from wanshang.shipping.models import Shipment

    Shipment.objects.create(
        shop_id=order.shop_id,
        order_id=order.pk,
        package_no=1,
        carrier="SF",
        tracking_no=f"SF{order.pk:010d}",
        state="signed",
        delivered_at=at,
        last_event_at=at,
        created_at=at - timedelta(days=2),
    )


def test_not_received_while_the_carrier_shows_signed(make_order, buyer, ship, reason):
    signed, lost = make_order(), make_order()
    for o in (signed, lost):
        ship(o)
    _signed(signed, timezone.now() - timedelta(hours=3))
    _open(signed, "refund_only", reason("未收到货"))
    _open(lost, "refund_only", reason("未收到货"))  # no package signed: a fair claim
    r = _codes(buyer_risk(buyer=buyer))["not_received_signed"]
    assert r.text == "近90天 1 次以“未收到货”申请退款，申请时物流已显示签收" and r.weight == 40


def test_signed_after_the_claim_does_not_count(make_order, buyer, ship, reason):
    order = make_order()
    ship(order)
    _open(order, "refund_only", reason("未收到货"))
    _signed(order, timezone.now() + timedelta(hours=1))
    assert "not_received_signed" not in _codes(buyer_risk(buyer=buyer))


def test_accounts_sharing_a_normalised_address(make_order, make_user, make_address, buyer, shop, place):
    from wanshang.payments.services import sandbox_pay

    order = make_order()
    cup = order.lines.get(title="陶瓷杯").sku_id
    typed = ["望京街道 阜通东大街６号", "望京街道阜通东大街6号。", "望京街道，阜通東大街6號"]
    for detail in typed:
        other = make_user()
        sandbox_pay(buyer=other, payment_no=place(other, make_address(other, detail=detail), [(cup, 1)]).no)
    r = _codes(buyer_risk(buyer=buyer))["shared_address"]
    assert r.text == "近90天收货地址与另外 3 个账户相同" and r.weight == 20


def test_address_key_normalises_and_keeps_districts_apart():
    base = {"district_code": "110105", "detail": "望京街道阜通东大街6号"}
    same = [
        {"district_code": "110105", "detail": " 望京街道 阜通东大街６号 "},
        {"district_code": "110105", "detail": "望京街道阜通東大街6號"},
        {"district_code": "110105", "detail": "望京街道-阜通东大街(6号)"},
    ]
    assert {address_key(s) for s in same} == {address_key(base)}
    assert address_key({**base, "district_code": "310101"}) != address_key(base)
    assert address_key({"district_code": "110105", "detail": "三号楼"}) == address_key(
        {"district_code": "110105", "detail": "3号楼"}
    )
    assert address_key({"district_code": "110105", "detail": ""}) == ""


def test_accounts_sharing_a_browser(buyer, make_user):
    from wanshang.analytics.models import Event

    browser, now = secrets.token_hex(16), timezone.now()
    users = [buyer, *(make_user() for _ in range(3))]
    Event.objects.bulk_create(
        [Event(ts=now, kind="pv", visitor=browser, user_id=u.pk) for u in users]
        + [
            Event(ts=now, kind="pv", visitor=f"u{buyer.pk}", user_id=buyer.pk)
        ]  # an API stand-in is never shared
    )
    r = _codes(buyer_risk(buyer=buyer))["shared_visitor"]
    assert r.text == "近90天同一设备（浏览器）登录过另外 3 个账户" and r.weight == 20


def test_high_refunds_soon_after_sign_up(make_order, buyer, shop, make_product, reason):
    sku = make_product(shop, title="陶瓷杯", prices=(60000,), stock=5).skus.get()
    order = make_order(items=[(sku.pk, 1)])
    case = _open(order, "refund_only", reason("不想要了"))
    r = _codes(buyer_risk(buyer=buyer))["new_account_refunds"]
    assert r.text == f"注册 0 天，注册后 30 天内申请退款 ¥{case.amount_fen / 100:.2f}" and r.weight >= 30
    buyer.date_joined = timezone.now() - timedelta(days=200)  # an old account: not "soon after sign-up"
    buyer.save(update_fields=["date_joined"])
    assert "new_account_refunds" not in _codes(buyer_risk(buyer=buyer))


def test_the_case_keeps_what_the_system_saw_and_audits_it(make_order, buyer, ship, reason, small_sample):
    orders = [make_order() for _ in range(2)]
    for o in orders:
        ship(o)
    case = _open(orders[0], "refund_only", reason("不想要了"))
    stored = CaseRisk.objects.get(case=case)  # 1 of 2 orders: 50% is 1.67× the threshold → 35 × 1.67
    assert stored.score == 58 and stored.level == "medium" and stored.reasons[0]["code"] == "refund_only_rate"
    row = RiskDecision.objects.get(case=case)
    assert (row.action, row.role, row.score, row.level) == ("case_opened", "system", 58, "medium")
    assert row.reasons == stored.reasons and row.shop_id == case.shop_id


def test_platform_flags_override_the_level_and_are_audited(
    operator, buyer, make_order, ship, reason, small_sample
):
    orders = [make_order() for _ in range(2)]
    for o in orders:
        ship(o)
    _open(orders[0], "refund_only", reason("不想要了"))
    assert buyer_risk(buyer=buyer).level == "medium"
    buyer_risk_flag_set(operator=operator, buyer=buyer, status="trusted", note="已电话核实，包裹确实丢失")
    risk = buyer_risk(buyer=buyer)
    assert (risk.level, risk.score, risk.flag) == ("low", 58, "trusted")  # the score stays visible
    buyer_risk_flag_set(operator=operator, buyer=buyer, status="", note="复核结束")
    assert not BuyerRiskFlag.objects.filter(buyer=buyer).exists()
    trail = list(RiskDecision.objects.filter(buyer=buyer, role="platform").order_by("id"))
    assert [t.action for t in trail] == ["flag_trusted", "flag_clear"]
    assert trail[0].actor == operator and "已电话核实" in trail[0].outcome


def test_a_watch_listed_buyer_is_at_least_medium(operator, buyer):
    buyer_risk_flag_set(operator=operator, buyer=buyer, status="watch", note="疑似职业退款")
    assert buyer_risk(buyer=buyer).level == "medium"


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [("ban", "理由充分", "status"), ("trusted", "x", "note"), ("", "没有标记可取消", "status")],
)
def test_bad_flags_are_refused_and_change_nothing(operator, buyer, status, note, field):
    with pytest.raises(ValidationError) as refused:
        buyer_risk_flag_set(operator=operator, buyer=buyer, status=status, note=note)
    assert refused.value.field == field
    assert not BuyerRiskFlag.objects.exists() and not RiskDecision.objects.exists()


def test_one_buyer_is_scored_in_bounded_queries(
    make_order, buyer, ship, reason, small_sample, django_assert_max_num_queries
):
    orders = [make_order() for _ in range(3)]
    for o in orders:
        ship(o)
        _open(o, "refund_only", reason("未收到货"))
    with django_assert_max_num_queries(12):
        buyer_risk(buyer=buyer)
