"""A NUL character (U+0000) anywhere in a request is a 400 at the edge (common.middleware), never a 500 from
PostgreSQL; payment notifications with a NUL are refused too, but recorded."""

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from wanshang.common.middleware import NUL_MESSAGE, request_has_nul

pytestmark = pytest.mark.django_db

API_REFUSAL = {"detail": NUL_MESSAGE, "code": "invalid"}
FORM = "application/x-www-form-urlencoded"


def _json(data) -> dict:
    return {"data": json.dumps(data), "content_type": "application/json"}


# (method, path, request kwargs): what a visitor can send without an account.
ANONYMOUS = [
    ("get", "/api/store/products?q=a%00b", {}),
    ("get", "/api/store/products?category=%00", {}),
    ("get", "/api/store/regions?parent=%00", {}),
    ("get", "/api/store/shops/a%00b", {}),
    ("get", "/search/?q=%00", {}),
    ("get", "/search/?q=a&sort=%00", {}),
    ("get", "/pay/P%00/", {}),
    ("post", "/api/store/auth/token", _json({"login": "13800000000\x00", "password": "x"})),  # \u0000 escape
    (
        "post",
        "/api/store/auth/token",
        {
            "data": b'{"login": "1\x00", "password": "x"}',  # a raw 0x00 byte
            "content_type": "application/json",
        },
    ),
    (
        "post",
        "/accounts/login/",
        {"data": urlencode({"login": "a\x00", "password": "x"}), "content_type": FORM},
    ),
    ("post", "/accounts/login/", {"data": {"login": "a\x00", "password": "x"}}),  # multipart
    ("post", "/accounts/signup/", {"data": {"login\x00": "1", "password": "x"}}),  # in a field name
]

# The same for a logged-in buyer: free text that reaches a query or a row.
BUYER = [
    ("get", "/api/store/orders?status=%00", {}),
    (
        "post",
        "/api/store/addresses",
        _json(
            {
                "receiver": "张\x00三",
                "phone": "13800138000",
                "district_code": "110105",
                "detail": "某街道 1 号",
            }
        ),
    ),
    (
        "post",
        "/accounts/addresses/new/",
        {
            "data": {
                "receiver": "张三",
                "phone": "13800138000",
                "district_code": "110105",
                "detail": "某街道\x00",
            }
        },
    ),
    ("patch", "/api/store/cart/items/1", {"data": urlencode({"quantity": "1\x00"}), "content_type": FORM}),
    ("get", "/orders/?status=%00", {}),
]

# A shop owner.
SELLER = [
    ("get", "/api/seller/products?q=%00", {}),
    ("get", "/api/seller/orders?q=x%00", {}),
    ("get", "/seller/products/?q=%00", {}),
    ("post", "/seller/settings/", {"data": {"name": "新店名\x00", "description": "", "logo_url": ""}}),
    ("post", "/api/seller/promotions", _json({"kind": "coupon", "name": "\x00", "config": {}})),
]


def _send(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400, (method, path, response.status_code, response.content[:300])
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == API_REFUSAL
    else:
        assert NUL_MESSAGE in response.content.decode()
    return response


def probe_everything(client, shop):
    """Every probe above, anonymous, as a buyer and as the shop's owner."""
    for probe in ANONYMOUS:
        _send(client, *probe)
    client.force_login(shop.buyer)
    for probe in ANONYMOUS + BUYER:
        _send(client, *probe)
    client.logout()
    client.force_login(shop.owner)
    for probe in SELLER:
        _send(client, *probe)


@pytest.fixture
def shop(make_shop, buyer):
    shop = make_shop()
    shop.buyer = buyer
    return shop


def test_every_probe_is_a_400_with_the_message(client, shop):
    probe_everything(client, shop)


@pytest.mark.postgres
def test_every_probe_is_a_400_on_postgresql(require_postgres, client, shop):
    """Without the middleware these reached PostgreSQL, which refuses NUL in text: 500s."""
    probe_everything(client, shop)


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "data": b'{"login": "a\\\\u0000"}',
            "content_type": "application/json",
        },  # "\\u0000": the text \u0000
        {"data": {"q": "no nul here"}},
        {
            "data": {"file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\x00\x00binary")}
        },  # file contents: any bytes
    ],
)
def test_what_is_not_a_nul_passes(kwargs):
    assert not request_has_nul(RequestFactory().post("/api/store/anything", **kwargs))


def test_a_nul_in_the_field_name_of_an_upload_is_refused():
    upload = SimpleUploadedFile("a.jpg", b"x")
    assert request_has_nul(RequestFactory().post("/seller/products/new/", {"fi\x00le": upload}))


def test_ordinary_requests_still_work(client, shop):
    assert client.get("/search/?q=连衣裙").status_code == 200
    assert client.get("/api/store/products?q=abc").status_code == 200
    response = client.post("/api/store/auth/token", **_json({"login": "13800000000", "password": "x"}))
    assert response.status_code == 401


# --- payment notifications: refused, but on record ------------------------------------------------------------


def _notify_with_nul(client):
    from wanshang.payments.gateways import get_gateway

    body = get_gateway("sandbox").build_notification("P2026\x00", 100)  # %00 in the form...
    body = body.replace(b"trade_status=", b"trade_status=\x00")  # ...and a raw NUL byte
    return client.post("/api/payments/notify/sandbox", data=body, content_type=FORM)


def _assert_recorded_refusal(response):
    from wanshang.payments.models import PaymentNotification

    assert response.status_code == 400 and response.content == b"fail"
    note = PaymentNotification.objects.get()
    assert note.outcome == "bad_body" and not note.verified and note.gateway == "sandbox"
    assert "\x00" not in note.body and "trade_status=\ufffd" in note.body


def test_payment_notification_with_a_nul_is_recorded_and_refused(client):
    _assert_recorded_refusal(_notify_with_nul(client))


@pytest.mark.postgres
def test_payment_notification_with_a_nul_is_recorded_on_postgresql(require_postgres, client):
    _assert_recorded_refusal(_notify_with_nul(client))


@pytest.mark.postgres
def test_refusals_of_odd_notifications_are_recorded_on_postgresql(require_postgres, client):
    """_record keeps within the columns: an overlong unknown gateway, a NUL in a parsed field (bad signature)."""
    from wanshang.payments.models import PaymentNotification

    assert client.post("/api/payments/notify/" + "x" * 40, data=b"a=1", content_type=FORM).status_code == 404
    forged = urlencode(
        {
            "out_trade_no": "P\x00",
            "trade_no": "T",
            "total_amount": "1.00",
            "trade_status": "SUCCESS",
            "sign": "00",
        }
    )
    assert client.post("/api/payments/notify/sandbox", data=forged, content_type=FORM).status_code == 400
    assert list(PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)) == [
        "unknown_gateway",
        "bad_signature",
    ]
