"""快递鸟 adapter and push callback, offline: requests and answers are produced here, the transport injected."""

import base64
import hashlib
import json
import urllib.parse
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from wanshang.shipping.carriers.kdniao import KdniaoAdapter, data_sign, normalise, sign_b64
from wanshang.shipping.models import Shipment, TrackingEvent
from wanshang.shipping.services import account_save, shipment_create
from wanshang.shipping.tests.conftest import SENDER

CHINA = ZoneInfo("Asia/Shanghai")
KEY = "56da2cf8-c8a2-44b2-b6fa-476cd7d1ba17"
EBID = "1237100"


def test_data_sign_is_base64_of_the_hex_md5_then_urlencoded():
    request_data = '{"OrderCode":"","ShipperCode":"SF","LogisticCode":"118650888018"}'
    # by hand, step by step as documented: md5 → lowercase hex text → base64 of that text → URL-encode
    hex_text = hashlib.md5((request_data + KEY).encode("utf-8")).hexdigest()
    assert hex_text == "7cef2b9b3677ff40d558c60f66a8b384"
    b64 = base64.b64encode(hex_text.encode("ascii")).decode()
    assert b64 == "N2NlZjJiOWIzNjc3ZmY0MGQ1NThjNjBmNjZhOGIzODQ="
    assert sign_b64(request_data, KEY) == b64
    assert data_sign(request_data, KEY) == "N2NlZjJiOWIzNjc3ZmY0MGQ1NThjNjBmNjZhOGIzODQ%3D"
    # a fixed short vector: md5("abckey") = 11e74c87d199c94fd4c02322b42391dd
    assert sign_b64("abc", "key") == "MTFlNzRjODdkMTk5Yzk0ZmQ0YzAyMzIyYjQyMzkxZGQ="


def test_state_codes_normalise():
    assert [normalise(c) for c in ["1", "2", "201", "202", "211", "3", "4", "401", "404", "406", "407", "0"]] == [
        "collected", "in_transit", "in_transit", "delivering", "delivering", "signed",
        "problem", "problem", "returned", "returned", "returned", "pending",
    ]  # fmt: skip


class FakeKdniao:
    """Answers like 快递鸟 and keeps what it was sent."""

    def __init__(self, *, waybill="75123456789012", fail=False):
        self.sent, self.waybill, self.fail = [], waybill, fail

    def __call__(self, url, form):
        fields = dict(p.split("=", 1) for p in form.split("&"))
        request_data = urllib.parse.unquote(fields["RequestData"])
        assert fields["DataSign"] == data_sign(request_data, KEY) and fields["DataType"] == "2"
        self.sent.append((url, fields["RequestType"], json.loads(request_data)))
        if self.fail:
            return json.dumps(
                {"EBusinessID": EBID, "Success": False, "ResultCode": "105", "Reason": "余额不足"}
            )
        if fields["RequestType"] == "1007":
            return json.dumps(
                {
                    "EBusinessID": EBID,
                    "Success": True,
                    "ResultCode": "100",
                    "Order": {"LogisticCode": self.waybill},
                }
            )
        return json.dumps({"EBusinessID": EBID, "Success": True, "UpdateTime": "2026-12-06 10:00:00"})


@pytest.fixture
def kdniao_account(shop):
    return account_save(
        shop=shop, provider="kdniao", carrier="ZTO", sender=SENDER, ebusiness_id=EBID, app_key=KEY
    )


@pytest.mark.django_db
def test_waybill_1007_then_subscribe_8008(shop, order, kdniao_account):
    fake = FakeKdniao()
    shipment = shipment_create(shop=shop, order_id=order.pk, waybill=True, actor=shop.owner, transport=fake)
    assert shipment.tracking_no == "75123456789012" and shipment.provider == "kdniao"
    (url1, t1, waybill), (url2, t2, sub) = fake.sent
    assert t1 == "1007" and waybill["ShipperCode"] == "ZTO" and waybill["Receiver"]["Name"]
    assert waybill["Sender"]["Name"] == "张仓管" and waybill["OrderCode"] == f"{order.no}-1"
    assert t2 == "8008" and sub == {"ShipperCode": "ZTO", "LogisticCode": "75123456789012"}
    assert Shipment.objects.get().subscribed


@pytest.mark.django_db
def test_refused_waybill_ships_nothing(shop, order, kdniao_account):
    from wanshang.common.errors import ValidationError

    with pytest.raises(ValidationError, match="余额不足"):
        shipment_create(shop=shop, order_id=order.pk, waybill=True, transport=FakeKdniao(fail=True))
    order.refresh_from_db()
    assert order.status == "paid" and not Shipment.objects.exists()


def test_adapter_repr_hides_the_key():
    assert KEY not in repr(KdniaoAdapter(ebusiness_id=EBID, app_key=KEY))


def push_body(no, traces, *, state="2", ebid=EBID):
    data = {
        "PushTime": "2026-12-06 12:00:00",
        "EBusinessID": ebid,
        "Count": "1",
        "Data": [
            {
                "EBusinessID": ebid,
                "ShipperCode": "ZTO",
                "LogisticCode": no,
                "Success": True,
                "State": state,
                "Traces": [
                    {"AcceptTime": at, "AcceptStation": text, "Location": "杭州", "Action": action}
                    for at, text, action in traces
                ],
            }
        ],
    }
    return json.dumps(data, ensure_ascii=False)


def post_push(client, body, *, key=KEY, sign=None):
    return client.post(
        "/api/shipping/kdniao/push",
        {"RequestData": body, "RequestType": "101", "DataSign": sign or sign_b64(body, key)},
    )


T1 = ("2026-12-06 09:00:00", "【杭州】快递员已揽收", "1")
T2 = ("2026-12-06 15:00:00", "快件已到达【杭州转运中心】", "2")
T3 = ("2026-12-07 08:00:00", "快件已到达【上海转运中心】", "201")
T4 = ("2026-12-07 10:30:00", "【上海】快递员正在派件", "202")
T5 = ("2026-12-07 14:00:00", "已签收，签收人：本人", "3")


@pytest.fixture
def shipped(shop, order, kdniao_account):
    return shipment_create(
        shop=shop, order_id=order.pk, carrier="ZTO", tracking_no="75000000001", actor=shop.owner
    )


@pytest.mark.django_db
def test_duplicated_and_out_of_order_pushes_make_one_ordered_timeline(shipped, order):
    client = Client()
    for traces in ([T1, T3], [T1, T2], [T1, T2, T3], [T1, T2, T3]):  # late, partial, repeated
        resp = post_push(client, push_body("75000000001", traces))
        assert resp.status_code == 200 and resp.json()["Success"] is True
    events = list(TrackingEvent.objects.filter(shipment=shipped).order_by("at"))
    assert [e.text for e in events] == [T1[1], T2[1], T3[1]]
    shipped.refresh_from_db()
    assert shipped.state == "in_transit"
    # an older push arriving after the newest does not move the state back
    post_push(client, push_body("75000000001", [T1, T2, T3, T4, T5], state="3"))
    post_push(client, push_body("75000000001", [T1, T2]))
    shipped.refresh_from_db()
    order.refresh_from_db()
    assert shipped.state == "signed" and TrackingEvent.objects.count() == 5
    delivered = datetime(2026, 12, 7, 14, 0, tzinfo=CHINA)
    assert shipped.delivered_at == delivered and order.delivered_at == delivered


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    ["bad_sign", "other_key", "unknown_account", "not_json", "empty"],
)
def test_bad_pushes_are_refused_and_write_nothing(shipped, kind):
    body = push_body("75000000001", [T1])
    client = Client()
    if kind == "bad_sign":
        resp = post_push(client, body, sign="bm90IGEgc2lnbg==")
    elif kind == "other_key":
        resp = post_push(client, body, key="another-key-123456")
    elif kind == "unknown_account":
        body = push_body("75000000001", [T1], ebid="999999")
        resp = post_push(client, body)
    elif kind == "not_json":
        resp = post_push(client, "{not json")
    else:
        resp = client.post("/api/shipping/kdniao/push", {})
    assert 400 <= resp.status_code < 500
    assert resp.json()["Success"] is False
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db
def test_push_never_reaches_another_shops_package(shipped, other_shop, make_product, buyer, address, pay):
    """Shop B ships with the same tracking number; A's account's push updates only A's package."""
    product = make_product(other_shop, title="B 店商品", prices=(1000,), stock=5)
    order_b = pay(buyer, address, [(product.skus.first(), 1)])
    b = shipment_create(shop=other_shop, order_id=order_b.pk, carrier="ZTO", tracking_no="75000000001")
    post_push(Client(), push_body("75000000001", [T1]))
    assert TrackingEvent.objects.filter(shipment=shipped).count() == 1
    assert not TrackingEvent.objects.filter(shipment=b).exists()


@pytest.mark.django_db
def test_problem_push_raises_one_alert(shipped, shop):
    from wanshang.shipping.selectors import seller_alert_count

    problem = ("2026-12-07 09:00:00", "收件人拒收", "405")
    body = push_body("75000000001", [T1, problem], state="4")
    post_push(Client(), body)
    post_push(Client(), body)
    assert seller_alert_count(shop=shop) == 1
