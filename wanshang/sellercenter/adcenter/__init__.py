"""推广中心 in the seller center: its pages (`views.py` account and plans, `groups.py` 推广单元), forms and
JSON API (`api.py`, /api/seller/ads/…), over `ads.services` and `ads.selectors`; tests in `tests/`."""
