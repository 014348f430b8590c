"""Numbers past the 64-bit range through the 推广中心 API on PostgreSQL: a 4xx with a clear message and nothing
changed, never a DataError (SQLite raises OverflowError instead, which api.py turns into a 422)."""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
JSON = "application/json"
HUGE = 2**63


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_huge_numbers_are_refused(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    today = timezone.localdate().isoformat()
    plan = {"name": "大数", "daily_budget_fen": 5_000, "start_date": today}
    calls = [
        ("post", "/api/seller/ads/plans", {**plan, "total_budget_fen": HUGE}),
        ("post", "/api/seller/ads/plans", {**plan, "total_budget_fen": HUGE - 1}),
        ("put", f"/api/seller/ads/plans/{tree['plan'].pk}", {**plan, "total_budget_fen": HUGE - 1}),
        (
            "post",
            "/api/seller/ads/auto-plans",
            {**plan, "product_ids": [HUGE], "target_roas_centi": 300},
        ),
        ("get", f"/api/seller/ads/plans/{HUGE}", None),
        ("get", f"/api/seller/ads/auto-plans/{HUGE}/report", None),
        ("get", f"/api/seller/ads/groups/{HUGE}/keyword-suggestions", None),
        (
            "post",
            f"/api/seller/ads/groups/{tree['group'].pk}/keyword-suggestions",
            {"word": "大数", "bid_fen": HUGE},
        ),
        (
            "post",
            f"/api/seller/ads/plans/{tree['plan'].pk}/groups",
            {"product_id": HUGE, "default_bid_fen": 100},
        ),
        ("get", f"/api/seller/ads/reports?plan_id={HUGE}", None),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, content_type=JSON) if body else client.get(url)
        assert 400 <= response.status_code < 500, (url, body, response.status_code)
