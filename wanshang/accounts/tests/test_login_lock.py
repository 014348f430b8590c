"""Password guessing: ten wrong passwords lock that login for 15 minutes, on the web form and the API."""

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "Wanshang#2026"


def test_ten_wrong_passwords_lock_the_login_even_for_the_right_one(client, make_user):
    make_user(login="13811112222", password=PASSWORD)
    for _ in range(10):
        r = client.post("/accounts/login/", {"login": "13811112222", "password": "wrong-pass"})
        assert r.status_code == 200 and "账号或密码错误" in r.content.decode()
    r = client.post("/accounts/login/", {"login": "13811112222", "password": PASSWORD})
    assert r.status_code == 200 and "错误次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = client.post(
        "/api/store/auth/token",
        {"login": "13811112222", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 429


def test_lock_is_per_login_and_a_success_resets_the_count(client, make_user):
    make_user(login="13811113333", password=PASSWORD)
    make_user(login="13811114444", password=PASSWORD)
    for _ in range(9):
        client.post("/accounts/login/", {"login": "13811113333", "password": "wrong-pass"})
    assert client.post("/accounts/login/", {"login": "13811113333", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(9):  # the count started again after the success
        client.post("/accounts/login/", {"login": "13811113333", "password": "wrong-pass"})
    assert client.post("/accounts/login/", {"login": "13811113333", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"login": "13811114444", "password": PASSWORD}).status_code == 302
