"""Writes of 推广中心 (re-exported from the modules behind them: `accounts` the money, `structure` the
直通车 plans, groups, keywords, negatives and creatives, `rules` the platform's settings)."""

from wanshang.ads.accounts import ChargeItem as ChargeItem
from wanshang.ads.accounts import ChargeResult as ChargeResult
from wanshang.ads.accounts import account_adjust as account_adjust
from wanshang.ads.accounts import account_for_shop as account_for_shop
from wanshang.ads.accounts import ad_charge as ad_charge
from wanshang.ads.accounts import ad_charge_batch as ad_charge_batch
from wanshang.ads.accounts import invalid_click_refund as invalid_click_refund
from wanshang.ads.accounts import topup_create as topup_create
from wanshang.ads.accounts import topup_credit as topup_credit
from wanshang.ads.accounts import topup_pay_sandbox as topup_pay_sandbox
from wanshang.ads.accounts import topup_start as topup_start
from wanshang.ads.adspool import ad_events_ingest as ad_events_ingest
from wanshang.ads.rules import ad_settings_update as ad_settings_update
from wanshang.ads.structure import KeywordInput as KeywordInput
from wanshang.ads.structure import PlanInput as PlanInput
from wanshang.ads.structure import creative_add as creative_add
from wanshang.ads.structure import creative_delete as creative_delete
from wanshang.ads.structure import group_create as group_create
from wanshang.ads.structure import group_update as group_update
from wanshang.ads.structure import keyword_delete as keyword_delete
from wanshang.ads.structure import keyword_update as keyword_update
from wanshang.ads.structure import keywords_add as keywords_add
from wanshang.ads.structure import negative_add as negative_add
from wanshang.ads.structure import negative_delete as negative_delete
from wanshang.ads.structure import plan_create as plan_create
from wanshang.ads.structure import plan_set_status as plan_set_status
from wanshang.ads.structure import plan_update as plan_update

# --- serving, clicks and attribution (docs/ads-serving.md) ---------------------------------------------------
# Every structure write bumps the serving index's version once it commits (serving.py).
# isort: split
from wanshang.ads import rotation as _rotation
from wanshang.ads import serving as _serving
from wanshang.ads.audience import audience_setup_update as audience_setup_update
from wanshang.ads.audience import target_add as target_add
from wanshang.ads.audience import target_delete as target_delete
from wanshang.ads.audience import target_update as target_update
from wanshang.ads.audience_cpm import cpm_charge_due as cpm_charge_due
from wanshang.ads.audience_serving import audience_ads_serve as audience_ads_serve
from wanshang.ads.autobidding import bid_for as bid_for  # 全站推广 (docs/ads.md): their writes bump it
from wanshang.ads.autoplans import AutoPlanInput as AutoPlanInput
from wanshang.ads.autoplans import autobid_tick as autobid_tick
from wanshang.ads.autoplans import autoplan_create as autoplan_create
from wanshang.ads.autoplans import autoplan_keywords_refresh as autoplan_keywords_refresh
from wanshang.ads.autoplans import autoplan_update as autoplan_update
from wanshang.ads.serving import serving_invalidate as serving_invalidate
from wanshang.ads.suggestions import suggestion_add as suggestion_add
from wanshang.ads.traffic import ClickOutcome as ClickOutcome
from wanshang.ads.traffic import ServedAd as ServedAd
from wanshang.ads.traffic import click_record as click_record
from wanshang.ads.traffic import search_ads_serve as search_ads_serve

plan_create = _serving.invalidating(plan_create)
plan_update = _serving.invalidating(plan_update)
plan_set_status = _serving.invalidating(plan_set_status)
group_create = _serving.invalidating(group_create)
group_update = _serving.invalidating(group_update)
keywords_add = _serving.invalidating(keywords_add)
keyword_update = _serving.invalidating(keyword_update)
keyword_delete = _serving.invalidating(keyword_delete)
negative_add = _serving.invalidating(negative_add)
negative_delete = _serving.invalidating(negative_delete)

# keyword suggestions' one-click add bumps the index too; creative writes reload the rotation (rotation.py)


def _creatives_changing(write):
    def wrapper(*args, **kwargs):
        result = write(*args, **kwargs)
        _rotation.creatives_invalidate()
        return result

    wrapper.__doc__, wrapper.__name__ = write.__doc__, write.__name__
    return wrapper


creative_add = _creatives_changing(creative_add)
creative_delete = _creatives_changing(creative_delete)
suggestion_add = _serving.invalidating(suggestion_add)

# 引力魔方 audience ads (docs/ads-serving.md, "Audience ads (引力魔方)")
audience_setup_update = _serving.invalidating(audience_setup_update)
target_add = _serving.invalidating(target_add)
target_update = _serving.invalidating(target_update)
target_delete = _serving.invalidating(target_delete)


# --- the hourly report rollup (docs/ads-serving.md "Reports") ------------------------------------------------
# isort: split
from wanshang.ads.rollup import hour_build as hour_build  # noqa: E402
from wanshang.ads.rollup import rollup_rebuild as rollup_rebuild  # noqa: E402
from wanshang.ads.rollup import rollup_run as rollup_run  # noqa: E402
