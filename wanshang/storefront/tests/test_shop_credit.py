"""The merchant credit level on the storefront shop page and its API, once the 体检中心 job computed it."""

import pytest
from django.utils import timezone

from wanshang.health.services import indicators_compute

pytestmark = pytest.mark.django_db


def test_the_shop_page_and_api_show_the_credit_level(client, make_shop):
    shop = make_shop()
    assert 'data-testid="credit-level"' not in client.get(f"/shop/{shop.slug}/").content.decode()
    indicators_compute(now=timezone.now())
    assert "一钻" in client.get(f"/shop/{shop.slug}/").content.decode()
    assert client.get(f"/api/store/shops/{shop.slug}").json()["credit_level"] == 1
