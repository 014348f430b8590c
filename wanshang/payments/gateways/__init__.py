"""Payment gateway adapters and the two functions the payment services use to find them.

Settings are read lazily from `settings.WANSHANG`, on every call, so a changed or overridden setting takes
effect at once and nothing here needs Django until it is called:

- "SANDBOX_GATEWAY_SECRET": the sandbox's HMAC key;
- "ALIPAY": {APP_ID, APP_PRIVATE_KEY_PATH, ALIPAY_PUBLIC_KEY_PATH, SANDBOX};
- "WECHAT": {MCH_ID, APP_ID, APIV3_KEY, CERT_SERIAL_NO, PRIVATE_KEY_PATH, and PLATFORM_CERT_DIR and/or
  PLATFORM_PUBLIC_KEY_PATH + PUBLIC_KEY_ID (WeChat Pay public-key mode)};
- "PAYMENT_GATEWAYS" (optional): codes offered at the cashier, in order; default all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from .alipay import AlipayGateway
from .base import (
    Gateway,
    GatewayError,
    Notification,
    PaymentAction,
    RefundResult,
    SignatureError,
    fen_to_yuan,
    yuan_to_fen,
)
from .sandbox import SandboxGateway
from .wechat import WechatGateway

GATEWAYS: dict[str, type[Gateway]] = {
    SandboxGateway.code: SandboxGateway,
    AlipayGateway.code: AlipayGateway,
    WechatGateway.code: WechatGateway,
}


def _wanshang() -> Mapping[str, Any]:
    return getattr(settings, "WANSHANG", {}) or {}


def _config(code: str, conf: Mapping[str, Any]) -> Mapping[str, Any]:
    if code == SandboxGateway.code:
        return {"SECRET": conf.get("SANDBOX_GATEWAY_SECRET", "")}
    return conf.get(code.upper()) or {}


def get_gateway(code: str) -> Gateway:
    """A gateway built from the current settings, whether or not PAYMENT_GATEWAYS still offers it (so
    notifications and refunds of earlier payments keep working).

    Raises GatewayError for an unknown code or a gateway whose keys are not set ("未配置…") or unreadable.
    """
    cls = GATEWAYS.get(code)
    if cls is None:
        raise GatewayError(f"未知的支付渠道：{code}")
    return cls(_config(code, _wanshang()))


def available_gateways() -> list[tuple[str, str]]:
    """(code, name) of the gateways the cashier offers: those in PAYMENT_GATEWAYS whose keys are set."""
    conf = _wanshang()
    codes = conf.get("PAYMENT_GATEWAYS") or list(GATEWAYS)
    return [
        (code, GATEWAYS[code].name)
        for code in codes
        if code in GATEWAYS and GATEWAYS[code].is_configured(_config(code, conf))
    ]


__all__ = [
    "AlipayGateway",
    "Gateway",
    "GatewayError",
    "Notification",
    "PaymentAction",
    "RefundResult",
    "SandboxGateway",
    "SignatureError",
    "WechatGateway",
    "available_gateways",
    "fen_to_yuan",
    "get_gateway",
    "yuan_to_fen",
]
