"""Every answer of the JSON API matches what /api/openapi.json documents for its status code.

Real data made through the services (the fixtures of conftest.py), then the endpoints of the three faces called
as a buyer, a shop owner and an operator — every GET and the main writes, plus a few refusals — and each answer
validated with `jsonschema` (Draft 2020-12, the dialect of OpenAPI 3.1) against the response schema of its status.
Validation is strict: an object may carry only the properties its schema names (unless it says otherwise), and
dates must parse. A status the operation does not document fails too. Bounded: a fixed list of calls, no fuzzing.
Each face's test ends by checking that it called every GET endpoint of that face.

Runs on SQLite and again on PostgreSQL (the `sql` marker)."""

import copy
import json
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from tests.api_contract_affiliates import platform_affiliates, seller_affiliates, store_affiliates
from tests.contract_adlaw import platform_adlaw, seller_adlaw
from tests.contract_ads import platform_ads, seller_ads
from tests.contract_ads_audience import seller_ads_audience
from tests.contract_ads_auto import seller_ads_auto
from tests.contract_ads_serving import seller_ads_reports
from tests.contract_copywriting import seller_copywriting
from tests.contract_health import platform_health, seller_health
from tests.contract_imagecheck import platform_image_checks, seller_image_checks
from tests.contract_inbox import seller_inbox
from tests.contract_patrol import platform_patrol, seller_patrol
from tests.contract_shoppages import seller_shoppages, store_shoppages
from wanshang.search.services import query_record, terms_refresh

pytestmark = [pytest.mark.sql, pytest.mark.django_db]

PASSWORD = "Wanshang#2026"  # conftest's make_user default
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo)


@FORMATS.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def _strict(node):
    """Objects whose schema lists properties may have no others (pydantic leaves additionalProperties unset)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)
    return node


class Contract:
    """Calls endpoints by their documented path template and validates each answer against the document."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.components = _strict(copy.deepcopy(doc["components"]))
        self.called: set[tuple[str, str]] = set()
        self.with_data: set[str] = set()  # GET endpoints that answered 200 with at least one row

    def call(
        self,
        client,
        method: str,
        template: str,
        *,
        expect: int,
        path: dict | None = None,
        query: dict | None = None,
        body=None,
        headers: dict | None = None,
    ):
        url = template.format(**(path or {}))
        if query:
            url += "?" + urlencode(query)
        kwargs = {"headers": headers} if headers else {}
        if method == "get":
            response = client.get(url, **kwargs)
        else:
            response = getattr(client, method)(
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                **kwargs,
            )
        where = f"{method.upper()} {url} → {response.status_code}"
        assert response.status_code == expect, f"{where}: {response.content.decode(errors='replace')[:500]}"
        self.validate(response, method, template, where)
        self.called.add((method, template))
        if response.status_code == 204 or not response.get("Content-Type", "").startswith("application/json"):
            if method == "get" and response.status_code == 200:
                self.with_data.add(template)
            return response
        data = response.json()
        if method == "get" and response.status_code == 200 and _has_rows(data):
            self.with_data.add(template)
        return data

    def validate(self, response, method: str, template: str, where: str) -> None:
        operation = self.doc["paths"][template][method]
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{where}: status not documented ({sorted(operation['responses'])})"
        content = documented.get("content")
        if response.status_code == 204:
            assert not response.content and not content, where
            return
        assert content, f"{where}: the document gives no content for this status"
        media = response["Content-Type"].split(";")[0]
        [(documented_media, spec)] = content.items()
        assert media == documented_media.split(";")[0], f"{where}: {media} but documented {documented_media}"
        if media != "application/json":
            assert response.content, where
            return
        schema = {**spec["schema"], "components": self.components}
        errors = sorted(
            Draft202012Validator(schema, format_checker=FORMATS).iter_errors(response.json()),
            key=lambda e: list(e.absolute_path),
        )
        assert not errors, f"{where}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors[:5]
        )

    def uncovered_gets(self, prefix: str) -> list[str]:
        return sorted(
            path
            for path, ops in self.doc["paths"].items()
            if path.startswith(prefix) and "get" in ops and ("get", path) not in self.called
        )

    def gets_without_data(self, prefix: str) -> list[str]:
        """List endpoints called but never with a row: their items' schemas were never put to the test."""
        return sorted(
            path
            for path, ops in self.doc["paths"].items()
            if path.startswith(prefix) and "get" in ops and "{" not in path and path not in self.with_data
        )


def _has_rows(data) -> bool:
    """A list answer with an element, or a page / cart / report whose rows are not empty; any other object."""
    if isinstance(data, list):
        return bool(data)
    rows = [
        data[k]
        for k in ("items", "groups", "entries", "products", "segments", "cohorts", "days")
        if isinstance(data, dict) and k in data
    ]
    return not rows or any(rows)


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/openapi.json").json())


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _key() -> dict:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _promo(shop, kind, *, actor=None, items=(), config=None, starts=None, ends=None, **fields):
    from wanshang.marketing.services import PromotionInput, promotion_save

    now = timezone.now()
    data = PromotionInput(
        kind=kind,
        name=fields.pop("name", f"测试{kind}"),
        starts_at=starts or now - timedelta(minutes=1),
        ends_at=ends or now + timedelta(days=1),
        config=config or {},
        items=list(items),
        **fields,
    )
    return promotion_save(shop=shop, actor=actor or (shop.owner if shop else None), data=data)


def _seller_shipping(contract, owner, buyer, address, sku, B: str) -> None:
    """发货与物流: the carrier account, pick list and slips, a package by hand, a batch 电子面单, labels, alerts."""
    from wanshang.shipping.services import stalls_flag

    order = _paid_order(buyer, address, sku)
    account = {
        "provider": "sandbox",
        "carrier": "ZTO",
        "sender_name": "张仓管",
        "sender_phone": "13800000001",
        "sender_province": "浙江省",
        "sender_city": "杭州市",
        "sender_address": "仓前街道 8 号仓",
    }
    contract.call(owner, "get", f"{B}/shipping-account", expect=404)
    contract.call(owner, "put", f"{B}/shipping-account", body={**account, "provider": "kdniao"}, expect=400)
    contract.call(owner, "put", f"{B}/shipping-account", body=account, expect=200)
    contract.call(owner, "get", f"{B}/shipping-account", expect=200)
    ids = {"order_ids": str(order.pk)}
    contract.call(owner, "get", f"{B}/pick-list", query=ids, expect=200)
    contract.call(owner, "get", f"{B}/pick-list", query={"order_ids": "x"}, expect=400)
    contract.call(owner, "get", f"{B}/pick-list.pdf", query=ids, expect=200)
    contract.call(owner, "get", f"{B}/packing-slips.pdf", query=ids, expect=200)
    line = order.lines.get()
    template = f"{B}/orders/{{order_id}}/shipments"
    body = {
        "lines": [{"line_id": line.pk, "quantity": line.quantity}],
        "carrier": "SF",
        "tracking_no": "SF555000111",
    }
    shipment = contract.call(owner, "post", template, path={"order_id": order.pk}, body=body, expect=201)
    contract.call(owner, "post", template, path={"order_id": order.pk}, body=body, expect=409)
    contract.call(owner, "post", template, path={"order_id": order.pk}, body={"carrier": "XX"}, expect=400)
    contract.call(owner, "get", f"{B}/shipments", expect=200)
    contract.call(owner, "get", f"{B}/shipments", query={"state": "flying"}, expect=400)
    contract.call(
        owner, "get", f"{B}/shipments/{{shipment_id}}", path={"shipment_id": shipment["id"]}, expect=200
    )
    contract.call(owner, "get", f"{B}/shipments/{{shipment_id}}", path={"shipment_id": 10**9}, expect=404)
    contract.call(owner, "get", f"{B}/shipments/labels.pdf", query={"ids": shipment["id"]}, expect=200)
    other = _paid_order(buyer, address, sku)
    contract.call(owner, "post", f"{B}/shipments/batch-waybill", body={"order_ids": [other.pk]}, expect=200)
    contract.call(owner, "post", f"{B}/shipments/batch-waybill", body={"order_ids": []}, expect=422)
    stalls_flag(now=timezone.now() + timedelta(hours=49))
    alerts = contract.call(owner, "get", f"{B}/shipping-alerts", expect=200)
    at = {"alert_id": alerts["items"][0]["id"]}
    contract.call(owner, "post", f"{B}/shipping-alerts/{{alert_id}}/resolve", path=at, expect=200)


def _paid_order(buyer, address, sku, qty=1):
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, qty)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    return payment.orders.get()


def _seller_stores(contract, owner, B, shop, buyer, address, sku):
    """门店 and 到店自提: store CRUD and staff, a pickup order listed and verified (wrong, right, twice)."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.payments.services import sandbox_pay
    from wanshang.stores.selectors import pickup_of_order

    body = {
        "name": "杭州湖滨银泰店",
        "district_code": "330102",
        "detail": "延安路258号",
        "phone": "0571-87001234",
        "hours": "10:00-22:00",
        "warehouse_id": warehouse_list(shop=shop)[0].pk,
        "latitude": "30.2591",
        "longitude": "120.1656",
    }
    store = contract.call(owner, "post", f"{B}/stores", body=body, expect=201)
    contract.call(owner, "post", f"{B}/stores", body={**body, "phone": "x"}, expect=400)
    contract.call(owner, "post", f"{B}/stores", body={**body, "latitude": 99}, expect=422)
    contract.call(owner, "get", f"{B}/stores", expect=200)
    path = {"store_id": store["id"]}
    contract.call(owner, "get", f"{B}/stores/{{store_id}}", path=path, expect=200)
    contract.call(owner, "get", f"{B}/stores/{{store_id}}", path={"store_id": 999999}, expect=404)
    contract.call(
        owner,
        "put",
        f"{B}/stores/{{store_id}}",
        path=path,
        body={**body, "latitude": None, "longitude": None},
        expect=200,
    )
    contract.call(
        owner, "put", f"{B}/stores/{{store_id}}/staff", path=path, body={"user_ids": []}, expect=200
    )
    contract.call(
        owner, "put", f"{B}/stores/{{store_id}}/staff", path=path, body={"user_ids": [buyer.pk]}, expect=400
    )
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
        pickup={shop.pk: store["id"]},
    )
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    code = pickup_of_order(order_id=payment.orders.get().pk).code
    contract.call(owner, "get", f"{B}/pickups", expect=200)
    verify = f"{B}/pickups/verify"
    wrong = "00000000" if code != "00000000" else "11111111"
    contract.call(owner, "post", verify, body={"store_id": store["id"], "code": wrong}, expect=400)
    contract.call(owner, "post", verify, body={"store_id": store["id"], "code": code}, expect=200)
    contract.call(owner, "post", verify, body={"store_id": store["id"], "code": code}, expect=409)
    contract.call(owner, "post", verify, body={"store_id": 999999, "code": code}, expect=404)
    contract.call(owner, "post", verify, body={"store_id": store["id"]}, expect=422)
    contract.call(owner, "get", f"{B}/pickups", query={"status": "picked_up"}, expect=200)
    contract.call(_logged_in(buyer), "get", f"{B}/pickups", expect=403)


def _price_alert(shop, make_product):
    """A SKU raised from ¥100 to ¥130 and then put in a 限时折扣: a §17 price alert (compliance)."""
    from wanshang.catalog.services import sku_price_update

    sku = make_product(shop, title="先涨后降的商品", prices=(10000,)).skus.get()
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=13000)
    now = timezone.now()
    _promo(
        shop,
        "time_discount",
        name="限时九折",
        starts=now + timedelta(hours=1),
        ends=now + timedelta(days=2),
        items=[{"sku_id": sku.pk, "discount_bps": 9000}],
    )


def _trade_and_gap_alert(shop, buyers, product=None):
    """Paid events over the last month (RFM, cohorts, trade report) and a 支付异常下跌 alert for the shop and the
    marketplace: ten payments at this hour on each earlier day/week, none now (the analytics tests' recipe)."""
    from wanshang.analytics.tests.factories import add, save
    from wanshang.insights.anomaly import payment_gaps_scan

    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    events: list = []
    for days in (1, 2, 3, 4, 5, 6, 7, 14, 21, 28):
        for i in range(10):
            add(
                events,
                ts=hour - timedelta(days=days) + timedelta(minutes=5 * i),
                kind="paid",
                shop=shop,
                user_id=buyers[i % len(buyers)].pk,
                amount_fen=1000 + 100 * i,
            )
    add(events, ts=hour - timedelta(days=1), kind="refund", shop=shop, user_id=buyers[0].pk, amount_fen=500)
    if product is not None:  # 商品分析: a visit and a paid line of the product
        add(
            events,
            ts=hour - timedelta(days=1),
            kind="pv",
            shop=shop,
            visitor="v-1",
            page_type="product",
            product_id=product.pk,
        )
        add(
            events,
            ts=hour - timedelta(days=1),
            kind="item_paid",
            shop=shop,
            user_id=buyers[0].pk,
            product_id=product.pk,
            amount_fen=15900,
            quantity=1,
        )
    save(events)
    payment_gaps_scan(now=hour + timedelta(hours=1, minutes=5))


# --- storefront (a buyer) ----------------------------------------------------------------------------------------


# --- 评价 (reviews): the same calls in each face's test ------------------------------------------------------------

DSR = {"description": 5, "service": 4, "logistics": 5}


def _review_picture():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def _received_order(buyer, address, shop, sku):
    from wanshang.orders.services import order_confirm_receipt, order_ship

    order = _paid_order(buyer, address, sku)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    return order


def _store_reviews(contract, me, buyer, anyone, S: str, order_id: int, voter) -> None:
    from wanshang.orders.selectors import buyer_order_get

    order = buyer_order_get(buyer=buyer, order_id=order_id)
    line = order.lines.all()[0]
    template = f"{S}/order-lines/{{line_id}}/review-images"
    response = me.post(template.format(line_id=line.pk), {"file": _review_picture()})
    assert response.status_code == 201, response.content
    contract.validate(response, "post", template, "POST review-images")
    contract.called.add(("post", template))
    image = response.json()
    at = {"line_id": line.pk}
    contract.call(me, "post", f"{S}/order-lines/{{line_id}}/review", path=at, body={"stars": 9}, expect=422)
    contract.call(
        me,
        "post",
        f"{S}/order-lines/{{line_id}}/review",
        path=at,
        body={"stars": 5, "text": "<b>x</b>", "dsr": DSR},
        expect=400,
    )
    review = contract.call(
        me,
        "post",
        f"{S}/order-lines/{{line_id}}/review",
        path=at,
        body={"stars": 5, "text": "很好", "dsr": DSR, "image_ids": [image["id"]], "is_anonymous": True},
        expect=201,
    )
    contract.call(me, "post", f"{S}/order-lines/{{line_id}}/review", path=at, body={"stars": 5}, expect=409)
    rid = {"review_id": review["id"]}
    contract.call(me, "get", f"{S}/reviews/{{review_id}}", path=rid, expect=200)
    mine = contract.call(me, "get", f"{S}/reviews", expect=200)
    assert [r["id"] for r in mine["items"]] == [review["id"]]
    assert contract.call(voter, "get", f"{S}/reviews", expect=200)["items"] == []  # only one's own
    contract.call(me, "get", f"{S}/reviews", query={"page_size": 500}, expect=422)
    contract.call(
        me, "post", f"{S}/reviews/{{review_id}}/followup", path=rid, body={"text": "追评"}, expect=200
    )
    contract.call(voter, "post", f"{S}/reviews/{{review_id}}/helpful", path=rid, expect=200)
    contract.call(voter, "post", f"{S}/reviews/{{review_id}}/helpful", path=rid, expect=409)
    product = {"product_id": line.product_id}
    contract.call(anyone, "get", f"{S}/products/{{product_id}}/rating", path=product, expect=200)
    contract.call(anyone, "get", f"{S}/products/{{product_id}}/reviews", path=product, expect=200)
    contract.call(anyone, "get", f"{S}/shops/{{shop_id}}/dsr", path={"shop_id": order.shop_id}, expect=200)
    contract.call(
        me, "put", f"{S}/reviews/{{review_id}}", path=rid, body={"stars": 4, "text": "改"}, expect=200
    )


def _seller_reviews(contract, owner, buyer, B: str, review_id: int) -> None:
    at = {"review_id": review_id}
    contract.call(owner, "get", f"{B}/reviews", expect=200)
    contract.call(owner, "get", f"{B}/reviews-dsr", expect=200)
    contract.call(
        owner, "post", f"{B}/reviews/{{review_id}}/reply", path=at, body={"text": "谢谢"}, expect=200
    )
    contract.call(
        owner, "post", f"{B}/reviews/{{review_id}}/reply", path=at, body={"text": "再谢"}, expect=409
    )
    contract.call(
        owner, "post", f"{B}/reviews/{{review_id}}/report", path=at, body={"reason": "评价含广告"}, expect=201
    )
    contract.call(
        owner,
        "post",
        f"{B}/reviews/{{review_id}}/reply",
        path={"review_id": 0},
        body={"text": "x"},
        expect=404,
    )


def _platform_reviews(contract, op, P: str, shop, edited_id: int) -> None:
    reports = contract.call(op, "get", f"{P}/reviews/reports", expect=200)
    contract.call(op, "get", f"{P}/reviews/edited", expect=200)
    at = {"report_id": reports["items"][0]["id"]}
    contract.call(
        op,
        "post",
        f"{P}/reviews/reports/{{report_id}}/decide",
        path=at,
        body={"decision": "hide", "note": ""},
        expect=400,
    )
    contract.call(
        op,
        "post",
        f"{P}/reviews/reports/{{report_id}}/decide",
        path=at,
        body={"decision": "hide", "note": "广告"},
        expect=200,
    )
    contract.call(
        op,
        "post",
        f"{P}/reviews/{{review_id}}/moderate",
        path={"review_id": edited_id},
        body={"decision": "approve"},
        expect=200,
    )


def _store_helpdesk(contract, anyone, me, buyer, S: str) -> None:
    """A shop's 常见问题 (public) and the buyer's own tickets."""
    from wanshang.helpdesk.services import faq_category_save, faq_create, ticket_comment_add, ticket_create

    shop = contract.helpdesk_shop
    category = faq_category_save(shop=shop, name="发货物流")
    faq_create(
        shop=shop,
        category_id=category.pk,
        question="多久发货",
        phrasings=["什么时候发货"],
        answer="48 小时内",
    )
    contract.call(anyone, "get", f"{S}/shops/{{slug}}/faq", path={"slug": shop.slug}, expect=200)
    contract.call(
        anyone,
        "get",
        f"{S}/shops/{{slug}}/faq",
        path={"slug": shop.slug},
        query={"q": "什么时候发货"},
        expect=200,
    )
    contract.call(anyone, "get", f"{S}/shops/{{slug}}/faq", path={"slug": "no-such-shop"}, expect=404)
    ticket = ticket_create(
        shop=shop, actor=shop.owner, title="补发", source_kind="case", source_id=1, buyer=buyer
    )
    ticket_comment_add(shop=shop, actor=shop.owner, ticket_id=ticket.pk, body="已补发", public=True)
    contract.call(me, "get", f"{S}/tickets", expect=200)
    contract.call(me, "get", f"{S}/tickets/{{ticket_id}}", path={"ticket_id": ticket.pk}, expect=200)
    contract.call(me, "get", f"{S}/tickets/{{ticket_id}}", path={"ticket_id": 0}, expect=404)


def _seller_helpdesk(contract, owner, B: str) -> None:
    """客服: settings, hours, phrases, FAQ, tickets and SLA, with a few refusals."""
    H = f"{B}/service"
    settings = {
        "welcome_text": "欢迎",
        "offhours_text": "下班了",
        "noreply_minutes": 3,
        "noreply_text": "稍等",
        "faq_autoreply": True,
        "agent_cap": 6,
        "faq_threshold": 60,
    }
    contract.call(owner, "put", f"{H}/settings", body=settings, expect=200)
    contract.call(owner, "put", f"{H}/settings", body={**settings, "agent_cap": 0}, expect=422)
    contract.call(owner, "put", f"{H}/settings", body={**settings, "noreply_text": ""}, expect=400)
    contract.call(owner, "get", f"{H}/settings", expect=200)
    contract.call(owner, "put", f"{H}/hours", body={"week": {"0": "09:00-12:00, 13:30-22:00"}}, expect=200)
    contract.call(owner, "put", f"{H}/hours", body={"week": {"0": "22:00-09:00"}}, expect=400)
    day = contract.call(
        owner, "post", f"{H}/special-days", body={"date": "2026-10-01", "kind": "closed"}, expect=201
    )
    contract.call(owner, "get", f"{H}/hours", expect=200)
    contract.call(owner, "delete", f"{H}/special-days/{{day_id}}", path={"day_id": day["id"]}, expect=204)
    phrase = contract.call(
        owner,
        "post",
        f"{H}/phrases",
        body={"code": "/hi", "text": "您好{买家}", "personal": False},
        expect=201,
    )
    contract.call(
        owner, "post", f"{H}/phrases", body={"code": "/hi", "text": "重复", "personal": False}, expect=400
    )
    contract.call(owner, "get", f"{H}/phrases", expect=200)
    contract.call(
        owner,
        "put",
        f"{H}/phrases/{{phrase_id}}",
        path={"phrase_id": phrase["id"]},
        body={"code": "/hello", "text": "您好"},
        expect=200,
    )
    contract.call(
        owner,
        "post",
        f"{H}/phrase-render",
        body={"text": "您好{买家}", "context": {"买家": "小王"}},
        expect=200,
    )
    category = contract.call(owner, "post", f"{H}/faq-categories", body={"name": "发货"}, expect=201)
    contract.call(owner, "get", f"{H}/faq-categories", expect=200)
    faq = contract.call(
        owner,
        "post",
        f"{H}/faq",
        body={
            "category_id": category["id"],
            "question": "多久发货",
            "phrasings": ["什么时候发货"],
            "answer": "48 小时内",
        },
        expect=201,
    )
    contract.call(
        owner, "post", f"{H}/faq", body={"category_id": 0, "question": "q", "answer": "a"}, expect=400
    )
    contract.call(owner, "get", f"{H}/faq", expect=200)
    contract.call(owner, "get", f"{H}/faq/{{faq_id}}", path={"faq_id": faq["id"]}, expect=200)
    contract.call(owner, "get", f"{H}/faq/{{faq_id}}", path={"faq_id": 0}, expect=404)
    contract.call(owner, "get", f"{H}/faq/suggest", query={"q": "什么时候发货呀"}, expect=200)
    contract.call(
        owner,
        "put",
        f"{H}/faq/{{faq_id}}",
        path={"faq_id": faq["id"]},
        body={"category_id": category["id"], "question": "多久发货", "answer": "24 小时内"},
        expect=200,
    )
    contract.call(
        owner,
        "delete",
        f"{H}/faq-categories/{{category_id}}",
        path={"category_id": category["id"]},
        expect=409,
    )
    sla = {"first_response_minutes": 30, "next_response_minutes": 60, "resolution_minutes": 480}
    contract.call(owner, "put", f"{H}/sla/{{priority}}", path={"priority": "high"}, body=sla, expect=200)
    contract.call(owner, "put", f"{H}/sla/{{priority}}", path={"priority": "asap"}, body=sla, expect=400)
    contract.call(owner, "get", f"{H}/sla", expect=200)
    ticket = contract.call(
        owner, "post", f"{H}/tickets", body={"title": "补发配件", "priority": "high"}, expect=201
    )
    contract.call(owner, "post", f"{H}/tickets", body={"title": ""}, expect=400)
    at = {"ticket_id": ticket["id"]}
    contract.call(owner, "get", f"{H}/tickets", expect=200)
    contract.call(owner, "get", f"{H}/tickets/{{ticket_id}}", path=at, expect=200)
    contract.call(
        owner, "patch", f"{H}/tickets/{{ticket_id}}", path=at, body={"priority": "urgent"}, expect=200
    )
    contract.call(
        owner,
        "post",
        f"{H}/tickets/{{ticket_id}}/comments",
        path=at,
        body={"body": "已处理", "public": True},
        expect=201,
    )
    contract.call(
        owner, "post", f"{H}/tickets/{{ticket_id}}/status", path=at, body={"status": "closed"}, expect=200
    )
    contract.call(
        owner, "post", f"{H}/tickets/{{ticket_id}}/status", path=at, body={"status": "open"}, expect=409
    )
    contract.call(owner, "delete", f"{H}/phrases/{{phrase_id}}", path={"phrase_id": phrase["id"]}, expect=204)
    contract.call(owner, "delete", f"{H}/faq/{{faq_id}}", path={"faq_id": faq["id"]}, expect=204)
    contract.call(
        owner,
        "delete",
        f"{H}/faq-categories/{{category_id}}",
        path={"category_id": category["id"]},
        expect=204,
    )


def test_storefront_answers_match_the_documented_schemas(
    contract, client, buyer, make_user, make_shop, make_product, make_address
):
    from wanshang.marketing.services import points_change
    from wanshang.orders.services import order_ship
    from wanshang.recommendations.services import recommendations_build

    shop = make_shop(name="万商旗舰店")
    dress = make_product(shop, title="纯棉连衣裙", prices=(19900, 25900), stock=10, brand_id=None)
    sku1, sku2 = dress.skus.order_by("price_fen")
    flash_product = make_product(shop, title="限量球鞋", prices=(50000,), stock=10)
    group_product = make_product(shop, title="有机草莓", prices=(9900,), stock=10)
    _promo(shop, "time_discount", items=[{"sku_id": sku1.pk, "price_fen": 15900}])
    coupon = _promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        total_quantity=10,
        per_buyer_limit=1,
    )
    _promo(
        shop,
        "bundle",
        name="套装",
        config={"price_fen": 30000},
        items=[{"sku_id": sku2.pk, "quantity": 1}, {"sku_id": group_product.skus.get().pk, "quantity": 1}],
    )
    _promo(
        shop,
        "flash_sale",
        items=[{"sku_id": flash_product.skus.get().pk, "price_fen": 9900, "stock": 3}],
        per_buyer_limit=1,
    )
    _promo(
        shop,
        "group_buy",
        config={"size": 2, "hours": 24},
        items=[{"sku_id": group_product.skus.get().pk, "price_fen": 5900}],
    )
    points_change(user=buyer, delta=200, reason="grant", note="测试赠送")
    address = make_address(buyer, is_default=True)
    me = _logged_in(buyer)
    S = "/api/store"

    # public catalog (anonymous and logged in)
    contract.call(client, "get", f"{S}/categories", expect=200)
    listing = contract.call(client, "get", f"{S}/products", query={"q": "连衣裙"}, expect=200)
    found = contract.call(client, "get", f"{S}/search", query={"q": "连衣裙", "sort": "sales"}, expect=200)
    assert found["items"] and found["facets"]
    contract.call(client, "get", f"{S}/search", query={"sort": "cheapest"}, expect=422)
    contract.call(client, "get", f"{S}/search", query={"attr": "nocolon"}, expect=400)
    contract.call(client, "get", f"{S}/search", query={"category_id": 987654321}, expect=404)
    terms_refresh()
    contract.call(client, "get", f"{S}/search/hot", expect=200)
    contract.call(client, "get", f"{S}/search/suggest", query={"q": "连衣"}, expect=200)
    contract.call(
        client,
        "post",
        f"{S}/search/click",
        body={"query_id": found["query_id"], "product_id": found["items"][0]["id"]},
        expect=200,
    )
    assert listing["items"]
    contract.call(me, "get", f"{S}/products", query={"shop": shop.slug, "sort": "price_asc"}, expect=200)
    contract.call(client, "get", f"{S}/products/{{product_id}}", path={"product_id": dress.pk}, expect=200)
    contract.call(client, "get", f"{S}/products/{{product_id}}", path={"product_id": 999999}, expect=404)
    contract.call(client, "get", f"{S}/shops/{{slug}}", path={"slug": shop.slug}, expect=200)
    contract.call(client, "get", f"{S}/regions", expect=200)
    contract.call(client, "get", f"{S}/regions", query={"parent": "110000"}, expect=200)
    promos = contract.call(
        me, "get", f"{S}/products/{{product_id}}/promotions", path={"product_id": dress.pk}, expect=200
    )
    assert promos["coupons"] and promos["bundles"]
    contract.call(client, "get", f"{S}/coupons/center", expect=200)
    contract.call(client, "get", f"{S}/coupons/center", query={"shop": "no-such-shop"}, expect=404)
    board = contract.call(client, "get", f"{S}/flash-sales", expect=200)
    contract.call(
        client, "post", f"{S}/auth/token", body={"login": buyer.phone, "password": PASSWORD}, expect=201
    )
    contract.call(
        client, "post", f"{S}/auth/token", body={"login": buyer.phone, "password": "wrong"}, expect=401
    )
    contract.call(client, "get", f"{S}/cart", expect=401)

    # cart, checkout, order, payment
    contract.call(me, "post", f"{S}/cart/items", body={"sku_id": sku1.pk, "quantity": 2}, expect=201)
    contract.call(me, "post", f"{S}/cart/items", body={"sku_id": "x"}, expect=422)
    contract.call(
        me,
        "patch",
        f"{S}/cart/items/{{sku_id}}",
        path={"sku_id": sku1.pk},
        body={"selected": True},
        expect=200,
    )
    contract.call(me, "get", f"{S}/cart", expect=200)
    contract.call(
        me, "post", f"{S}/coupons/{{promotion_id}}/claim", path={"promotion_id": coupon.pk}, expect=201
    )
    contract.call(
        me, "post", f"{S}/coupons/{{promotion_id}}/claim", path={"promotion_id": coupon.pk}, expect=409
    )
    contract.call(me, "get", f"{S}/coupons", expect=200)
    contract.call(me, "get", f"{S}/coupons", query={"state": "bogus"}, expect=400)
    preview = contract.call(
        me, "get", f"{S}/checkout/preview", query={"address_id": address.pk, "use_points": "true"}, expect=200
    )
    payment = contract.call(
        me,
        "post",
        f"{S}/orders",
        headers=_key(),
        expect=201,
        body={
            "from_cart": True,
            "address_id": address.pk,
            "coupon_ids": preview["coupon_ids"],
            "use_points": True,
            "expected_payable_fen": preview["payable_fen"],
        },
    )
    contract.call(
        me, "get", f"{S}/payments/{{payment_no}}", path={"payment_no": payment["payment_no"]}, expect=200
    )
    contract.call(
        me,
        "post",
        f"{S}/payments/{{payment_no}}/sandbox-pay",
        path={"payment_no": payment["payment_no"]},
        expect=200,
    )
    paid_id = payment["orders"][0]["id"]
    contract.call(me, "get", f"{S}/orders", expect=200)

    # recommendations, built by hand here (the job's work) from the order just paid
    recommendations_build(force=True)
    contract.call(client, "get", f"{S}/recommendations/for-you", expect=200)
    contract.call(me, "get", f"{S}/recommendations/for-you", query={"page_size": 5}, expect=200)
    contract.call(me, "get", f"{S}/recommendations/for-you", query={"page_size": 500}, expect=422)
    recs = f"{S}/recommendations/product/{{product_id}}"
    contract.call(client, "get", recs, path={"product_id": dress.pk}, expect=200)
    contract.call(client, "get", recs, path={"product_id": dress.pk}, query={"kind": "co_bought"}, expect=200)
    contract.call(client, "get", recs, path={"product_id": dress.pk}, query={"kind": "bogus"}, expect=422)
    contract.call(client, "get", recs, path={"product_id": 987654321}, expect=404)
    contract.call(me, "get", f"{S}/orders", query={"tab": "to_ship"}, expect=200)
    contract.call(me, "get", f"{S}/orders", query={"page": 0}, expect=422)
    contract.call(
        me,
        "post",
        f"{S}/orders/{{order_id}}/refund",
        path={"order_id": paid_id},
        body={"reason": "不想要了"},
        expect=201,
    )
    detail = contract.call(me, "get", f"{S}/orders/{{order_id}}", path={"order_id": paid_id}, expect=200)
    assert detail["refund"] is not None
    contract.call(
        me, "post", f"{S}/orders/{{order_id}}/refund/withdraw", path={"order_id": paid_id}, expect=200
    )
    order_ship(shop=shop, order_id=paid_id, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    contract.call(
        me, "post", f"{S}/orders/{{order_id}}/confirm-receipt", path={"order_id": paid_id}, expect=200
    )
    done = contract.call(me, "get", f"{S}/orders/{{order_id}}", path={"order_id": paid_id}, expect=200)

    # after-sales cases
    reasons = contract.call(me, "get", f"{S}/aftersales/reasons", query={"type": "return_refund"}, expect=200)
    why = next(r["id"] for r in reasons if r["name"] == "质量问题")
    line_id = done["lines"][0]["id"]
    cases = f"{S}/orders/{{order_id}}/cases"
    case_body = {"type": "return_refund", "lines": [{"line_id": line_id, "quantity": 1}], "reason_id": why}
    case = contract.call(me, "post", cases, path={"order_id": paid_id}, body=case_body, expect=201)
    too_many = {**case_body, "lines": [{"line_id": line_id, "quantity": 99}]}
    contract.call(me, "post", cases, path={"order_id": paid_id}, body=too_many, expect=400)
    contract.call(me, "post", cases, path={"order_id": paid_id}, body={"type": "x"}, expect=422)
    contract.call(me, "get", f"{S}/cases", expect=200)
    one = f"{S}/cases/{{case_id}}"
    contract.call(me, "get", one, path={"case_id": case["id"]}, expect=200)
    contract.call(me, "get", one, path={"case_id": 987654321}, expect=404)
    contract.call(
        me, "post", one + "/messages", path={"case_id": case["id"]}, body={"text": "杯口有裂纹"}, expect=200
    )
    contract.call(
        me,
        "post",
        one + "/return",
        path={"case_id": case["id"]},
        body={"carrier": "SF", "tracking_no": "SF0001112223"},
        expect=409,
    )
    contract.call(
        me,
        "post",
        one + "/escalate",
        path={"case_id": case["id"]},
        body={"text": "商家一直不处理"},
        expect=409,
    )
    contract.call(me, "post", one + "/cancel", path={"case_id": case["id"]}, expect=200)
    # 极速退款: the eligibility preview before applying
    unshipped = _paid_order(buyer, address, sku2)
    preview = f"{S}/orders/{{order_id}}/instant-refund"
    unit = {"lines": f"{unshipped.lines.get().pk}:1"}
    contract.call(me, "get", preview, path={"order_id": unshipped.pk}, query=unit, expect=200)
    contract.call(me, "get", preview, path={"order_id": unshipped.pk}, query={"lines": "x"}, expect=400)
    contract.call(me, "get", preview, path={"order_id": 987654321}, query=unit, expect=404)
    contract.call(me, "get", preview, path={"order_id": unshipped.pk}, expect=422)
    unpaid = contract.call(
        me,
        "post",
        f"{S}/orders",
        headers=_key(),
        expect=201,
        body={"items": [{"sku_id": sku2.pk, "quantity": 1}], "address_id": address.pk},
    )
    contract.call(
        me,
        "post",
        f"{S}/orders/{{order_id}}/cancel",
        path={"order_id": unpaid["orders"][0]["id"]},
        body={"reason": "拍错了"},
        expect=200,
    )
    contract.call(
        me,
        "post",
        f"{S}/orders",
        headers=_key(),
        expect=409,
        body={
            "items": [{"sku_id": sku2.pk, "quantity": 1}],
            "address_id": address.pk,
            "expected_payable_fen": 1,
        },
    )
    contract.call(me, "post", f"{S}/cart/items", body={"sku_id": sku2.pk}, expect=201)
    contract.call(me, "delete", f"{S}/cart/items/{{sku_id}}", path={"sku_id": sku2.pk}, expect=204)
    contract.call(me, "delete", f"{S}/cart/items/{{sku_id}}", path={"sku_id": sku2.pk}, expect=404)

    # flash sale and group buy
    item_id = board[0]["items"][0]["item_id"]
    contract.call(
        me,
        "post",
        f"{S}/flash-sales/items/{{item_id}}/buy",
        path={"item_id": item_id},
        headers=_key(),
        body={"address_id": address.pk},
        expect=201,
    )
    group = contract.call(
        me,
        "get",
        f"{S}/products/{{product_id}}/promotions",
        path={"product_id": group_product.pk},
        expect=200,
    )["group_buy"]
    contract.call(
        me,
        "post",
        f"{S}/group-buys/items/{{item_id}}",
        path={"item_id": group["items"][0]["item_id"]},
        headers=_key(),
        body={"address_id": address.pk},
        expect=201,
    )
    team = contract.call(
        me,
        "get",
        f"{S}/products/{{product_id}}/promotions",
        path={"product_id": group_product.pk},
        expect=200,
    )["group_buy"]["open_teams"][0]
    contract.call(client, "get", f"{S}/group-teams/{{team_id}}", path={"team_id": team["id"]}, expect=200)
    contract.call(me, "get", f"{S}/points", expect=200)

    # addresses, favourites, my data
    contract.call(me, "get", f"{S}/addresses", expect=200)
    added = contract.call(
        me,
        "post",
        f"{S}/addresses",
        expect=201,
        body={
            "receiver": "李四",
            "phone": "13900001111",
            "district_code": "440305",
            "detail": "科技园南区 1 栋",
        },
    )
    contract.call(me, "delete", f"{S}/addresses/{{address_id}}", path={"address_id": added["id"]}, expect=204)
    contract.call(me, "post", f"{S}/favourites", body={"product_id": dress.pk}, expect=201)
    contract.call(me, "post", f"{S}/favourites", body={"product_id": dress.pk}, expect=200)
    contract.call(me, "get", f"{S}/favourites", expect=200)
    contract.call(me, "get", f"{S}/favourites/{{product_id}}", path={"product_id": dress.pk}, expect=200)
    contract.call(me, "delete", f"{S}/favourites/{{product_id}}", path={"product_id": dress.pk}, expect=204)
    contract.call(me, "get", f"{S}/favourites/{{product_id}}", path={"product_id": dress.pk}, expect=404)
    contract.call(me, "delete", f"{S}/me/events", expect=200)

    _store_reviews(contract, me, buyer, client, S, paid_id, _logged_in(make_user()))
    from wanshang.shipping.services import shipment_backfill

    shipment_backfill(order_id=paid_id)  # shipped in one step: its one package
    packages = contract.call(
        me, "get", f"{S}/orders/{{order_id}}/packages", path={"order_id": paid_id}, expect=200
    )
    assert packages and packages[0]["package_no"] == 1
    contract.call(
        _logged_in(make_user()),
        "get",
        f"{S}/orders/{{order_id}}/packages",
        path={"order_id": paid_id},
        expect=404,
    )
    contract.helpdesk_shop = shop
    _store_helpdesk(contract, client, me, buyer, S)

    _store_chat(contract, me, S, shop, dress.pk, _logged_in(make_user()))
    store_affiliates(contract, S, shop=shop, product=dress, buyer=buyer, address=address, make_user=make_user)
    store_shoppages(contract, S, shop, dress)

    assert contract.uncovered_gets(S + "/") == []
    assert contract.gets_without_data(S + "/") == []


def _store_chat(contract, me, S: str, shop, product_id: int, stranger) -> None:
    """联系客服: start from a product, messages after a cursor, post, read, resolve, rate; another buyer 404."""
    conv = contract.call(
        me,
        "post",
        f"{S}/service/conversations",
        body={"shop_id": shop.pk, "product_id": product_id},
        expect=201,
    )
    one = f"{S}/service/conversations/{{conversation_id}}"
    path = {"conversation_id": conv["id"]}
    contract.call(me, "post", one + "/messages", path=path, body={"body": "有现货吗？"}, expect=201)
    contract.call(me, "post", one + "/messages", path=path, body={"body": ""}, expect=400)
    contract.call(me, "post", one + "/messages", path=path, body={"body": "x", "kind": 5}, expect=422)
    contract.call(me, "get", f"{S}/service/conversations", expect=200)
    contract.call(me, "get", one, path=path, expect=200)
    contract.call(me, "get", one + "/messages", path=path, query={"after": 0}, expect=200)
    contract.call(me, "get", one + "/messages", path=path, query={"after": -1}, expect=422)
    contract.call(stranger, "get", one + "/messages", path=path, expect=404)
    contract.call(me, "post", one + "/read", path=path, expect=200)
    contract.call(me, "post", one + "/rating", path=path, body={"stars": 5}, expect=409)
    contract.call(me, "post", one + "/resolve", path=path, expect=200)
    contract.call(me, "post", one + "/rating", path=path, body={"stars": 5, "comment": "好"}, expect=201)
    contract.call(me, "post", one + "/rating", path=path, body={"stars": 4}, expect=409)


def _seller_chat(contract, owner, B: str, shop, buyer) -> None:
    """客服工作台: queue, counts, a conversation with the buyer's orders, messages, reply, note, claim, FAQ,
    phrases, agents, presence; another shop's conversation 404."""
    from wanshang.service.services import conversation_start, message_post

    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    message_post(user=buyer, conversation_id=conv.pk, body="什么时候发货？")
    one = f"{B}/service/conversations/{{conversation_id}}"
    path = {"conversation_id": conv.pk}
    contract.call(owner, "get", f"{B}/service/queue", query={"tab": "waiting"}, expect=200)
    contract.call(owner, "get", f"{B}/service/queue", query={"tab": "nope"}, expect=400)
    contract.call(owner, "get", f"{B}/service/counts", expect=200)
    contract.call(owner, "get", one, path=path, expect=200)
    contract.call(owner, "get", one, path={"conversation_id": 10**9}, expect=404)
    contract.call(owner, "post", one + "/claim", path=path, expect=200)
    contract.call(owner, "post", one + "/messages", path=path, body={"body": "今天发"}, expect=201)
    contract.call(
        owner, "post", one + "/messages", path=path, body={"body": "老客", "kind": "note"}, expect=201
    )
    contract.call(owner, "post", one + "/messages", path=path, body={"body": "字" * 1001}, expect=400)
    contract.call(owner, "get", one + "/messages", path=path, query={"after": 0}, expect=200)
    contract.call(owner, "get", one + "/faq", path=path, query={"text": "发货"}, expect=200)
    contract.call(owner, "get", one + "/phrases", path=path, expect=200)
    contract.call(owner, "post", one + "/read", path=path, expect=200)
    contract.call(owner, "get", f"{B}/service/agents", expect=200)
    contract.call(owner, "post", f"{B}/service/presence", body={"online": True, "cap": 5}, expect=200)
    contract.call(owner, "get", f"{B}/service/presence", expect=200)
    contract.call(owner, "post", one + "/transfer", path=path, body={"to_user_id": buyer.pk}, expect=400)
    contract.call(owner, "post", one + "/resolve", path=path, expect=200)
    contract.call(owner, "post", one + "/resolve", path=path, expect=409)


# --- seller center (the shop owner) ------------------------------------------------------------------------------


def _upload(contract, client, template: str, files: dict, expect: int) -> dict:
    response = client.post(template, files)
    where = f"POST {template} → {response.status_code}"
    assert response.status_code == expect, f"{where}: {response.content.decode(errors='replace')[:500]}"
    contract.validate(response, "post", template, where)
    contract.called.add(("post", template))
    return response.json()


def _seller_media(contract, owner, B: str, product_id: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wanshang.media.tests.conftest import image_bytes

    def jpg(size):
        return SimpleUploadedFile("a.jpg", image_bytes(size), content_type="image/jpeg")

    image = _upload(contract, owner, f"{B}/media/images", {"file": jpg((900, 900)), "purpose": "main"}, 201)
    _upload(contract, owner, f"{B}/media/images", {"file": jpg((640, 480)), "purpose": "main"}, 400)
    _upload(contract, owner, f"{B}/media/images", {"purpose": "main"}, 422)
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    video = _upload(
        contract,
        owner,
        f"{B}/media/videos",
        {"file": SimpleUploadedFile("v.mp4", mp4, content_type="video/mp4")},
        201,
    )
    _upload(contract, owner, f"{B}/media/videos", {"file": jpg((10, 10))}, 400)
    media = f"{B}/products/{{product_id}}/media"
    body = {"gallery": [image["id"]], "video_id": video["id"], "sku_images": {"黑色": image["id"]}}
    contract.call(owner, "put", media, path={"product_id": product_id}, body=body, expect=200)
    contract.call(owner, "put", media, path={"product_id": product_id}, body={"gallery": [10**9]}, expect=404)
    contract.call(owner, "put", media, path={"product_id": product_id}, body={"gallery": ["x"]}, expect=422)
    contract.call(owner, "get", media, path={"product_id": product_id}, expect=200)
    contract.call(owner, "get", media, path={"product_id": 10**9}, expect=404)


def test_seller_answers_match_the_documented_schemas(
    contract, buyer, make_user, make_shop, make_product, make_address
):
    shop = make_shop(name="青禾服饰旗舰店")
    product = make_product(shop, title="法式碎花连衣裙", prices=(15900, 16900), stock=20)
    sku_a, sku_b = product.skus.order_by("price_fen")
    address = make_address(buyer)
    to_ship = _paid_order(buyer, address, sku_a)
    to_refund = _paid_order(buyer, address, sku_b)
    to_reject = _paid_order(buyer, address, sku_a)
    from wanshang.aftersales.services import refund_request

    refund = refund_request(buyer=buyer, order_id=to_refund.pk, reason="不想要了")
    rejected = refund_request(buyer=buyer, order_id=to_reject.pk, reason="拍错了")
    _price_alert(shop, make_product)
    others = [make_user() for _ in range(3)]
    _trade_and_gap_alert(shop, [buyer, *others], product)
    owner = _logged_in(shop.owner)
    B = "/api/seller"
    D = "/api/seller/data"

    # products, SKUs, stock
    contract.call(owner, "get", f"{B}/products", expect=200)
    contract.call(owner, "get", f"{B}/products", query={"tab": "bogus"}, expect=400)
    body = {
        "title": "纯棉宽松短袖T恤",
        "category_id": shop.test_category.pk,
        "spec_axes": [{"name": "颜色", "values": ["黑色", "白色"]}],
        "skus": [
            {"spec_values": ["黑色"], "price_fen": 9900, "stock": 5},
            {"spec_values": ["白色"], "price_fen": 10900, "original_price_fen": 12900, "stock": 3},
        ],
    }
    created = contract.call(owner, "post", f"{B}/products", body=body, expect=201)
    contract.call(owner, "post", f"{B}/products", body={"title": 5}, expect=422)
    contract.call(
        owner, "get", f"{B}/products/{{product_id}}", path={"product_id": created["id"]}, expect=200
    )
    contract.call(
        owner,
        "put",
        f"{B}/products/{{product_id}}",
        path={"product_id": created["id"]},
        body={**body, "title": "纯棉宽松短袖T恤（新款）"},
        expect=200,
    )
    contract.call(
        owner,
        "post",
        f"{B}/products/status",
        body={"product_ids": [created["id"]], "status": "on_sale"},
        expect=200,
    )
    contract.call(
        owner,
        "patch",
        f"{B}/skus/{{sku_id}}/price",
        path={"sku_id": created["skus"][0]["id"]},
        body={"price_fen": 9500},
        expect=200,
    )
    stock = contract.call(owner, "get", f"{B}/stock", expect=200)
    row = stock["items"][0]
    contract.call(
        owner,
        "post",
        f"{B}/stock/adjust",
        expect=200,
        body={
            "sku_id": row["sku_id"],
            "warehouse_id": row["warehouse_id"],
            "on_hand": row["on_hand"] + 5,
            "reason": "盘点",
        },
    )
    contract.call(owner, "get", f"{B}/warehouses", expect=200)
    contract.call(owner, "get", f"{B}/products/{{product_id}}", path={"product_id": 999999}, expect=404)

    # 库存计划 and 入库单
    contract.call(owner, "get", f"{B}/stock-plan", expect=200)
    contract.call(owner, "get", f"{B}/stock-plan", query={"sort": "bogus"}, expect=400)
    plan_settings = contract.call(owner, "get", f"{B}/stock-plan/settings", expect=200)
    contract.call(
        owner, "put", f"{B}/stock-plan/settings", body={**plan_settings, "lead_days": 10}, expect=200
    )
    contract.call(
        owner, "put", f"{B}/stock-plan/settings", body={**plan_settings, "window_days": 5}, expect=400
    )
    inbound = contract.call(
        owner,
        "post",
        f"{B}/inbound-receipts",
        expect=201,
        body={
            "warehouse_id": row["warehouse_id"],
            "supplier_name": "杭州青禾服装厂",
            "expected_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "lines": [{"sku_id": sku_a.pk, "quantity": 30}],
            "submit": True,
        },
    )
    contract.call(owner, "post", f"{B}/inbound-receipts", body={"lines": "x"}, expect=422)
    contract.call(owner, "get", f"{B}/inbound-receipts", expect=200)
    contract.call(
        owner, "get", f"{B}/inbound-receipts/{{receipt_id}}", path={"receipt_id": inbound["id"]}, expect=200
    )
    contract.call(
        owner,
        "post",
        f"{B}/inbound-receipts/{{receipt_id}}/receive",
        path={"receipt_id": inbound["id"]},
        body={"lines": [{"line_id": inbound["lines"][0]["id"], "quantity": 10}]},
        expect=200,
    )
    contract.call(
        owner,
        "post",
        f"{B}/inbound-receipts/{{receipt_id}}/submit",
        path={"receipt_id": inbound["id"]},
        expect=409,
    )
    contract.call(
        owner,
        "post",
        f"{B}/inbound-receipts/{{receipt_id}}/cancel",
        path={"receipt_id": inbound["id"]},
        expect=200,
    )
    contract.call(
        owner, "get", f"{B}/inbound-receipts/{{receipt_id}}", path={"receipt_id": 999999}, expect=404
    )

    # orders, refunds, settlements
    contract.call(owner, "get", f"{B}/orders", expect=200)
    contract.call(owner, "get", f"{B}/orders/{{order_id}}", path={"order_id": to_ship.pk}, expect=200)
    contract.call(
        owner,
        "post",
        f"{B}/orders/{{order_id}}/ship",
        path={"order_id": to_ship.pk},
        body={"carrier": "ZTO", "tracking_no": "ZT12345678"},
        expect=200,
    )
    contract.call(owner, "get", f"{B}/refunds", expect=200)
    contract.call(
        owner, "post", f"{B}/refunds/{{refund_id}}/approve", path={"refund_id": refund.pk}, expect=200
    )
    contract.call(
        owner,
        "post",
        f"{B}/refunds/{{refund_id}}/reject",
        path={"refund_id": rejected.pk},
        body={"note": "商品已发出，请收货后申请退货"},
        expect=200,
    )
    from wanshang.orders.services import order_confirm_receipt

    order_confirm_receipt(buyer=buyer, order_id=to_ship.pk)  # completed: a settlement entry
    from wanshang.reviews.services import review_create

    review = review_create(buyer=buyer, line_id=to_ship.lines.first().pk, stars=2, text="一般", dsr=DSR)
    _seller_reviews(contract, owner, buyer, B, review.pk)
    contract.call(owner, "get", f"{B}/settlements", expect=200)
    late = _paid_order(buyer, address, sku_b)
    from wanshang.orders.services import late_shipments_flag

    late_shipments_flag(now=timezone.now() + timedelta(days=3))  # 延迟发货: a compensated order, a charge
    contract.call(owner, "get", f"{B}/orders", query={"late": "true"}, expect=200)
    contract.call(owner, "get", f"{B}/orders/{{order_id}}", path={"order_id": late.pk}, expect=200)
    contract.call(owner, "get", f"{B}/settlements", expect=200)

    # shop settings
    contract.call(owner, "get", f"{B}/shop", expect=200)
    contract.call(owner, "put", f"{B}/shop", body={"name": shop.name, "ship_within_hours": 24}, expect=200)
    contract.call(owner, "put", f"{B}/shop", body={"name": shop.name, "ship_within_hours": 0}, expect=400)

    # after-sales: return addresses, the workbench, a return approved, a refund-only bulk-approved
    from wanshang.aftersales.selectors import reason_list
    from wanshang.aftersales.services import case_open

    def why(name):
        return next(r.pk for r in reason_list() if r.name == name)

    ret = case_open(
        buyer=buyer,
        order_id=to_ship.pk,
        case_type="return_refund",
        lines=[(to_ship.lines.get().pk, 1)],
        reason_id=why("质量问题"),
    )
    unshipped = _paid_order(buyer, address, sku_b)
    quick = case_open(
        buyer=buyer,
        order_id=unshipped.pk,
        case_type="refund_only",
        lines=[(unshipped.lines.get().pk, 1)],
        reason_id=why("不想要了"),
    )
    addr_body = {"contact": "李仓管", "phone": "021-55556666", "address": "上海市嘉定区安亭镇 8 号仓"}
    addr = contract.call(owner, "post", f"{B}/return-addresses", body=addr_body, expect=201)
    contract.call(owner, "post", f"{B}/return-addresses", body={**addr_body, "phone": "x"}, expect=400)
    contract.call(owner, "get", f"{B}/return-addresses", expect=200)
    one_addr = f"{B}/return-addresses/{{address_id}}"
    contract.call(
        owner,
        "put",
        one_addr,
        path={"address_id": addr["id"]},
        body={**addr_body, "is_default": True},
        expect=200,
    )
    contract.call(owner, "get", f"{B}/cases", query={"due": "mine"}, expect=200)
    # 售后设置: the shop's 极速退款 switch and its 30-day figures
    contract.call(owner, "get", f"{B}/aftersales/settings", expect=200)
    contract.call(owner, "put", f"{B}/aftersales/settings", body={"instant_refund": False}, expect=200)
    contract.call(owner, "put", f"{B}/aftersales/settings", body={"instant_refund": "maybe"}, expect=422)
    contract.call(owner, "put", f"{B}/aftersales/settings", body={"instant_refund": True}, expect=200)
    contract.call(owner, "get", f"{B}/cases", query={"due": "soon"}, expect=400)
    one_case = f"{B}/cases/{{case_id}}"
    contract.call(owner, "get", one_case, path={"case_id": ret.pk}, expect=200)
    contract.call(owner, "post", one_case + "/approve", path={"case_id": ret.pk}, expect=200)
    contract.call(owner, "post", one_case + "/receive", path={"case_id": ret.pk}, expect=409)
    contract.call(
        owner, "post", one_case + "/messages", path={"case_id": ret.pk}, body={"text": "请寄顺丰"}, expect=200
    )
    contract.call(
        owner, "post", one_case + "/reject", path={"case_id": ret.pk}, body={"reason": "已同意"}, expect=409
    )
    contract.call(
        owner,
        "post",
        one_case + "/reship",
        path={"case_id": ret.pk},
        body={"carrier": "SF", "tracking_no": "SF99990000"},
        expect=409,
    )
    bulk = contract.call(
        owner, "post", f"{B}/cases/bulk-approve", body={"ids": [quick.pk, ret.pk]}, expect=200
    )
    assert bulk["approved"] == [quick.pk]
    contract.call(owner, "delete", one_addr, path={"address_id": addr["id"]}, expect=204)
    contract.call(owner, "get", one_case, path={"case_id": 987654321}, expect=404)

    # marketing
    now = timezone.now()
    coupon = contract.call(
        owner,
        "post",
        f"{B}/promotions",
        expect=201,
        body={
            "kind": "coupon",
            "name": "店铺券满100减10",
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(days=3)).isoformat(),
            "total_quantity": 100,
            "per_buyer_limit": 1,
            "config": {"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        },
    )
    later = {
        "kind": "time_discount",
        "name": "明日限时折扣",
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
        "items": [{"sku_id": sku_a.pk, "discount_bps": 9000}],
    }
    scheduled = contract.call(owner, "post", f"{B}/promotions", body=later, expect=201)
    contract.call(
        owner,
        "put",
        f"{B}/promotions/{{promotion_id}}",
        path={"promotion_id": scheduled["id"]},
        body={**later, "name": "明日限时九折"},
        expect=200,
    )
    contract.call(owner, "get", f"{B}/promotions", expect=200)
    contract.call(
        owner, "get", f"{B}/promotions/{{promotion_id}}", path={"promotion_id": coupon["id"]}, expect=200
    )
    contract.call(
        owner,
        "get",
        f"{B}/promotions/{{promotion_id}}/preview",
        path={"promotion_id": scheduled["id"]},
        expect=200,
    )
    stacked = _promo(
        shop, "full_reduction", name="满200减20", config={"mode": "tiers", "tiers": [[20000, 2000]]}
    )
    rows = contract.call(
        owner,
        "get",
        f"{B}/promotions/{{promotion_id}}/stacking",
        path={"promotion_id": stacked.pk},
        expect=200,
    )
    assert rows and rows[0]["final_total_fen"] > 0
    contract.call(
        owner, "get", f"{B}/promotions/{{promotion_id}}/stacking", path={"promotion_id": 10**9}, expect=404
    )
    contract.call(
        owner,
        "post",
        f"{B}/promotions/{{promotion_id}}/issue",
        path={"promotion_id": coupon["id"]},
        body={"buyer_ids": [buyer.pk]},
        expect=200,
    )
    for action in ("pause", "resume", "end"):
        contract.call(
            owner,
            "post",
            f"{B}/promotions/{{promotion_id}}/{action}",
            path={"promotion_id": coupon["id"]},
            expect=200,
        )
    contract.call(
        owner,
        "put",
        f"{B}/member-levels",
        expect=200,
        body={
            "levels": [
                {"rank": 1, "name": "银卡"},
                {"rank": 2, "name": "金卡", "min_spend_fen": 100000, "min_points": 500},
            ]
        },
    )
    contract.call(owner, "get", f"{B}/member-levels", expect=200)
    alerts = contract.call(owner, "get", f"{B}/price-alerts", expect=200)
    assert alerts
    contract.call(
        owner,
        "post",
        f"{B}/price-alerts/{{alert_id}}/resolve",
        path={"alert_id": alerts[0]["id"]},
        expect=200,
    )

    # 数据中心
    for endpoint in ("overview", "products", "competition"):
        contract.call(owner, "get", f"{D}/{endpoint}", query={"period": "7d"}, expect=200)
    contract.call(owner, "get", f"{D}/overview", query={"period": "yesterday"}, expect=422)
    contract.call(owner, "get", f"{D}/aftersales", query={"days": 7}, expect=200)
    contract.call(owner, "get", f"{D}/aftersales", query={"days": 14}, expect=400)
    contract.call(owner, "get", f"{D}/aftersales", query={"days": "x"}, expect=422)
    contract.call(owner, "get", f"{D}/trade", expect=200)
    contract.call(owner, "get", f"{D}/trade", query={"start": "2026-02-30"}, expect=400)
    contract.call(owner, "get", f"{D}/trade/export.xlsx", expect=200)
    contract.call(owner, "get", f"{D}/trade/export.csv", query={"report": "days"}, expect=200)
    data_alerts = contract.call(owner, "get", f"{D}/alerts", expect=200)
    assert data_alerts["items"]
    contract.call(
        owner,
        "post",
        f"{D}/alerts/{{alert_id}}/read",
        path={"alert_id": data_alerts["items"][0]["id"]},
        expect=200,
    )
    contract.call(owner, "post", f"{D}/alerts/read-all", expect=200)
    rfm = contract.call(owner, "get", f"{D}/rfm", expect=200)
    segment = next(s["code"] for s in rfm["segments"] if s["buyers"])
    contract.call(owner, "get", f"{D}/rfm/buyers", query={"segment": segment}, expect=200)
    contract.call(owner, "get", f"{D}/cohorts", expect=200)
    pack = contract.call(
        owner, "post", f"{D}/crowds", body={"name": "复购买家", "source": "repurchasers"}, expect=201
    )
    contract.call(owner, "get", f"{D}/crowds", expect=200)
    contract.call(owner, "get", f"{D}/crowds/{{pack_id}}", path={"pack_id": pack["id"]}, expect=200)
    contract.call(owner, "post", f"{D}/crowds/{{pack_id}}/refresh", path={"pack_id": pack["id"]}, expect=200)
    running_coupon = contract.call(
        owner,
        "post",
        f"{B}/promotions",
        expect=201,
        body={
            "kind": "coupon",
            "name": "人群券",
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(days=3)).isoformat(),
            "total_quantity": 100,
            "config": {"amount_fen": 500},
        },
    )
    contract.call(
        owner,
        "post",
        f"{D}/crowds/{{pack_id}}/issue-coupon",
        path={"pack_id": pack["id"]},
        body={"promotion_id": running_coupon["id"]},
        expect=200,
    )
    contract.call(owner, "delete", f"{D}/crowds/{{pack_id}}", path={"pack_id": pack["id"]}, expect=204)
    experiment = {
        "key": "title-test",
        "name": "标题测试",
        "metric": "conversion",
        "product_ids": [product.pk],
        "baseline_bps": 1000,
        "mde_bps": 200,
        "variants": [
            {"key": "A", "name": "原版", "weight": 50},
            {"key": "B", "name": "新标题", "weight": 50, "title": "新款法式碎花连衣裙"},
        ],
    }
    exp = contract.call(owner, "post", f"{D}/experiments", body=experiment, expect=201)
    contract.call(
        owner,
        "put",
        f"{D}/experiments/{{experiment_id}}",
        path={"experiment_id": exp["id"]},
        body={**experiment, "name": "标题测试二"},
        expect=200,
    )
    contract.call(
        owner,
        "post",
        f"{D}/experiments/{{experiment_id}}/start",
        path={"experiment_id": exp["id"]},
        expect=200,
    )
    contract.call(owner, "get", f"{D}/experiments", expect=200)
    contract.call(
        owner, "get", f"{D}/experiments/{{experiment_id}}", path={"experiment_id": exp["id"]}, expect=200
    )
    contract.call(
        owner,
        "post",
        f"{D}/experiments/{{experiment_id}}/stop",
        path={"experiment_id": exp["id"]},
        expect=200,
    )

    # media: multipart uploads (validated here), then the product's media as JSON
    _seller_media(contract, owner, B, created["id"])
    # the product picker: search, chosen ids, bad input
    picks = f"{B}/pickers/products"
    contract.call(owner, "get", picks, query={"q": created["title"][:2]}, expect=200)
    contract.call(owner, "get", picks, query={"ids": str(created["id"])}, expect=200)
    contract.call(owner, "get", picks, query={"q": "连" * 61}, expect=422)
    contract.call(_logged_in(buyer), "get", picks, expect=403)
    contract.call(Client(), "get", picks, expect=401)

    _seller_stores(contract, owner, B, shop, buyer, address, sku_b)

    _seller_chat(contract, owner, B, shop, buyer)

    # refusals: a buyer, and nobody
    contract.call(_logged_in(buyer), "get", f"{B}/orders", expect=403)
    contract.call(_logged_in(buyer), "post", f"{B}/products", body={"title": 5}, expect=403)
    contract.call(Client(), "get", f"{D}/rfm", expect=401)
    _seller_helpdesk(contract, owner, B)

    _seller_shipping(contract, owner, buyer, address, sku_a, B)
    seller_affiliates(
        contract, owner, B, shop=shop, product=product, buyer=buyer, address=address, make_user=make_user
    )

    seller_ads(contract, owner, B, shop, make_product)
    seller_ads_reports(contract, owner, B, shop, make_product)
    seller_ads_auto(contract, owner, B, shop, make_product)
    seller_ads_audience(contract, owner, B, shop)
    seller_image_checks(contract, owner, B, shop, make_product)
    seller_adlaw(contract, owner, B, shop)
    seller_health(contract, owner, B, shop, make_user(is_staff=True))
    seller_copywriting(contract, owner, B, product, make_product(make_shop(name="别家店铺")))
    seller_patrol(contract, owner, B, shop, make_product, _logged_in(make_shop().owner))
    seller_inbox(contract, owner, B, shop, make_user(is_staff=True), _logged_in(make_shop().owner))
    seller_shoppages(contract, owner, B, shop, product, _logged_in(make_shop().owner))

    assert contract.uncovered_gets(B + "/") == []
    assert contract.gets_without_data(B + "/") == [], contract.gets_without_data(B + "/")


# --- platform (an operator) --------------------------------------------------------------------------------------


def test_platform_answers_match_the_documented_schemas(
    contract, buyer, operator, make_user, make_shop, make_product, make_category, make_address
):
    from wanshang.marketing.services import flash_slot_save
    from wanshang.merchants.services import application_submit

    shop = make_shop(name="澜芯数码专营店")
    _price_alert(shop, make_product)
    _trade_and_gap_alert(shop, [buyer, make_user()])
    category = make_category()
    applications = [
        application_submit(
            user=make_user(),
            company_name=f"平台测试公司{n}",
            credit_code="91350100M000100Y43",
            contact_name="王五",
            contact_phone="13900002222",
            shop_name=f"平台测试店{n}",
            categories=[category.parent.parent],
        )
        for n in (1, 2)
    ]
    now = timezone.now()
    slot = flash_slot_save(
        actor=operator,
        name="午间场",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        is_open=True,
    )
    enrolled = _promo(
        shop,
        "flash_sale",
        starts=slot.starts_at,
        ends=slot.ends_at,
        slot_id=slot.pk,
        per_buyer_limit=1,
        items=[{"sku_id": make_product(shop, prices=(9900,)).skus.get().pk, "price_fen": 5900, "stock": 3}],
    )
    op = _logged_in(operator)
    P = "/api/platform"

    # shops and catalog
    contract.call(op, "get", f"{P}/applications", expect=200)
    contract.call(op, "get", f"{P}/applications", query={"status": "bogus"}, expect=400)
    opened = contract.call(
        op,
        "post",
        f"{P}/applications/{{application_id}}/approve",
        path={"application_id": applications[0].pk},
        body={},
        expect=200,
    )
    contract.call(
        op,
        "post",
        f"{P}/applications/{{application_id}}/reject",
        path={"application_id": applications[1].pk},
        body={"reason": "资质不全，请补充营业执照"},
        expect=200,
    )
    contract.call(op, "get", f"{P}/shops", expect=200)
    contract.call(
        op,
        "post",
        f"{P}/shops/{{shop_id}}/suspend",
        path={"shop_id": opened["id"]},
        body={"reason": "违规经营，暂停整改"},
        expect=200,
    )
    contract.call(op, "post", f"{P}/shops/{{shop_id}}/restore", path={"shop_id": opened["id"]}, expect=200)
    contract.call(op, "post", f"{P}/shops/{{shop_id}}/restore", path={"shop_id": 999999}, expect=404)
    contract.call(op, "get", f"{P}/categories", expect=200)
    contract.call(op, "post", f"{P}/categories", body={"name": "数码", "slug": "digital-api"}, expect=201)
    leaf = {"category_id": category.pk}
    body = {"never_return_kind": "fresh"}
    contract.call(op, "patch", f"{P}/categories/{{category_id}}", path=leaf, body=body, expect=200)
    body = {"never_return_kind": "unsealed"}  # the merchant's kind, not the law's
    contract.call(op, "patch", f"{P}/categories/{{category_id}}", path=leaf, body=body, expect=400)
    late = _paid_order(buyer, make_address(buyer), make_product(shop, prices=(9900,)).skus.get())
    from wanshang.orders.services import late_shipments_flag

    late_shipments_flag(now=timezone.now() + timedelta(days=3))
    contract.call(op, "get", f"{P}/late-shipments", query={"q": late.no}, expect=200)
    contract.call(
        op,
        "post",
        f"{P}/commission-rates",
        body={"category_id": category.parent.parent.pk, "rate_bps": 550},
        expect=200,
    )

    # 平台券
    coupon_body = {
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
    running = contract.call(op, "post", f"{P}/coupons", body=coupon_body, expect=201)
    later = {**coupon_body, "starts_at": (now + timedelta(days=1)).isoformat()}
    scheduled = contract.call(op, "post", f"{P}/coupons", body=later, expect=201)
    contract.call(
        op,
        "put",
        f"{P}/coupons/{{promotion_id}}",
        path={"promotion_id": scheduled["id"]},
        body={**later, "name": "平台券满199减25", "amount_fen": 2500},
        expect=200,
    )
    contract.call(op, "post", f"{P}/coupons", body={**coupon_body, "amount_fen": 19900}, expect=400)
    contract.call(op, "get", f"{P}/coupons", expect=200)
    contract.call(
        op, "get", f"{P}/coupons/{{promotion_id}}", path={"promotion_id": running["id"]}, expect=200
    )
    contract.call(
        op,
        "post",
        f"{P}/coupons/{{promotion_id}}/issue",
        path={"promotion_id": running["id"]},
        body={"buyer_ids": [buyer.pk]},
        expect=200,
    )
    for action in ("pause", "resume", "end"):
        contract.call(
            op,
            "post",
            f"{P}/coupons/{{promotion_id}}/{action}",
            path={"promotion_id": running["id"]},
            expect=200,
        )

    # 秒杀场次
    contract.call(op, "get", f"{P}/flash-slots", expect=200)
    created = contract.call(
        op,
        "post",
        f"{P}/flash-slots",
        expect=201,
        body={
            "name": "晚间场",
            "starts_at": (now + timedelta(hours=5)).isoformat(),
            "ends_at": (now + timedelta(hours=6)).isoformat(),
        },
    )
    contract.call(
        op,
        "put",
        f"{P}/flash-slots/{{slot_id}}",
        path={"slot_id": created["id"]},
        expect=200,
        body={
            "name": "晚间狂欢场",
            "starts_at": (now + timedelta(hours=5)).isoformat(),
            "ends_at": (now + timedelta(hours=7)).isoformat(),
        },
    )
    contract.call(op, "get", f"{P}/flash-slots/{{slot_id}}", path={"slot_id": slot.pk}, expect=200)
    contract.call(op, "post", f"{P}/flash-slots/{{slot_id}}/close", path={"slot_id": slot.pk}, expect=200)
    contract.call(op, "post", f"{P}/flash-slots/{{slot_id}}/open", path={"slot_id": slot.pk}, expect=200)
    contract.call(
        op,
        "post",
        f"{P}/flash-promotions/{{promotion_id}}/remove",
        path={"promotion_id": enrolled.pk},
        expect=200,
    )

    # 价格合规
    alerts = contract.call(op, "get", f"{P}/price-alerts", expect=200)["items"]
    assert alerts and alerts[0]["evidence"]
    contract.call(
        op, "post", f"{P}/price-alerts/{{alert_id}}/resolve", path={"alert_id": alerts[0]["id"]}, expect=200
    )
    contract.call(op, "get", f"{P}/price-alerts", query={"include_resolved": "true"}, expect=200)

    # 数据中心
    contract.call(op, "get", f"{P}/data/overview", query={"period": "7d"}, expect=200)
    contract.call(op, "get", f"{P}/data/shops", query={"period": "30d"}, expect=200)
    contract.call(op, "get", f"{P}/data/trade", expect=200)
    contract.call(op, "get", f"{P}/data/trade", query={"shop_id": shop.pk}, expect=200)
    contract.call(op, "get", f"{P}/data/trade/export.xlsx", expect=200)
    contract.call(op, "get", f"{P}/data/trade/export.csv", query={"report": "shops"}, expect=200)
    data_alerts = contract.call(op, "get", f"{P}/data/alerts", query={"scope": "platform"}, expect=200)
    assert data_alerts["items"]
    contract.call(
        op,
        "post",
        f"{P}/data/alerts/{{alert_id}}/read",
        path={"alert_id": data_alerts["items"][0]["id"]},
        expect=200,
    )
    contract.call(op, "get", f"{P}/data/alerts", expect=200)

    # 搜索运营
    query_record(text_typed="连衣裙", results=3)
    query_record(text_typed="火星车", results=0)
    contract.call(op, "get", f"{P}/search/queries", expect=200)
    contract.call(op, "get", f"{P}/search/queries", query={"zero_only": "true", "days": 30}, expect=200)
    synonym = contract.call(
        op, "post", f"{P}/search/synonyms", body={"words": ["连衣裙", "裙子"]}, expect=201
    )
    contract.call(op, "get", f"{P}/search/synonyms", expect=200)
    contract.call(
        op,
        "put",
        f"{P}/search/synonyms/{{synonym_id}}",
        path={"synonym_id": synonym["id"]},
        body={"words": ["连衣裙", "裙子", "长裙"], "one_way": False},
        expect=200,
    )
    contract.call(op, "post", f"{P}/search/synonyms", body={"words": ["裙子", "裙子"]}, expect=400)
    contract.call(op, "post", f"{P}/search/hot-words", body={"term": "防晒霜", "pinned": True}, expect=200)
    contract.call(
        op, "delete", f"{P}/search/synonyms/{{synonym_id}}", path={"synonym_id": synonym["id"]}, expect=204
    )

    # after-sales: reasons, the 平台介入 queue and a decision
    from wanshang.aftersales.selectors import reason_list
    from wanshang.aftersales.services import case_escalate, case_open, case_reject

    reason_body = {"name": "包装破损", "fault": "shop", "for_return": True}
    reason = contract.call(op, "post", f"{P}/aftersales/reasons", body=reason_body, expect=201)
    contract.call(op, "post", f"{P}/aftersales/reasons", body=reason_body, expect=400)
    contract.call(op, "get", f"{P}/aftersales/reasons", expect=200)
    contract.call(
        op,
        "put",
        f"{P}/aftersales/reasons/{{reason_id}}",
        path={"reason_id": reason["id"]},
        body={**reason_body, "active": False},
        expect=200,
    )
    order = _paid_order(buyer, make_address(buyer), make_product(shop, prices=(8800,), stock=3).skus.get())
    disputed = case_open(
        buyer=buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(order.lines.get().pk, 1)],
        reason_id=next(r.pk for r in reason_list() if r.name == "描述不符"),
    )
    case_reject(shop=shop, case_id=disputed.pk, actor=shop.owner, reason="与描述一致")
    case_escalate(buyer=buyer, case_id=disputed.pk, text="颜色与图片差别很大")
    contract.call(op, "get", f"{P}/aftersales/arbitration", expect=200)
    one_case = f"{P}/aftersales/cases/{{case_id}}"
    contract.call(op, "get", one_case, path={"case_id": disputed.pk}, expect=200)
    contract.call(op, "get", one_case, path={"case_id": 987654321}, expect=404)
    contract.call(
        op,
        "post",
        one_case + "/messages",
        path={"case_id": disputed.pk},
        body={"text": "请商家提供实拍"},
        expect=200,
    )
    contract.call(
        op,
        "post",
        one_case + "/decide",
        path={"case_id": disputed.pk},
        body={"decision": "refund_partial", "note": "色差补偿", "amount_fen": 99999},
        expect=400,
    )
    contract.call(
        op,
        "post",
        one_case + "/decide",
        path={"case_id": disputed.pk},
        body={"decision": "refund_full", "note": "色差明显"},
        expect=200,
    )
    contract.call(
        op, "get", f"{P}/aftersales/shops/{{shop_id}}/disputes", path={"shop_id": shop.pk}, expect=200
    )
    contract.call(op, "get", f"{P}/aftersales/instant-refunds", query={"days": 30}, expect=200)
    contract.call(op, "get", f"{P}/aftersales/instant-refunds", query={"days": 0}, expect=400)
    # 退款风险: the list of buyers, one buyer's profile and the platform's mark
    risk_buyer = f"{P}/aftersales/risk/buyers/{{buyer_id}}"
    contract.call(op, "get", risk_buyer, path={"buyer_id": buyer.pk}, expect=200)
    contract.call(op, "get", risk_buyer, path={"buyer_id": 987654321}, expect=404)
    contract.call(
        op,
        "post",
        risk_buyer + "/flag",
        path={"buyer_id": buyer.pk},
        body={"status": "watch", "note": "多次仅退款，人工复核"},
        expect=200,
    )
    contract.call(op, "get", f"{P}/aftersales/risk/buyers", query={"level": "watch"}, expect=200)
    contract.call(op, "get", f"{P}/aftersales/risk/buyers", query={"level": "everyone"}, expect=400)
    contract.call(
        op,
        "post",
        risk_buyer + "/flag",
        path={"buyer_id": buyer.pk},
        body={"status": "ban", "note": "x"},
        expect=400,
    )

    # refusals
    contract.call(_logged_in(buyer), "get", f"{P}/shops", expect=403)
    contract.call(Client(), "post", f"{P}/coupons", body=coupon_body, expect=401)
    contract.call(op, "get", f"{P}/shops", query={"page": 0}, expect=422)
    contract.call(op, "get", f"{P}/coupons", query={"page_size": 201}, expect=422)

    from wanshang.reviews.services import review_create, review_edit, review_report

    reviewed = make_product(shop, prices=(1000,), stock=5)
    address = make_address(buyer)
    first, second = (_received_order(buyer, address, shop, reviewed.skus.get()) for _ in range(2))
    bad = review_create(buyer=buyer, line_id=first.lines.get().pk, stars=1, text="加微信", dsr=DSR)
    review_report(shop=shop, actor=shop.owner, review_id=bad.pk, reason="引流广告")
    edited = review_create(buyer=buyer, line_id=second.lines.get().pk, stars=3, dsr=DSR)
    review_edit(buyer=buyer, review_id=edited.pk, stars=4, text="还行")
    _platform_reviews(contract, op, P, shop, edited.pk)
    platform_ads(contract, op, P, shop)
    platform_adlaw(contract, op, P, shop)
    platform_patrol(contract, op, P, shop, make_product)
    platform_affiliates(
        contract,
        op,
        P,
        shop=shop,
        product=make_product(shop, prices=(50000,), stock=5),
        buyer=buyer,
        address=address,
        make_user=make_user,
        operator=operator,
    )
    platform_image_checks(contract, op, P, make_shop)
    platform_health(contract, op, P, shop, operator)

    assert contract.uncovered_gets(P + "/") == []
    assert contract.gets_without_data(P + "/") == []
