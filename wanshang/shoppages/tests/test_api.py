"""The JSON API of 店铺活动页: seller CRUD, publish and offline with their refusals and isolation, and the
public GET of a published page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.shoppages.models import ShopPage
from wanshang.shoppages.tests.conftest import modules_for

pytestmark = pytest.mark.django_db
B = "/api/seller/shop-pages"


@pytest.fixture
def api(client, scene):
    client.force_login(scene.a.owner)
    return client


def _body(s, **kw):
    return {"title": "夏日上新", "slug": "summer", "modules": modules_for(s), **kw}


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_crud_publish_and_the_public_get(api, scene, client):
    r = _post(api, B, _body(scene))
    assert r.status_code == 201, r.json()
    saved = r.json()
    page_id = saved["page"]["id"]
    assert saved["page"]["state"] == "draft" and saved["adlaw_hits"] == [] and saved["button_findings"] == []
    assert saved["page"]["url"] == f"/shop/{scene.a.slug}/p/summer/"
    assert api.get(B).json()["items"][0]["module_count"] == 6
    body = _body(scene, title="夏日最佳上新")
    body["modules"][5] = {
        "type": "button",
        "label": "立即购买",
        "target": {"kind": "product", "id": scene.p1.pk},
    }
    r = api.put(f"{B}/{page_id}", body, content_type="application/json")
    assert r.status_code == 200
    assert [(h["field"], h["term"]) for h in r.json()["adlaw_hits"]] == [("title", "最佳")]
    assert r.json()["button_findings"][0]["field"] == "label.6"
    assert api.get(f"{B}/{page_id}").json()["modules"][5]["target"] == {"kind": "product", "id": scene.p1.pk}

    public = f"/api/store/shops/{scene.a.slug}/pages/summer"
    assert client.get(public).status_code == 404  # a draft: not public, not even to its own staff
    client.logout()
    assert client.get(public).status_code == 404
    api.force_login(scene.a.owner)
    assert _post(api, f"{B}/{page_id}/publish").json()["state"] == "published"
    client.logout()
    got = client.get(public).json()
    assert got["window"] == "running" and [b["type"] for b in got["blocks"]][:2] == ["banner", "heading"]
    grid = got["blocks"][3]["products"]
    assert [(p["title"], p["price_fen"], p["stock"]) for p in grid] == [
        ("法式碎花连衣裙", 15900, 20),
        ("纯棉宽松短袖T恤", 5900, 3),
    ]
    api.force_login(scene.a.owner)
    assert _post(api, f"{B}/{page_id}/offline").json()["state"] == "offline"
    assert api.delete(f"{B}/{page_id}").status_code == 204
    assert not ShopPage.objects.exists()


def test_the_public_get_outside_the_window_has_no_blocks(api, scene, client):
    page_id = _post(api, B, _body(scene)).json()["page"]["id"]
    _post(api, f"{B}/{page_id}/publish")
    ShopPage.objects.filter(pk=page_id).update(starts_at=timezone.now() + timedelta(days=1))
    client.logout()
    got = client.get(f"/api/store/shops/{scene.a.slug}/pages/summer").json()
    assert got["window"] == "not_started" and got["blocks"] == []


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"modules": [{"type": "video"}]}, 400, "m1"),
        ({"modules": [{"type": "heading", "text": "小标题"}] * 21}, 400, "modules"),
        ({"modules": [{"type": "text", "text": "字" * 501}]}, 400, "m1"),
        ({"slug": "Bad Slug"}, 400, "slug"),
        ({"starts_at": "2026-06-18T10:00:00+08:00", "ends_at": "2026-06-17T10:00:00+08:00"}, 400, "ends_at"),
        ({"title": "国宴特供节"}, 400, "title"),
        ({"modules": [{"type": "heading", "text": "招财好物"}]}, 400, "m1"),
        ({"modules": [{"type": "heading", "colour": "red"}]}, 422, None),
        ({"modules": [{"type": "products", "product_ids": ["1"]}]}, 422, None),
        ({"title": 12}, 422, None),
    ],
)
def test_bad_input_is_refused_with_its_field(api, scene, change, status, field):
    r = _post(api, B, _body(scene, **change))
    assert r.status_code == status, r.json()
    if field:
        assert r.json()["field"] == field
    assert not ShopPage.objects.exists()


def test_a_duplicate_slug_and_illegal_transitions(api, scene):
    page_id = _post(api, B, _body(scene)).json()["page"]["id"]
    r = _post(api, B, _body(scene, title="另一个"))
    assert r.status_code == 400 and r.json()["field"] == "slug"
    r = _post(api, f"{B}/{page_id}/offline")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    _post(api, f"{B}/{page_id}/publish")
    assert _post(api, f"{B}/{page_id}/publish").status_code == 409
    assert api.delete(f"{B}/{page_id}").status_code == 409
    assert api.get(B, {"state": "bogus"}).status_code == 400


def test_shop_b_cannot_reach_or_use_shop_a_pages_and_things(client, scene):
    client.force_login(scene.a.owner)
    page_id = _post(client, B, _body(scene)).json()["page"]["id"]
    client.force_login(scene.b.owner)
    assert client.get(B).json()["items"] == []
    assert client.get(f"{B}/{page_id}").status_code == 404
    assert client.put(f"{B}/{page_id}", _body(scene), content_type="application/json").status_code == 404
    for action in ("publish", "offline"):
        assert _post(client, f"{B}/{page_id}/{action}").status_code == 404
    assert client.delete(f"{B}/{page_id}").status_code == 404
    r = _post(client, B, _body(scene, slug="mine"))  # A's picture, products and coupon in B's page
    assert r.status_code == 404 and r.json()["field"] == "m4"  # products are checked first
    assert ShopPage.objects.count() == 1


def test_buyers_and_roles_without_marketing_get_403(client, scene, buyer, make_staff):
    client.force_login(buyer)
    assert client.get(B).status_code == 403
    client.force_login(make_staff(scene.a, "service"))
    assert _post(client, B, _body(scene)).status_code == 403
