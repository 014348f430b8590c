"""The API token page: a new key is shown exactly once and then works as a bearer token."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_works(client, buyer):
    client.force_login(buyer)
    response = client.post(reverse("accounts:tokens"), {"name": "ERP 对接"}, follow=True)
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    again = client.get(reverse("accounts:tokens"))
    assert again.context["new_key"] is None and key not in again.content.decode()
    assert [t.name for t in again.context["tokens"]] == ["ERP 对接"]

    api = Client()
    assert api.get("/api/store/cart", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_revoked_token_stops_working(client, buyer):
    client.force_login(buyer)
    key = client.post(reverse("accounts:tokens"), {"name": "临时"}, follow=True).context["new_key"]
    token = client.get(reverse("accounts:tokens")).context["tokens"][0]
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert Client().get("/api/store/cart", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_tokens_page_needs_login(client, db):
    assert client.get(reverse("accounts:tokens")).status_code == 302
