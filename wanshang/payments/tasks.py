from wanshang.common.scheduler import register
from wanshang.payments.services import gateway_refunds_retry
from wanshang.payments.settlement import settlements_mature


@register("payments.settlements_mature", every_seconds=3600)
def mature_settlements(now):
    return settlements_mature(now=now)


@register("payments.gateway_refunds_retry", every_seconds=300)
def retry_gateway_refunds(now):
    return gateway_refunds_retry(now=now)
