"""Only operators (is_staff) use the platform face: others get a clear 403, anonymous people the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    "overview",
    "applications",
    "shops",
    "categories",
    "brands",
    "commission",
    "orders",
    "notifications",
    "jobs",
]


@pytest.mark.parametrize("name", PAGES)
def test_non_staff_user_gets_403_page(login_client, buyer, name):
    response = login_client(buyer).get(reverse(f"platform:{name}"))
    assert response.status_code == 403
    assert "仅限平台运营人员" in response.content.decode()


def test_shop_owner_is_not_an_operator(login_client, make_shop):
    shop = make_shop()
    response = login_client(shop.owner).get(reverse("platform:shops"))
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("platform:overview"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "next=/platform/" in response["Location"]


def test_non_staff_cannot_approve_through_the_page(login_client, buyer, submit_application):
    app = submit_application()
    response = login_client(buyer).post(reverse("platform:application_approve", args=[app.pk]), {"slug": ""})
    assert response.status_code == 403
    from wanshang.merchants.selectors import application_get

    assert application_get(application_id=app.pk).status == "pending"


def test_operator_sees_every_page(op_client):
    for name in PAGES:
        response = op_client.get(reverse(f"platform:{name}"))
        assert response.status_code == 200, name
        assert "平台管理" in response.content.decode()


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/platform/applications"),
        ("get", "/api/platform/shops"),
        ("get", "/api/platform/categories"),
        ("post", "/api/platform/categories"),
        ("post", "/api/platform/commission-rates"),
        ("post", "/api/platform/shops/1/restore"),
    ],
)
def test_api_refuses_non_staff_with_403_json(client, buyer, api_token, method, path):
    response = getattr(client, method)(
        path, content_type="application/json", data={} if method == "post" else None, **api_token(buyer)
    )
    assert response.status_code == 403  # before the body is validated: no schema details for non-operators
    body = response.json()
    assert body["code"] == "forbidden"
    assert "平台运营" in body["detail"]


def test_api_refuses_non_staff_to_decide_an_application(client, buyer, api_token, submit_application):
    app = submit_application()
    response = client.post(
        f"/api/platform/applications/{app.pk}/reject",
        {"reason": "资料不全"},
        content_type="application/json",
        **api_token(buyer),
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "需要平台运营权限（is_staff）"
    from wanshang.merchants.selectors import application_get

    assert application_get(application_id=app.pk).status == "pending"


def test_api_without_credentials_is_401(client):
    assert client.get("/api/platform/applications").status_code == 401
