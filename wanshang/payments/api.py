"""Gateway notification endpoints (server to server): no session, no CSRF; the signature is the auth."""

from django.http import HttpResponse
from ninja import Router

from wanshang.common.errors import DomainError, ValidationError
from wanshang.payments.gateways import GatewayError, get_gateway
from wanshang.payments.services import _record, payment_notify

router = Router()


@router.post("/notify/{gateway}", auth=None, include_in_schema=True, summary="支付渠道异步通知")
def notify(request, gateway: str):
    headers = {k: v for k, v in request.headers.items()}
    try:
        if b"\x00" in request.body:
            # Refused before any lookup (PostgreSQL text cannot hold NUL) but recorded, unlike other requests
            # with a NUL, which common.middleware turns away before they get here.
            _record(
                gateway, verified=False, outcome="bad_body", detail="通知含有 NUL 控制字符", body=request.body
            )
            raise ValidationError("支付通知含有不允许的控制字符（NUL）")
        outcome = payment_notify(
            gateway_code=gateway, body=request.body, content_type=request.content_type or "", headers=headers
        )
        ok, status = True, 200
    except DomainError as exc:
        outcome, ok, status = exc.message, False, exc.status_code
    try:
        ack_status, content_type, body = get_gateway(gateway).ack(ok)
    except GatewayError:
        return HttpResponse(outcome, status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status if not ok else ack_status, content_type=content_type)
