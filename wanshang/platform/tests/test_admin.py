"""The Django admin (/django-admin/) lists every main model for operators, read-mostly."""

import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db

APPS = {"accounts", "merchants", "catalog", "inventory", "fulfillment", "orders", "payments"}


def test_every_main_app_has_admin_lists():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert APPS <= registered


def test_admin_changelists_render_with_data(client, operator, make_shop, make_product):
    product = make_product(make_shop())
    client.force_login(operator)
    assert client.get(f"/django-admin/catalog/product/{product.pk}/change/").status_code == 200
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in APPS:
            continue
        url = f"/django-admin/{meta.app_label}/{meta.model_name}/"
        response = client.get(url + "?q=测试")
        assert response.status_code == 200, url
        assert client.get(url).status_code == 200, url


def test_ledgers_cannot_be_added_in_the_admin(client, operator):
    client.force_login(operator)
    assert client.get("/django-admin/orders/order/add/").status_code == 403
    assert client.get("/django-admin/payments/settlemententry/add/").status_code == 403
