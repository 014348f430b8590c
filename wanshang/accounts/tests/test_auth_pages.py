"""Sign up with a mobile number or an e-mail address, then log in with either; log out by POST."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Wanshang#2026"


def signup(client, login, **extra):
    return client.post(
        reverse("accounts:signup"),
        {
            "login": login,
            "nickname": extra.get("nickname", "小万"),
            "password": PASSWORD,
            "password2": extra.get("password2", PASSWORD),
            "next": extra.get("next", ""),
        },
    )


def logged_in_user(client):
    return client.get(reverse("storefront:home")).context["user"]


def test_signup_by_phone_then_login_by_phone(client):
    response = signup(client, "13912345678")
    assert response.status_code == 302 and response["Location"] == "/"
    user = logged_in_user(client)
    assert user.is_authenticated and user.phone == "13912345678" and user.nickname == "小万"

    client.post(reverse("accounts:logout"))
    assert not logged_in_user(client).is_authenticated

    response = client.post(
        reverse("accounts:login"), {"login": "13912345678", "password": PASSWORD, "next": "/orders/"}
    )
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert logged_in_user(client).phone == "13912345678"


def test_signup_by_email_then_login_by_email_any_case(client):
    assert signup(client, "Buyer@Example.com").status_code == 302
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"), {"login": "BUYER@example.COM", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user(client).email == "buyer@example.com"


def test_signup_errors_are_shown_on_the_form(client, make_user):
    make_user(login="13900000009")
    response = signup(client, "13900000009")
    assert response.status_code == 200
    assert "该手机号或邮箱已注册" in response.content.decode()

    response = signup(client, "12345")
    assert "请输入 11 位中国大陆手机号" in response.content.decode()

    response = signup(client, "13900000010", password2="Other#2026")
    assert "两次输入的密码不一致" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_weak_password_is_refused(client):
    response = client.post(
        reverse("accounts:signup"), {"login": "13900000011", "password": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]


def test_wrong_password_shows_an_error(client, make_user):
    make_user(login="13900000012")
    response = client.post(reverse("accounts:login"), {"login": "13900000012", "password": "nope-nope"})
    assert response.status_code == 200
    assert "账号或密码错误" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_login_ignores_an_external_next(client, make_user):
    make_user(login="13900000013")
    response = client.post(
        reverse("accounts:login"),
        {"login": "13900000013", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_logout_needs_post(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user(client).is_authenticated


def test_header_shows_name_logout_and_staff_links(client, make_user):
    html = client.get(reverse("storefront:home")).content.decode()
    assert "请登录" in html and "免费注册" in html and "卖家中心" in html and "平台管理" not in html
    client.force_login(make_user(nickname="阿万", is_staff=True))
    html = client.get(reverse("storefront:home")).content.decode()
    assert "阿万" in html and "退出" in html and "平台管理" in html
