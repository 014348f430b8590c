"""Scheduled marketing jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.marketing.coupons.services import coupons_expire_cleanup
from wanshang.marketing.flash.holds import flash_holds_release
from wanshang.marketing.groupbuy.services import group_teams_expire


@register("marketing.group_teams_expire", every_seconds=60)
def expire_group_teams(now):
    return group_teams_expire(now=now)


@register("marketing.coupons_void_old", every_seconds=86400)
def void_old_coupons(now):
    return coupons_expire_cleanup(now=now)


@register("marketing.flash_holds_release", every_seconds=60)
def release_flash_holds(now):
    return flash_holds_release(now=now)
