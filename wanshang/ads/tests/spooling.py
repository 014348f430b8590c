"""The one test helper for spooled ad events: run the ingest job now, or click and have the click settled.

Impressions and clicks reach their tables through the `ads.ingest` job (ads/adspool.py); tests that look at
the rows call `ads_ingested()` after serving, and `click_settled(...)` where they used to read a click's
charge from `click_record` at once."""

from dataclasses import replace

from django.test import TestCase

from wanshang.ads.models import AdClick
from wanshang.ads.services import ClickOutcome, ad_events_ingest, click_record


def ads_ingested() -> int:
    """Run the ingest job over everything spooled (its after-commit work, the serving stop lists' refresh,
    runs at once even inside a test's transaction). Returns the events read."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ad_events_ingest(max_rows=10**9)


def click_settled(**kwargs) -> ClickOutcome:
    """`click_record(**kwargs)`, then the ingest job: the click's outcome as the job settled it ("replay" when
    its token was recorded before; the request's own outcome when the ingest recorded nothing)."""
    outcome = click_record(**kwargs)
    if AdClick.objects.filter(token_hash=outcome.token_hash).exists():
        ads_ingested()
        return replace(outcome, status="replay")
    ads_ingested()
    row = AdClick.objects.filter(token_hash=outcome.token_hash).first()
    if row is None:
        return outcome
    return ClickOutcome(row.product_id, row.group_id, row.status, row.charged_fen, outcome.token_hash)
