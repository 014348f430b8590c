"""The ads spool over the Redis stream transport (ADS_TRANSPORT=redis, several web hosts): impressions and
clicks reach their tables once, and a second ingest adds nothing."""

import os
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from wanshang.ads import adspool, traffic
from wanshang.ads.tests.spooling import ads_ingested
from wanshang.ads.traffic import search_ads_serve
from wanshang.search.selectors import query_words

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def ads_stream(settings, require_postgres):
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: REDIS_URL must point at a reachable Redis")
        pytest.skip("needs Redis")
    name = f"wstest-{uuid.uuid4().hex[:10]}:adevents"
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ADS_TRANSPORT": "redis",
        "ANALYTICS_REDIS_URL": settings.REDIS_URL,
        "ADS_STREAM": name,
    }
    yield name
    redis.Redis.from_url(settings.REDIS_URL).delete(name)


def test_impressions_and_clicks_through_the_stream_land_once(live_ad, ads_stream):
    from wanshang.ads.models import AdClick, AdImpression, AdLedgerEntry

    live_ad()
    visitor = "a" * 32
    [ad] = search_ads_serve(
        words=query_words("连衣裙"), query="连衣裙", page=1, per_page=40, visitor=visitor, terminal="pc"
    )
    traffic.click_record(token=ad.token, visitor=visitor, user_id=None, user_agent=BROWSER)
    assert adspool._client().xlen(ads_stream) == 2  # one entry per write
    assert not list(Path(settings.WANSHANG["ADS_SPOOL_DIR"]).glob("*.jsonl"))  # nothing in a local file

    assert ads_ingested() == 2
    assert ads_ingested() == 0
    assert AdImpression.objects.count() == 1
    assert AdClick.objects.get().status == "charged"
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1
