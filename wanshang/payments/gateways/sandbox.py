"""The built-in demo gateway: no money moves, but notifications are signed and verified like a real one.

Config keys: SECRET (the HMAC-SHA256 key; settings.WANSHANG["SANDBOX_GATEWAY_SECRET"]).

Notification form fields: out_trade_no, trade_no, total_amount (yuan text), trade_status, sign — where sign
is hex HMAC-SHA256 over the canonical `k=v&...` string of every other field, sorted by key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from .base import (
    Gateway,
    Notification,
    PaymentAction,
    RefundResult,
    SignatureError,
    fen_to_yuan,
    notification_from_form,
    parse_form,
    require_positive_fen,
)


class SandboxGateway(Gateway):
    code = "sandbox"
    name = "沙箱支付（演示）"
    required_keys = ("SECRET",)

    def __init__(self, config: Mapping[str, Any]):
        """Raises GatewayError when SECRET is not set."""
        config = self._require_config(config)
        self._secret = str(config["SECRET"]).encode()

    def _mac(self, message: str) -> str:
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def _sign(self, fields: Mapping[str, str]) -> str:
        return self._mac("&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sign"))

    def create_payment(
        self, *, payment_no: str, amount_fen: int, subject: str, return_url: str, notify_url: str
    ) -> PaymentAction:
        require_positive_fen(amount_fen)
        return PaymentAction(kind="sandbox")

    def build_notification(
        self, payment_no: str, amount_fen: int, gateway_trade_no: str | None = None, status: str = "SUCCESS"
    ) -> bytes:
        """A signed urlencoded notification body, as the simulated cashier posts it.

        Without gateway_trade_no one is derived from payment_no, so repeats of a payment look alike.
        """
        fields = {
            "out_trade_no": payment_no,
            "trade_no": gateway_trade_no or "SBX" + self._mac("trade:" + payment_no)[:24].upper(),
            "total_amount": fen_to_yuan(amount_fen),
            "trade_status": status,
        }
        fields["sign"] = self._sign(fields)
        return urlencode(fields).encode()

    def parse_notification(
        self, *, body: bytes, content_type: str, headers: Mapping[str, str]
    ) -> Notification:
        """Raises SignatureError for a missing or wrong sign, a malformed body or missing fields."""
        fields = parse_form(body)
        sign = fields.pop("sign", "")
        if not sign:
            raise SignatureError("缺少签名 sign")
        if not hmac.compare_digest(sign.encode(), self._sign(fields).encode()):
            raise SignatureError("签名不匹配")
        return notification_from_form(fields, paid_states={"SUCCESS"})

    def ack(self, ok: bool) -> tuple[int, str, str]:
        return 200, "text/plain", "success" if ok else "fail"

    def refund(
        self,
        *,
        payment_no: str,
        gateway_trade_no: str,
        refund_no: str,
        amount_fen: int,
        total_fen: int,
        reason: str,
    ) -> RefundResult:
        """Always succeeds for a sane amount; the refund no is derived from refund_no, so retries agree."""
        if not 0 < amount_fen <= total_fen:
            return RefundResult(ok=False, message=f"退款金额 {amount_fen} 分无效（实付 {total_fen} 分）")
        return RefundResult(ok=True, gateway_refund_no="SBR" + self._mac("refund:" + refund_no)[:24].upper())
