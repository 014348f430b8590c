"""Seller pages of 发货与物流 and the buyer's timeline: flows, bad input (4xx, nothing changed), isolation."""

from io import BytesIO

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from wanshang.shipping.models import CarrierAccount, Shipment, ShipmentAlert
from wanshang.shipping.services import shipment_create, tracking_apply
from wanshang.shipping.tests.conftest import SENDER

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def intruder(client, other_shop):
    """The owner of another shop."""
    client.force_login(other_shop.owner)
    return client


def test_ship_two_packages_through_the_page(seller, order, lines):
    page = seller.get(f"/seller/orders/{order.pk}/packages/")
    assert page.status_code == 200 and "分包裹发货" in page.content.decode()
    resp = seller.post(
        f"/seller/orders/{order.pk}/packages/",
        {f"qty_{lines[0].pk}": "1", f"qty_{lines[1].pk}": "0", "carrier": "SF", "tracking_no": "SF300000001"},
    )
    assert resp.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    resp = seller.post(
        f"/seller/orders/{order.pk}/packages/",
        {f"qty_{lines[1].pk}": "2", "carrier": "ZTO", "tracking_no": "ZT300000002"},
    )
    order.refresh_from_db()
    assert resp.status_code == 302 and order.status == "shipped" and Shipment.objects.count() == 2
    detail = seller.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "包裹 2" in detail and "ZT300000002" in detail


@pytest.mark.parametrize(
    "data",
    [
        {"carrier": "SF", "tracking_no": "SF300000001", "qty": "9"},  # more than left
        {"carrier": "SF", "tracking_no": "SF300000001", "qty": "-1"},
        {"carrier": "SF", "tracking_no": "SF300000001", "qty": "abc"},
        {"carrier": "", "tracking_no": "SF300000001", "qty": "1"},
        {"carrier": "SF", "tracking_no": "坏单号", "qty": "1"},
        {"carrier": "SF", "tracking_no": "SF300000001", "qty": "0"},  # an empty package
        {"waybill": "on", "qty": "1"},  # no carrier account yet
    ],
)
def test_bad_package_input_is_400_and_ships_nothing(seller, order, lines, data):
    qty = data.pop("qty")
    body = {**data, f"qty_{lines[0].pk}": qty, f"qty_{lines[1].pk}": "0"}
    resp = seller.post(f"/seller/orders/{order.pk}/packages/", body)
    assert resp.status_code == 400
    assert "sc-errors" in resp.content.decode() or "errorlist" in resp.content.decode()
    order.refresh_from_db()
    assert order.status == "paid" and not Shipment.objects.exists()


def test_one_step_ship_form_still_ships_one_package(seller, order):
    resp = seller.post(f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF300000009"})
    assert resp.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped" and Shipment.objects.get().lines.count() == 2


def test_account_page_keeps_the_key_secret(seller, shop):
    data = {
        **SENDER,
        "provider": "kdniao",
        "carrier": "ZTO",
        "ebusiness_id": "1237100",
        "app_key": "secret-key-12345678",
    }
    assert seller.post("/seller/shipping/account/", data).status_code == 302
    page = seller.get("/seller/shipping/account/").content.decode()
    assert "secret-key-12345678" not in page and "已保存 AppKey" in page
    data["app_key"] = ""  # left blank: kept
    assert seller.post("/seller/shipping/account/", data).status_code == 302
    assert CarrierAccount.objects.get(shop=shop).app_key == "secret-key-12345678"
    api = seller.get("/api/seller/shipping-account").json()
    assert api["has_app_key"] is True and "secret-key-12345678" not in str(api)


@pytest.mark.parametrize(
    "change",
    [
        {"provider": "kdniao", "ebusiness_id": "", "app_key": "secret-key-12345678"},
        {"provider": "kdniao", "ebusiness_id": "1237100", "app_key": ""},
        {"provider": "nope"},
        {"carrier": "SELF"},
        {"sender_phone": "abc"},
        {"sender_name": ""},
    ],
)
def test_account_bad_input_is_400(seller, change):
    data = {**SENDER, "provider": "sandbox", "carrier": "ZTO", **change}
    assert seller.post("/seller/shipping/account/", data).status_code == 400
    assert not CarrierAccount.objects.exists()


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_batch_pages(seller, shop, order, buyer, address, product, pay, sandbox_account):
    other = pay(buyer, address, [(product.skus.first(), 1)])
    page = seller.get("/seller/shipping/batch/").content.decode()
    assert order.no in page and other.no in page
    picks = seller.get(f"/seller/shipping/picklist/?order={order.pk},{other.pk}")
    assert picks.status_code == 200 and "拣货单" in picks.content.decode()
    pdf = seller.get(f"/seller/shipping/picklist/?order={order.pk},{other.pk}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    slips = seller.post("/seller/shipping/batch/action/", {"order": [order.pk, other.pk], "action": "slips"})
    assert len(PdfReader(BytesIO(slips.content)).pages) == 2
    done = seller.post("/seller/shipping/batch/action/", {"order": [order.pk, other.pk], "action": "waybill"})
    html = done.content.decode()
    assert done.status_code == 200 and html.count('data-ok="1"') == 2
    ids = ",".join(str(s.pk) for s in Shipment.objects.order_by("pk"))
    labels = seller.get(f"/seller/shipping/labels.pdf?id={ids}")
    assert len(PdfReader(BytesIO(labels.content)).pages) == 2
    assert "SB" in seller.get("/seller/shipping/").content.decode()


def test_import_page_and_template(seller, order):
    template = seller.get("/seller/shipping/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    data = _xlsx(
        [["订单号", "快递公司", "运单号"], [order.no, "SF", "SF400000001"], ["NOPE", "SF", "SF400000002"]]
    )
    resp = seller.post("/seller/shipping/import/", {"file": _upload(data)})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-ok="1"' in html and "订单号不存在" in html
    bad = seller.post("/seller/shipping/import/", {"file": _upload(b"garbage")})
    assert bad.status_code == 400 and "无法读取" in bad.content.decode()
    assert seller.post("/seller/shipping/import/", {}).status_code == 400


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ship.xlsx", data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "url",
    [
        "/seller/shipping/picklist/?order=abc",
        "/seller/shipping/picklist/",
        "/seller/shipping/labels.pdf?id=x",
        "/seller/shipping/labels.pdf",
        "/seller/shipping/picklist/?order=" + ",".join(str(i) for i in range(1, 120)),
    ],
)
def test_bad_selections_are_4xx(seller, url):
    assert 400 <= seller.get(url).status_code < 500


def test_alerts_page_dashboard_and_resolve(seller, shop, order):
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.shipping.services import stalls_flag

    shipment = shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF500000001")
    stalls_flag(now=timezone.now() + timedelta(hours=49))
    assert "物流停滞" in seller.get("/seller/shipping/alerts/").content.decode()
    dash = seller.get("/seller/").content.decode()
    assert "data-shipping-alerts>1<" in dash
    alert = ShipmentAlert.objects.get(shipment=shipment)
    assert seller.post(f"/seller/shipping/alerts/{alert.pk}/resolve/").status_code == 302
    assert "data-shipping-alerts>0<" in seller.get("/seller/").content.decode()


def test_other_shop_sees_nothing_of_ours(client, shop, other_shop, order, lines, sandbox_account):
    shipment = shipment_create(
        shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF600000001", items=[(lines[0].pk, 1)]
    )
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.shipping.services import stalls_flag

    stalls_flag(now=timezone.now() + timedelta(hours=49))
    alert = ShipmentAlert.objects.get()
    client.force_login(other_shop.owner)
    assert client.get(f"/seller/orders/{order.pk}/packages/").status_code == 404
    assert (
        client.post(
            f"/seller/orders/{order.pk}/packages/",
            {f"qty_{lines[1].pk}": "2", "carrier": "SF", "tracking_no": "SF600000002"},
        ).status_code
        == 404
    )
    assert client.get(f"/seller/shipping/labels.pdf?id={shipment.pk}").status_code == 404
    assert client.get(f"/seller/shipping/picklist/?order={order.pk}").status_code == 404
    assert client.post(
        "/seller/shipping/batch/action/", {"order": [order.pk], "action": "slips"}
    ).status_code in (302, 404)
    assert "SF600000001" not in client.get("/seller/shipping/").content.decode()
    assert order.no not in client.get("/seller/shipping/alerts/").content.decode()
    assert client.post(f"/seller/shipping/alerts/{alert.pk}/resolve/").status_code == 404
    assert "张仓管" not in client.get("/seller/shipping/account/").content.decode()
    # the API
    assert client.get(f"/api/seller/shipments/{shipment.pk}").status_code == 404
    assert client.get("/api/seller/shipments").json()["count"] == 0
    assert client.get(f"/api/seller/shipments/labels.pdf?ids={shipment.pk}").status_code == 404
    assert client.get(f"/api/seller/pick-list?order_ids={order.pk}").status_code == 404
    assert client.get(f"/api/seller/packing-slips.pdf?order_ids={order.pk}").status_code == 404
    assert client.get("/api/seller/shipping-alerts").json()["count"] == 0
    assert client.post(f"/api/seller/shipping-alerts/{alert.pk}/resolve").status_code == 404
    assert client.get("/api/seller/shipping-account").status_code == 404
    made = client.post(
        f"/api/seller/orders/{order.pk}/shipments",
        {"carrier": "SF", "tracking_no": "SF600000003"},
        content_type="application/json",
    )
    assert made.status_code == 404
    assert Shipment.objects.count() == 1
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_buyer_sees_the_timeline_and_other_buyers_do_not(client, buyer, shop, order, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.shipping.carriers.base import Trace

    shipment = shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF700000001")
    t0 = timezone.now()
    tracking_apply(
        shipment_id=shipment.pk,
        traces=[
            Trace(
                at=t0 + timedelta(hours=5),
                state="in_transit",
                code="2",
                location="上海",
                text="到达上海转运中心",
            ),
            Trace(
                at=t0 + timedelta(hours=1), state="collected", code="1", location="杭州", text="快递员已揽收"
            ),
        ],
    )
    client.force_login(buyer)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "物流跟踪" in page and page.index("到达上海转运中心") < page.index("快递员已揽收")  # newest first
    api = client.get(f"/api/store/orders/{order.pk}/packages").json()
    assert [p["text"] for p in api[0]["timeline"]] == ["快递员已揽收", "到达上海转运中心"]
    assert api[0]["state"] == "in_transit" and api[0]["lines"][0]["quantity"] >= 1
    client.force_login(make_user())
    assert client.get(f"/api/store/orders/{order.pk}/packages").status_code == 404
