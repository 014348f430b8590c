"""Scheduled marketing jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.marketing.coupons.services import coupons_expire_cleanup
from wanshang.marketing.flash.holds import flash_holds_release
from wanshang.marketing.groupbuy.services import group_teams_expire
from wanshang.marketing.promotions.display import refresh_due
from wanshang.marketing.services import promotions_price_rise_patrol


@register("marketing.group_teams_expire", every_seconds=60)
def expire_group_teams(now):
    return group_teams_expire(now=now)


@register("marketing.coupons_void_old", every_seconds=86400)
def void_old_coupons(now):
    return coupons_expire_cleanup(now=now)


@register("marketing.flash_holds_release", every_seconds=60)
def release_flash_holds(now):
    return flash_holds_release(now=now)


@register("marketing.display_prices", every_seconds=30)
def refresh_display_prices(now):
    """Promotions that started or ended since a shop's display prices were written (promotions/display.py)."""
    return refresh_due(now=now)


@register("marketing.price_rise_daily", every_seconds=86400)
def price_rise_daily(now):
    """§17 every day for running and scheduled item promotions (a price raised after saving is caught)."""
    return promotions_price_rise_patrol(now=now)
