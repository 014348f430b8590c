"""WeChat Pay API v3 Native pay (微信支付 扫码): requests via wechatpayv3, notifications verified offline.

Config keys: MCH_ID, APP_ID, APIV3_KEY (32 characters), CERT_SERIAL_NO (our merchant certificate's serial),
PRIVATE_KEY_PATH (our apiclient_key.pem), and the key(s) WeChat Pay signs with — one or both of:

- PLATFORM_CERT_DIR: a directory of platform certificates (*.pem), the classic "certificate mode";
- PLATFORM_PUBLIC_KEY_PATH + PUBLIC_KEY_ID: the WeChat Pay public key (pub_key.pem) and its id
  ("PUB_KEY_ID_…"), the "public-key mode" of merchants onboarded since 2024.

Why notifications are not verified by the SDK: `wechatpayv3.WeChatPay(...)` in certificate mode downloads
platform certificates (GET /v3/certificates) in its constructor when the directory holds no valid one, and
again whenever it meets an unknown serial; it also never checks the timestamp. So the SDK client is built
lazily and used only by create_payment and refund (which talk to WeChat anyway), while construction and
parse_notification use `cryptography` with the keys on disk and never touch the network.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpayv3 import WeChatPay, WeChatPayType

from .base import (
    Gateway,
    GatewayError,
    Notification,
    PaymentAction,
    RefundResult,
    SignatureError,
    header,
    require_positive_fen,
)

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
MAX_CLOCK_SKEW_SECONDS = 300
_SERIAL_RE = re.compile(r"[0-9A-Fa-f]{1,64}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")


class WechatGateway(Gateway):
    code = "wechat"
    name = "微信支付"
    required_keys = ("MCH_ID", "APP_ID", "APIV3_KEY", "CERT_SERIAL_NO", "PRIVATE_KEY_PATH")

    @classmethod
    def is_configured(cls, config: Mapping[str, Any] | None) -> bool:
        return super().is_configured(config) and _has_platform_keys(config or {})

    def __init__(self, config: Mapping[str, Any]):
        """Load our private key and WeChat Pay's verifying keys from disk. Offline.

        Raises GatewayError when a key is missing or unreadable, or the APIv3 key is not 32 bytes.
        """
        config = self._require_config(config)
        if not _has_platform_keys(config):
            raise GatewayError(
                f"未配置{self.name}：缺少 PLATFORM_CERT_DIR 或 PLATFORM_PUBLIC_KEY_PATH + PUBLIC_KEY_ID"
            )
        self.mch_id = str(config["MCH_ID"])
        self.app_id = str(config["APP_ID"])
        self.cert_serial_no = str(config["CERT_SERIAL_NO"])
        self._apiv3_key = str(config["APIV3_KEY"]).encode()
        if len(self._apiv3_key) != 32:
            raise GatewayError("微信支付 APIv3 密钥必须是 32 个字符")
        self._private_key = _load_private_key(config["PRIVATE_KEY_PATH"])
        self._cert_dir = str(config.get("PLATFORM_CERT_DIR") or "")
        self._certificates = _load_certificates(self._cert_dir) if self._cert_dir else {}
        self._public_key_id = str(config.get("PUBLIC_KEY_ID") or "")
        self._public_key = (
            _load_public_key(config["PLATFORM_PUBLIC_KEY_PATH"])
            if self._public_key_id and config.get("PLATFORM_PUBLIC_KEY_PATH")
            else None
        )
        self._client: WeChatPay | None = None

    def _sdk(self) -> WeChatPay:
        """The wechatpayv3 client, built on first use (its constructor may go to the network)."""
        if self._client is None:
            keys: dict[str, str] = {}
            if self._public_key is not None:
                keys = {"public_key": _public_pem(self._public_key), "public_key_id": self._public_key_id}
            try:
                self._client = WeChatPay(
                    wechatpay_type=WeChatPayType.NATIVE,
                    mchid=self.mch_id,
                    private_key=self._private_key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,  # the SDK only accepts PKCS#8 PEM
                        serialization.NoEncryption(),
                    ).decode(),
                    cert_serial_no=self.cert_serial_no,
                    appid=self.app_id,
                    apiv3_key=self._apiv3_key.decode(),
                    cert_dir=self._cert_dir or None,
                    timeout=(5, 20),
                    **keys,
                )
            except Exception as exc:  # the SDK raises bare Exception (and requests errors) here
                raise GatewayError(f"微信支付初始化失败：{exc}") from exc
        return self._client

    def create_payment(
        self, *, payment_no: str, amount_fen: int, subject: str, return_url: str, notify_url: str
    ) -> PaymentAction:
        """Native pay: a code_url for the cashier to render as a QR code.

        Raises GatewayError when WeChat is unreachable, refuses, or answers without a valid signature;
        ValueError for a non-positive amount.
        """
        require_positive_fen(amount_fen)
        try:
            status, text = self._sdk().pay(
                description=subject[:127],
                out_trade_no=payment_no,
                amount={"total": amount_fen, "currency": "CNY"},
                notify_url=notify_url,
                pay_type=WeChatPayType.NATIVE,
            )
        except GatewayError:
            raise
        except Exception as exc:
            raise GatewayError(f"微信支付下单失败：{exc}") from exc
        data = _json_or_empty(text)
        if status != 200 or not data.get("code_url"):
            raise GatewayError(f"微信支付下单失败：{data.get('message') or status}")
        return PaymentAction(kind="qrcode", code_url=data["code_url"])

    def parse_notification(
        self, *, body: bytes, content_type: str, headers: Mapping[str, str]
    ) -> Notification:
        """Verify Wechatpay-Signature, then decrypt and normalize the resource.

        Raises SignatureError for missing headers, another signature type, an unknown or expired serial,
        a timestamp more than 5 minutes off, a bad signature, failed decryption, another mchid/appid or
        missing fields.
        """
        self._verify_signature(body, headers)
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
        except (ValueError, TypeError, KeyError) as exc:
            raise SignatureError(f"通知格式无效：{exc}") from exc
        if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise SignatureError("通知加密算法不支持")
        try:
            plaintext = AESGCM(self._apiv3_key).decrypt(
                str(resource["nonce"]).encode(),
                base64.b64decode(str(resource["ciphertext"]), validate=True),
                str(resource.get("associated_data") or "").encode(),
            )
            data = json.loads(plaintext)
        except InvalidTag as exc:
            raise SignatureError("通知解密失败：密文或 APIv3 密钥不符") from exc
        except (KeyError, ValueError, binascii.Error) as exc:  # includes a nonce of the wrong length
            raise SignatureError(f"通知解密失败：{exc}") from exc
        if not isinstance(data, dict):
            raise SignatureError("通知内容无效")
        # Signed by WeChat but meant for another merchant or app: not ours to apply.
        if data.get("mchid") != self.mch_id or data.get("appid") != self.app_id:
            raise SignatureError(f"mchid/appid 不匹配：{data.get('mchid')!r}/{data.get('appid')!r}")
        try:
            amount = data["amount"]
            total = amount["total"]
            payment_no, trade_no, state = data["out_trade_no"], data["transaction_id"], data["trade_state"]
        except (KeyError, TypeError) as exc:
            raise SignatureError(f"通知缺少字段 {exc}") from exc
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise SignatureError(f"通知金额无效：{total!r}")
        if amount.get("currency", "CNY") != "CNY":
            raise SignatureError(f"通知币种不支持：{amount.get('currency')!r}")
        return Notification(
            payment_no=payment_no,
            gateway_trade_no=trade_no,
            amount_fen=total,  # WeChat Pay amounts are already integer fen
            paid=state == "SUCCESS",
            raw={**envelope, "resource": data},
        )

    def _verify_signature(self, body: bytes, headers: Mapping[str, str]) -> None:
        signature = header(headers, "Wechatpay-Signature")
        timestamp = header(headers, "Wechatpay-Timestamp")
        nonce = header(headers, "Wechatpay-Nonce")
        serial = header(headers, "Wechatpay-Serial")
        if not (signature and timestamp and nonce and serial):
            raise SignatureError("缺少 Wechatpay-Signature/Timestamp/Nonce/Serial 头")
        signature_type = header(headers, "Wechatpay-Signature-Type")
        if signature_type and signature_type != SIGNATURE_TYPE:
            raise SignatureError(f"签名类型不支持：{signature_type}")
        if not _TIMESTAMP_RE.fullmatch(timestamp):
            raise SignatureError(f"时间戳无效：{timestamp!r}")
        if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            raise SignatureError(f"时间戳超出 5 分钟：{timestamp}")
        public_key = self._verifying_key(serial)
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SignatureError("签名不是有效的 base64") from exc
        message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
        try:
            public_key.verify(raw_signature, message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise SignatureError("签名不匹配") from exc

    def _verifying_key(self, serial: str) -> rsa.RSAPublicKey:
        if self._public_key is not None and serial == self._public_key_id:
            return self._public_key
        certificate = self._certificates.get(int(serial, 16)) if _SERIAL_RE.fullmatch(serial) else None
        if certificate is None:
            raise SignatureError(f"未知的平台证书序列号：{serial}")
        now = datetime.now(UTC)
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise SignatureError(f"平台证书不在有效期内：{serial}")
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError(f"平台证书不是 RSA 证书：{serial}")
        return key

    def ack(self, ok: bool) -> tuple[int, str, str]:
        if ok:
            return (
                200,
                "application/json",
                json.dumps({"code": "SUCCESS", "message": "成功"}, ensure_ascii=False),
            )
        return 400, "application/json", json.dumps({"code": "FAIL", "message": "失败"}, ensure_ascii=False)

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
        """POST /v3/refund/domestic/refunds, idempotent on refund_no (out_refund_no).

        WeChat refunds are asynchronous: an accepted refund (SUCCESS or PROCESSING) is ok=True. A refusal
        is RefundResult(ok=False); GatewayError when WeChat is unreachable or the answer is unsigned.
        """
        try:
            status, text = self._sdk().refund(
                out_refund_no=refund_no,
                amount={"refund": amount_fen, "total": total_fen, "currency": "CNY"},
                transaction_id=gateway_trade_no or None,
                out_trade_no=payment_no,
                reason=reason[:80] or None,
            )
        except GatewayError:
            raise
        except Exception as exc:
            raise GatewayError(f"微信支付退款请求失败：{exc}") from exc
        data = _json_or_empty(text)
        if status == 200 and data.get("status") in ("SUCCESS", "PROCESSING"):
            return RefundResult(
                ok=True, gateway_refund_no=str(data.get("refund_id", "")), message=data["status"]
            )
        message = data.get("message") or data.get("status") or f"HTTP {status}"
        return RefundResult(ok=False, message=f"{message}（{data.get('code', status)}）")


def _has_platform_keys(config: Mapping[str, Any]) -> bool:
    return bool(config.get("PLATFORM_CERT_DIR")) or bool(
        config.get("PLATFORM_PUBLIC_KEY_PATH") and config.get("PUBLIC_KEY_ID")
    )


def _read_bytes(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise GatewayError(f"无法读取{what}：{exc}") from exc


def _load_private_key(path: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(_read_bytes(path, "微信支付商户私钥"), password=None)
    except (ValueError, TypeError) as exc:
        raise GatewayError(f"微信支付商户私钥无效：{exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise GatewayError("微信支付商户私钥不是 RSA 私钥")
    return key


def _load_public_key(path: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(_read_bytes(path, "微信支付公钥"))
    except (ValueError, TypeError) as exc:
        raise GatewayError(f"微信支付公钥无效：{exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise GatewayError("微信支付公钥不是 RSA 公钥")
    return key


def _public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _load_certificates(directory: str) -> dict[int, x509.Certificate]:
    """Platform certificates by serial number. Unparsable files are skipped, as the SDK does; a missing
    directory is empty (the SDK creates it when it first downloads certificates)."""
    certificates: dict[int, x509.Certificate] = {}
    folder = Path(directory)
    if not folder.is_dir():
        return certificates
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".pem":
            continue
        try:
            certificate = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError):
            continue
        certificates[certificate.serial_number] = certificate
    return certificates


def _json_or_empty(text: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}
