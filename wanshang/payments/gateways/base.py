"""The gateway interface the payment services call, plus the helpers every adapter shares.

Money is integer fen everywhere; `fen_to_yuan` / `yuan_to_fen` are the only places it meets yuan text,
and only at the gateway edge. Nothing here touches Django.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qsl


class GatewayError(Exception):
    """A network or configuration problem talking to the gateway."""


class SignatureError(GatewayError):
    """A forged, unverifiable or unusable notification. The message says why."""


@dataclass(frozen=True)
class PaymentAction:
    """What the cashier page shows: a page to open, a QR code to render, or the sandbox cashier."""

    kind: str  # "redirect" | "qrcode" | "sandbox"
    url: str = ""
    code_url: str = ""


@dataclass(frozen=True)
class Notification:
    """A verified asynchronous payment notification, normalized."""

    payment_no: str  # our out_trade_no
    gateway_trade_no: str
    amount_fen: int
    paid: bool  # True only for a successful payment state
    raw: dict = field(repr=False)


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    gateway_refund_no: str = ""
    message: str = ""


class Gateway(abc.ABC):
    """One payment channel. Built from a plain config dict; see each adapter for its keys."""

    code: ClassVar[str]
    name: ClassVar[str]
    required_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def is_configured(cls, config: Mapping[str, Any] | None) -> bool:
        """True when every key the adapter needs is set (non-empty)."""
        return bool(config) and all(config.get(key) for key in cls.required_keys)

    @classmethod
    def _require_config(cls, config: Mapping[str, Any] | None) -> Mapping[str, Any]:
        config = config or {}
        missing = [key for key in cls.required_keys if not config.get(key)]
        if missing:
            raise GatewayError(f"未配置{cls.name}：缺少 {', '.join(missing)}")
        return config

    @abc.abstractmethod
    def create_payment(
        self, *, payment_no: str, amount_fen: int, subject: str, return_url: str, notify_url: str
    ) -> PaymentAction:
        """Start a payment. Raises GatewayError when the gateway cannot be reached or refuses."""

    @abc.abstractmethod
    def parse_notification(
        self, *, body: bytes, content_type: str, headers: Mapping[str, str]
    ) -> Notification:
        """Verify the signature first, then normalize. Raises SignatureError on any failure."""

    @abc.abstractmethod
    def ack(self, ok: bool) -> tuple[int, str, str]:
        """(http status, content type, body) to answer the gateway's notification with."""

    @abc.abstractmethod
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
        """Refund part or all of a payment. A refusal is RefundResult(ok=False); GatewayError if unreachable."""


_YUAN_RE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")


def fen_to_yuan(fen: int) -> str:
    """12345 -> "123.45". Raises ValueError for anything but a non-negative int."""
    if not isinstance(fen, int) or isinstance(fen, bool) or fen < 0:
        raise ValueError(f"amount must be a non-negative int of fen, got {fen!r}")
    return f"{fen // 100}.{fen % 100:02d}"


def require_positive_fen(amount_fen: int) -> int:
    """The amount of a new payment. Raises ValueError unless it is an int of at least 1 fen."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValueError(f"amount must be a positive int of fen, got {amount_fen!r}")
    return amount_fen


def yuan_to_fen(text: str) -> int:
    """Parse a gateway's yuan amount ("0.01", "19.9", "123456.78") into fen, exactly.

    Strict on purpose: no signs, exponents, separators or more than two decimals.
    Raises ValueError otherwise.
    """
    if not isinstance(text, str) or not _YUAN_RE.fullmatch(text):
        raise ValueError(f"not a yuan amount: {text!r}")
    return int(Decimal(text) * 100)


def header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup that also understands Django's META keys (HTTP_X_Y)."""
    wanted = name.lower()
    meta = "HTTP_" + name.upper().replace("-", "_")
    for key, value in headers.items():
        if key.lower() == wanted or key == meta:
            return value
    return ""


def parse_form(body: bytes) -> dict[str, str]:
    """Decode a UTF-8 urlencoded body. Raises SignatureError if undecodable or a key repeats (ambiguous)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SignatureError(f"通知格式无效：{exc}") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise SignatureError("通知含重复字段")
    return fields


def notification_from_form(fields: dict[str, str], *, paid_states: set[str] | frozenset[str]) -> Notification:
    """Map Alipay-style form fields (out_trade_no, trade_no, total_amount in yuan, trade_status).

    Raises SignatureError for a missing field or a malformed amount: such a notification is unusable.
    """
    try:
        return Notification(
            payment_no=fields["out_trade_no"],
            gateway_trade_no=fields["trade_no"],
            amount_fen=yuan_to_fen(fields["total_amount"]),
            paid=fields["trade_status"] in paid_states,
            raw=dict(fields),
        )
    except KeyError as exc:
        raise SignatureError(f"通知缺少字段 {exc.args[0]}") from exc
    except ValueError as exc:
        raise SignatureError(f"通知金额无效：{exc}") from exc
