"""Alipay (支付宝) computer-website pay, on python-alipay-sdk with RSA2 keys (public-key mode, not cert mode).

Config keys: APP_ID, APP_PRIVATE_KEY_PATH (our app private key PEM), ALIPAY_PUBLIC_KEY_PATH (Alipay's public
key PEM, from the open platform console), SANDBOX (bool: use the sandbox gateway).

Construction and notification parsing are offline; create_payment only signs a URL. refund is the only
call that goes over the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from .base import (
    Gateway,
    GatewayError,
    Notification,
    PaymentAction,
    RefundResult,
    SignatureError,
    fen_to_yuan,
    notification_from_form,
    parse_form,
    require_positive_fen,
)

PRODUCTION_URL = "https://openapi.alipay.com/gateway.do"
SANDBOX_URL = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
PAID_STATES = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})
_BEIJING = timezone(timedelta(hours=8))


class _AliPay(AliPay):
    def build_body(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        data = super().build_body(*args, **kwargs)
        # Alipay reads `timestamp` as Beijing time; the SDK uses the host's local clock (often UTC).
        data["timestamp"] = datetime.now(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        return data


def _read(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as exc:
        raise GatewayError(f"无法读取{what}：{exc}") from exc


class AlipayGateway(Gateway):
    code = "alipay"
    name = "支付宝"
    required_keys = ("APP_ID", "APP_PRIVATE_KEY_PATH", "ALIPAY_PUBLIC_KEY_PATH")

    def __init__(self, config: Mapping[str, Any]):
        """Loads both keys. Raises GatewayError when a key is missing, unreadable or not an RSA key."""
        config = self._require_config(config)
        self.app_id = str(config["APP_ID"])
        self.sandbox = bool(config.get("SANDBOX", False))
        self.gateway_url = SANDBOX_URL if self.sandbox else PRODUCTION_URL
        private_pem = _read(config["APP_PRIVATE_KEY_PATH"], "支付宝应用私钥")
        public_pem = _read(config["ALIPAY_PUBLIC_KEY_PATH"], "支付宝公钥")
        try:
            self._client = _AliPay(
                appid=self.app_id,
                app_private_key_string=private_pem,
                alipay_public_key_string=public_pem,
                sign_type="RSA2",
                debug=self.sandbox,  # the SDK picks the same gateway URL for server calls (refund)
            )
        except (ValueError, IndexError, TypeError, AliPayException) as exc:
            raise GatewayError(f"支付宝密钥无效：{exc}") from exc
        if not self._client.app_private_key.has_private():
            raise GatewayError("支付宝应用私钥无效：文件里是公钥")

    def create_payment(
        self, *, payment_no: str, amount_fen: int, subject: str, return_url: str, notify_url: str
    ) -> PaymentAction:
        """A signed page-pay URL to redirect the buyer to. Offline; ValueError for a bad amount."""
        query = self._client.api_alipay_trade_page_pay(
            subject=subject[:256],
            out_trade_no=payment_no,
            total_amount=fen_to_yuan(require_positive_fen(amount_fen)),
            return_url=return_url or None,
            notify_url=notify_url or None,
        )
        return PaymentAction(kind="redirect", url=f"{self.gateway_url}?{query}")

    def parse_notification(
        self, *, body: bytes, content_type: str, headers: Mapping[str, str]
    ) -> Notification:
        """Verify the RSA2 sign over the sorted form fields (minus sign and sign_type), then normalize.

        Raises SignatureError for a missing/wrong sign, another sign_type, another app_id, a malformed body,
        missing fields or an invalid amount.
        """
        fields = parse_form(body)
        sign = fields.get("sign", "")
        if not sign:
            raise SignatureError("缺少签名 sign")
        unsigned = {k: v for k, v in fields.items() if k != "sign"}
        try:
            # The SDK drops sign_type itself and refuses one other than RSA2.
            verified = self._client.verify(unsigned, sign)
        except AliPayException as exc:
            raise SignatureError(f"签名类型不支持：{exc}") from exc
        except Exception as exc:  # undecodable base64 and the like: forged either way
            raise SignatureError(f"签名无法校验：{exc}") from exc
        if not verified:
            raise SignatureError("签名不匹配")
        # A genuine notification for another app signed by the same Alipay key is still not ours.
        if fields.get("app_id") != self.app_id:
            raise SignatureError(f"app_id 不匹配：{fields.get('app_id')!r}")
        return notification_from_form(fields, paid_states=PAID_STATES)

    def ack(self, ok: bool) -> tuple[int, str, str]:
        return 200, "text/plain", "success" if ok else "failure"

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
        """alipay.trade.refund, idempotent on refund_no (out_request_no).

        Alipay issues no refund id of its own (a refund is known by trade + out_request_no), so
        gateway_refund_no is refund_no. A business refusal is RefundResult(ok=False); GatewayError when the
        gateway is unreachable or its answer is unsigned or forged.
        """
        refund_amount = fen_to_yuan(amount_fen)
        try:
            response = self._client.api_alipay_trade_refund(
                refund_amount=refund_amount,
                out_trade_no=payment_no,
                trade_no=gateway_trade_no or None,
                out_request_no=refund_no,
                refund_reason=reason[:256],
            )
        except AliPayValidationError as exc:
            raise GatewayError("支付宝退款应答验签失败") from exc
        except AliPayException as exc:
            raise GatewayError(f"支付宝退款失败：{exc}") from exc
        except Exception as exc:  # URLError, timeouts, a garbled answer: all "could not talk to Alipay"
            raise GatewayError(f"支付宝退款请求失败：{exc}") from exc
        if response.get("code") == "10000":
            return RefundResult(ok=True, gateway_refund_no=refund_no, message=response.get("msg", ""))
        message = response.get("sub_msg") or response.get("msg") or "退款失败"
        return RefundResult(
            ok=False, message=f"{message}（{response.get('sub_code') or response.get('code')}）"
        )
