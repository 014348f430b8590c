"""Scheduled after-sales jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.aftersales.services import cases_due, group_refunds_due, refunds_retry
from wanshang.common.scheduler import register


@register("orders.refunds_retry", every_seconds=120)  # the name it had in orders: its run history carries on
def retry_refunds(now):
    return refunds_retry(now=now)


@register("aftersales.group_refunds", every_seconds=60)
def group_refunds(now):
    return group_refunds_due(now=now)


@register("aftersales.cases_due", every_seconds=300)
def decide_for_the_silent(now):
    return cases_due(now=now)
