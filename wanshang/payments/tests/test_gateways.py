"""Gateway adapters, pure: no database, no network. Keys are generated here; this file plays Alipay and WeChat Pay
(signing notifications and answers) so the adapters' verification is tested against the real algorithms."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import time
import urllib.error
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import alipay as alipay_sdk
import pytest
import requests
import wechatpayv3
import wechatpayv3.core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from wanshang.payments import gateways
from wanshang.payments.gateways import (
    AlipayGateway,
    GatewayError,
    Notification,
    PaymentAction,
    SandboxGateway,
    SignatureError,
    WechatGateway,
    fen_to_yuan,
    yuan_to_fen,
)
from wanshang.payments.gateways.alipay import PRODUCTION_URL, SANDBOX_URL

# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to resolve or connect fails the test loudly."""

    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted in a pure test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    """One key pair per role, generated once (2048-bit generation is the slow part of this file)."""
    return {role: _rsa() for role in ("app", "alipay", "intruder", "merchant", "platform", "wxpub")}


def private_pem(key: rsa.RSAPrivateKey, fmt=serialization.PrivateFormat.PKCS8) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# ------------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        ("0.01", 1),
        ("0.10", 10),
        ("0.1", 10),
        ("1", 100),
        ("19.90", 1990),
        ("19.9", 1990),
        ("123456.78", 12345678),
        ("0.00", 0),
        ("99999999.99", 9999999999),
    ],
)
def test_yuan_to_fen_is_exact(yuan, fen):
    assert yuan_to_fen(yuan) == fen
    assert isinstance(yuan_to_fen(yuan), int)


@pytest.mark.parametrize(
    ("fen", "yuan"), [(1, "0.01"), (1990, "19.90"), (12345678, "123456.78"), (0, "0.00"), (100, "1.00")]
)
def test_fen_to_yuan_round_trips(fen, yuan):
    assert fen_to_yuan(fen) == yuan
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


def test_every_small_amount_round_trips():
    for fen in range(0, 100_000, 7):
        assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize(
    "bad",
    ["", "0.001", "-1.00", "+1", "1e2", "1,000.00", "01.00", "1.", ".5", " 1.00", "NaN", "Infinity", "¥1"],
)
def test_yuan_to_fen_refuses_anything_but_plain_yuan(bad):
    with pytest.raises(ValueError):
        yuan_to_fen(bad)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "100", None])
def test_fen_to_yuan_refuses_non_fen(bad):
    with pytest.raises(ValueError):
        fen_to_yuan(bad)


# ---------------------------------------------------------------------------------------------- sandbox


@pytest.fixture
def sandbox() -> SandboxGateway:
    return SandboxGateway({"SECRET": "sandbox-secret"})


def test_sandbox_round_trip(sandbox):
    body = sandbox.build_notification("P20260101000001", 12345678)
    note = sandbox.parse_notification(body=body, content_type="application/x-www-form-urlencoded", headers={})
    assert note == Notification(
        payment_no="P20260101000001",
        gateway_trade_no=note.gateway_trade_no,
        amount_fen=12345678,
        paid=True,
        raw=note.raw,
    )
    assert note.gateway_trade_no.startswith("SBX")
    # Repeats of a payment carry the same trade no, like a real gateway retrying.
    assert (
        sandbox.parse_notification(body=body, content_type="", headers={}).gateway_trade_no
        == note.gateway_trade_no
    )


def test_sandbox_explicit_trade_no_and_unpaid_status(sandbox):
    body = sandbox.build_notification("P1", 1, gateway_trade_no="T-9", status="CLOSED")
    note = sandbox.parse_notification(body=body, content_type="", headers={})
    assert (note.gateway_trade_no, note.amount_fen, note.paid) == ("T-9", 1, False)


def test_sandbox_refuses_a_tampered_amount(sandbox):
    body = sandbox.build_notification("P1", 100)
    forged = body.replace(b"total_amount=1.00", b"total_amount=0.01")
    assert forged != body
    with pytest.raises(SignatureError, match="签名不匹配"):
        sandbox.parse_notification(body=forged, content_type="", headers={})


def test_sandbox_refuses_another_secret_and_missing_sign(sandbox):
    body = SandboxGateway({"SECRET": "guessed"}).build_notification("P1", 100)
    with pytest.raises(SignatureError):
        sandbox.parse_notification(body=body, content_type="", headers={})
    unsigned = urlencode({k: v for k, v in parse_qsl(body.decode()) if k != "sign"}).encode()
    with pytest.raises(SignatureError, match="缺少签名"):
        sandbox.parse_notification(body=unsigned, content_type="", headers={})


def test_sandbox_refuses_duplicate_fields_and_garbage(sandbox):
    body = sandbox.build_notification("P1", 100)
    with pytest.raises(SignatureError, match="重复"):
        sandbox.parse_notification(body=body + b"&total_amount=0.01", content_type="", headers={})
    with pytest.raises(SignatureError):
        sandbox.parse_notification(body=b"\xff\xfe", content_type="", headers={})


def test_sandbox_create_ack_refund(sandbox):
    action = sandbox.create_payment(
        payment_no="P1", amount_fen=100, subject="s", return_url="/r", notify_url="/n"
    )
    assert action == PaymentAction(kind="sandbox")
    assert sandbox.ack(True) == (200, "text/plain", "success")
    assert sandbox.ack(False) == (200, "text/plain", "fail")
    first = sandbox.refund(
        payment_no="P1", gateway_trade_no="T", refund_no="R1", amount_fen=50, total_fen=100, reason=""
    )
    again = sandbox.refund(
        payment_no="P1", gateway_trade_no="T", refund_no="R1", amount_fen=50, total_fen=100, reason=""
    )
    other = sandbox.refund(
        payment_no="P1", gateway_trade_no="T", refund_no="R2", amount_fen=50, total_fen=100, reason=""
    )
    assert first.ok and first.gateway_refund_no == again.gateway_refund_no != other.gateway_refund_no
    assert not sandbox.refund(
        payment_no="P1", gateway_trade_no="T", refund_no="R3", amount_fen=101, total_fen=100, reason=""
    ).ok


def test_sandbox_needs_a_secret():
    with pytest.raises(GatewayError, match="未配置"):
        SandboxGateway({"SECRET": ""})


# ----------------------------------------------------------------------------------------------- alipay

ALIPAY_APP_ID = "2021000000000001"


@pytest.fixture
def alipay_config(tmp_path, keys) -> dict[str, Any]:
    return {
        "APP_ID": ALIPAY_APP_ID,
        # Alipay's key tool hands out PKCS#1 private keys; the SDK reads either.
        "APP_PRIVATE_KEY_PATH": write(
            tmp_path / "app_private.pem",
            private_pem(keys["app"], serialization.PrivateFormat.TraditionalOpenSSL),
        ),
        "ALIPAY_PUBLIC_KEY_PATH": write(tmp_path / "alipay_public.pem", public_pem(keys["alipay"])),
        "SANDBOX": True,
    }


@pytest.fixture
def alipay_gw(alipay_config) -> AlipayGateway:
    return AlipayGateway(alipay_config)


def alipay_fields(**overrides: str) -> dict[str, str]:
    fields = {
        "gmt_create": "2026-01-01 12:00:00",
        "charset": "utf-8",
        "seller_email": "seller@example.com",
        "subject": "万商订单 P20260101000001",
        "buyer_id": "2088102177846880",
        "invoice_amount": "123456.78",
        "notify_id": "2026010100222120000012345678",
        "fund_bill_list": '[{"amount":"123456.78","fundChannel":"ALIPAYACCOUNT"}]',
        "notify_type": "trade_status_sync",
        "trade_status": "TRADE_SUCCESS",
        "receipt_amount": "123456.78",
        "app_id": ALIPAY_APP_ID,
        "buyer_pay_amount": "123456.78",
        "notify_time": "2026-01-01 12:00:05",
        "point_amount": "0.00",
        "total_amount": "123456.78",
        "seller_id": "2088102177649450",
        "trade_no": "2026010122001446880500001234",
        "auth_app_id": ALIPAY_APP_ID,
        "buyer_logon_id": "abc***@example.com",
        "out_trade_no": "P20260101000001",
        "version": "1.0",
        "passback_params": "",  # blank values take part in the signature too
    }
    fields.update(overrides)
    return fields


def alipay_notification(key: rsa.RSAPrivateKey, fields: dict[str, str], sign_type: str = "RSA2") -> bytes:
    """What Alipay posts: RSA2 over the sorted k=v pairs, sign and sign_type excluded, values not encoded."""
    unsigned = "&".join(f"{k}={fields[k]}" for k in sorted(fields))
    return urlencode({**fields, "sign_type": sign_type, "sign": rsa_sign(key, unsigned.encode())}).encode()


def parse_alipay(gw: AlipayGateway, body: bytes) -> Notification:
    return gw.parse_notification(
        body=body, content_type="application/x-www-form-urlencoded; charset=utf-8", headers={}
    )


def test_alipay_genuine_notification(alipay_gw, keys):
    note = parse_alipay(alipay_gw, alipay_notification(keys["alipay"], alipay_fields()))
    assert note.payment_no == "P20260101000001"
    assert note.gateway_trade_no == "2026010122001446880500001234"
    assert note.amount_fen == 12345678
    assert note.paid is True
    assert note.raw["subject"] == "万商订单 P20260101000001"


@pytest.mark.parametrize(
    ("status", "paid"),
    [("TRADE_SUCCESS", True), ("TRADE_FINISHED", True), ("WAIT_BUYER_PAY", False), ("TRADE_CLOSED", False)],
)
def test_alipay_paid_states(alipay_gw, keys, status, paid):
    body = alipay_notification(keys["alipay"], alipay_fields(trade_status=status, total_amount="0.01"))
    note = parse_alipay(alipay_gw, body)
    assert (note.paid, note.amount_fen) == (paid, 1)


def test_alipay_refuses_tampered_amount(alipay_gw, keys):
    body = alipay_notification(keys["alipay"], alipay_fields(total_amount="19.90"))
    forged = body.replace(b"total_amount=19.90", b"total_amount=0.01")
    assert forged != body
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_alipay(alipay_gw, forged)


def test_alipay_refuses_wrong_key(alipay_gw, keys):
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_alipay(alipay_gw, alipay_notification(keys["intruder"], alipay_fields()))


def test_alipay_refuses_missing_or_garbage_sign(alipay_gw, keys):
    fields = alipay_fields()
    with pytest.raises(SignatureError, match="缺少签名"):
        parse_alipay(alipay_gw, urlencode({**fields, "sign_type": "RSA2"}).encode())
    with pytest.raises(SignatureError, match="缺少签名"):
        parse_alipay(alipay_gw, urlencode({**fields, "sign_type": "RSA2", "sign": ""}).encode())
    with pytest.raises(SignatureError):
        parse_alipay(alipay_gw, urlencode({**fields, "sign_type": "RSA2", "sign": "not-base64!!"}).encode())
    with pytest.raises(SignatureError):
        parse_alipay(alipay_gw, b"")


def test_alipay_refuses_other_sign_type(alipay_gw, keys):
    with pytest.raises(SignatureError, match="签名类型"):
        parse_alipay(alipay_gw, alipay_notification(keys["alipay"], alipay_fields(), sign_type="RSA"))


def test_alipay_refuses_notification_for_another_app(alipay_gw, keys):
    body = alipay_notification(keys["alipay"], alipay_fields(app_id="2021000000009999"))
    with pytest.raises(SignatureError, match="app_id"):
        parse_alipay(alipay_gw, body)


def test_alipay_refuses_signed_but_invalid_amount_or_missing_field(alipay_gw, keys):
    with pytest.raises(SignatureError, match="金额"):
        parse_alipay(alipay_gw, alipay_notification(keys["alipay"], alipay_fields(total_amount="1.005")))
    fields = alipay_fields()
    del fields["trade_no"]
    with pytest.raises(SignatureError, match="trade_no"):
        parse_alipay(alipay_gw, alipay_notification(keys["alipay"], fields))


def test_alipay_refuses_a_smuggled_second_field(alipay_gw, keys):
    body = alipay_notification(keys["alipay"], alipay_fields(total_amount="19.90"))
    with pytest.raises(SignatureError, match="重复"):
        parse_alipay(alipay_gw, body + b"&total_amount=0.01")


def test_alipay_create_payment_builds_a_signed_page_pay_url(alipay_gw, keys):
    action = alipay_gw.create_payment(
        payment_no="P20260101000001",
        amount_fen=1990,
        subject="万商订单",
        return_url="https://shop.example.com/pay/return",
        notify_url="https://shop.example.com/api/payments/notify/alipay",
    )
    assert action.kind == "redirect"
    assert action.url.startswith(SANDBOX_URL + "?")
    params = dict(parse_qsl(urlsplit(action.url).query, keep_blank_values=True))
    assert params["method"] == "alipay.trade.page.pay"
    assert params["app_id"] == ALIPAY_APP_ID
    assert params["sign_type"] == "RSA2"
    assert params["notify_url"] == "https://shop.example.com/api/payments/notify/alipay"
    biz = json.loads(params["biz_content"])
    assert biz == {
        "subject": "万商订单",
        "out_trade_no": "P20260101000001",
        "total_amount": "19.90",
        "product_code": "FAST_INSTANT_TRADE_PAY",
    }
    # Alipay would accept it: the sign verifies with our app public key over the sorted params.
    sign = base64.b64decode(params.pop("sign"))
    unsigned = "&".join(f"{k}={params[k]}" for k in sorted(params))
    keys["app"].public_key().verify(sign, unsigned.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_alipay_production_url(alipay_config):
    gw = AlipayGateway({**alipay_config, "SANDBOX": False})
    url = gw.create_payment(payment_no="P1", amount_fen=1, subject="s", return_url="", notify_url="").url
    assert url.startswith(PRODUCTION_URL + "?")
    assert "notify_url" not in dict(parse_qsl(urlsplit(url).query))


def test_alipay_ack(alipay_gw):
    assert alipay_gw.ack(True) == (200, "text/plain", "success")
    assert alipay_gw.ack(False) == (200, "text/plain", "failure")


def test_alipay_config_errors(alipay_config, tmp_path, keys):
    with pytest.raises(GatewayError, match="未配置支付宝"):
        AlipayGateway({**alipay_config, "APP_ID": ""})
    with pytest.raises(GatewayError, match="无法读取"):
        AlipayGateway({**alipay_config, "APP_PRIVATE_KEY_PATH": str(tmp_path / "missing.pem")})
    with pytest.raises(GatewayError, match="密钥无效"):
        AlipayGateway({**alipay_config, "ALIPAY_PUBLIC_KEY_PATH": write(tmp_path / "junk.pem", b"junk")})
    with pytest.raises(GatewayError, match="公钥"):
        AlipayGateway(
            {**alipay_config, "APP_PRIVATE_KEY_PATH": write(tmp_path / "pub.pem", public_pem(keys["app"]))}
        )


class FakeUrlopen:
    """Stands in for alipay's urlopen: records the request URL, answers like Alipay (signed JSON)."""

    def __init__(self, key: rsa.RSAPrivateKey | None, response: dict[str, Any] | Exception):
        self.key, self.response, self.urls = key, response, []

    def __call__(self, url: str, timeout: float | None = None):
        self.urls.append(url)
        if isinstance(self.response, Exception):
            raise self.response
        inner = json.dumps(self.response, ensure_ascii=False, separators=(",", ":"))
        raw = '{"alipay_trade_refund_response":' + inner
        if self.key is not None:
            raw += ',"sign":"' + rsa_sign(self.key, inner.encode()) + '"'
        raw += "}"

        class Answer:
            def read(self_inner) -> bytes:
                return raw.encode()

        return Answer()

    def biz(self) -> dict[str, Any]:
        return json.loads(dict(parse_qsl(urlsplit(self.urls[-1]).query))["biz_content"])


def refund_alipay(gw: AlipayGateway):
    return gw.refund(
        payment_no="P20260101000001",
        gateway_trade_no="2026010122001446880500001234",
        refund_no="G20260102000001",
        amount_fen=1990,
        total_fen=12345678,
        reason="七天无理由",
    )


def test_alipay_refund_request_and_success(alipay_gw, keys, monkeypatch):
    fake = FakeUrlopen(
        keys["alipay"],
        {
            "code": "10000",
            "msg": "Success",
            "trade_no": "2026010122001446880500001234",
            "out_trade_no": "P20260101000001",
            "refund_fee": "19.90",
            "fund_change": "Y",
        },
    )
    monkeypatch.setattr(alipay_sdk, "urlopen", fake)
    result = refund_alipay(alipay_gw)
    assert result.ok and result.gateway_refund_no == "G20260102000001"
    assert fake.urls[0].startswith(SANDBOX_URL + "?")
    assert fake.biz() == {
        "refund_amount": "19.90",
        "out_trade_no": "P20260101000001",
        "trade_no": "2026010122001446880500001234",
        "out_request_no": "G20260102000001",
        "refund_reason": "七天无理由",
    }


def test_alipay_refund_refused(alipay_gw, keys, monkeypatch):
    monkeypatch.setattr(
        alipay_sdk,
        "urlopen",
        FakeUrlopen(
            keys["alipay"],
            {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "ACQ.TRADE_NOT_EXIST",
                "sub_msg": "交易不存在",
            },
        ),
    )
    result = refund_alipay(alipay_gw)
    assert not result.ok and "交易不存在" in result.message


@pytest.mark.parametrize(
    ("signer", "response"),
    [
        ("intruder", {"code": "10000", "msg": "Success"}),  # forged answer
        (
            None,
            {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-app-id"},
        ),  # unsigned answer
        ("alipay", urllib.error.URLError("timed out")),
    ],
)
def test_alipay_refund_gateway_errors(alipay_gw, keys, monkeypatch, signer, response):
    monkeypatch.setattr(alipay_sdk, "urlopen", FakeUrlopen(keys[signer] if signer else None, response))
    with pytest.raises(GatewayError):
        refund_alipay(alipay_gw)


# ----------------------------------------------------------------------------------------------- wechat

WX_MCH_ID = "1900000109"
WX_APP_ID = "wxd678efh567hg6787"
WX_APIV3_KEY = "0123456789abcdefABCDEF0123456789"
WX_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
WX_PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092025010100000000000001"


def platform_certificate(key: rsa.RSAPrivateKey, serial: str, *, expired: bool = False) -> bytes:
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=400), now - dt.timedelta(days=35))
        if expired
        else (now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(serial, 16))
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def wx_config(tmp_path, keys) -> dict[str, Any]:
    cert_dir = tmp_path / "wechat_certs"
    cert_dir.mkdir()
    write(cert_dir / f"{WX_SERIAL}.pem", platform_certificate(keys["platform"], WX_SERIAL))
    return {
        "MCH_ID": WX_MCH_ID,
        "APP_ID": WX_APP_ID,
        "APIV3_KEY": WX_APIV3_KEY,
        "CERT_SERIAL_NO": "444F4864EA9B34415ABCDEF0123456789ABCDEF0",
        "PRIVATE_KEY_PATH": write(tmp_path / "apiclient_key.pem", private_pem(keys["merchant"])),
        "PLATFORM_CERT_DIR": str(cert_dir),
    }


@pytest.fixture
def wx_gw(wx_config) -> WechatGateway:
    return WechatGateway(wx_config)


def wx_transaction(**overrides: Any) -> dict[str, Any]:
    resource = {
        "mchid": WX_MCH_ID,
        "appid": WX_APP_ID,
        "out_trade_no": "P20260101000001",
        "transaction_id": "4200000000202601010000000001",
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": "",
        "success_time": "2026-01-01T12:00:05+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": 12345678, "payer_total": 12345678, "currency": "CNY", "payer_currency": "CNY"},
    }
    resource.update(overrides)
    return resource


def wx_envelope(resource: dict[str, Any], apiv3_key: str = WX_APIV3_KEY) -> bytes:
    nonce, associated = "fdasflkja484", "transaction"
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated.encode()
    )
    envelope = {
        "id": "EV-2026010112000512345",
        "create_time": "2026-01-01T12:00:05+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated,
            "nonce": nonce,
        },
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def wx_headers(
    key: rsa.RSAPrivateKey,
    body: bytes,
    *,
    serial: str = WX_SERIAL,
    timestamp: int | None = None,
    nonce: str = "9F4D2A6B1C8E",
) -> dict[str, str]:
    """What WeChat Pay sends: RSA-SHA256 over "timestamp\\nnonce\\nbody\\n"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        "Wechatpay-Signature": rsa_sign(key, ts.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"),
    }


def parse_wx(gw: WechatGateway, body: bytes, headers: dict[str, str]) -> Notification:
    return gw.parse_notification(body=body, content_type="application/json", headers=headers)


def test_wechat_genuine_notification(wx_gw, keys):
    body = wx_envelope(wx_transaction())
    note = parse_wx(wx_gw, body, wx_headers(keys["platform"], body))
    assert note.payment_no == "P20260101000001"
    assert note.gateway_trade_no == "4200000000202601010000000001"
    assert note.amount_fen == 12345678
    assert note.paid is True
    assert note.raw["event_type"] == "TRANSACTION.SUCCESS"
    assert note.raw["resource"]["payer"]["openid"] == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def test_wechat_unpaid_state(wx_gw, keys):
    body = wx_envelope(wx_transaction(trade_state="NOTPAY", amount={"total": 1, "currency": "CNY"}))
    note = parse_wx(wx_gw, body, wx_headers(keys["platform"], body))
    assert (note.paid, note.amount_fen) == (False, 1)


@pytest.mark.parametrize("style", ["lower", "django_meta"])
def test_wechat_header_spellings(wx_gw, keys, style):
    body = wx_envelope(wx_transaction())
    headers = wx_headers(keys["platform"], body)
    if style == "lower":
        headers = {k.lower(): v for k, v in headers.items()}
    else:
        headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    assert parse_wx(wx_gw, body, headers).amount_fen == 12345678


def test_wechat_refuses_tampered_body(wx_gw, keys):
    genuine = wx_envelope(wx_transaction(amount={"total": 1990, "currency": "CNY"}))
    headers = wx_headers(keys["platform"], genuine)
    # The amount is inside the ciphertext; swap in a ciphertext for a cheaper payment under the same signature.
    forged = wx_envelope(wx_transaction(amount={"total": 1, "currency": "CNY"}))
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_wx(wx_gw, forged, headers)
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_wx(wx_gw, genuine.replace("支付成功".encode(), "支付失败".encode()), headers)


def test_wechat_refuses_wrong_key(wx_gw, keys):
    body = wx_envelope(wx_transaction())
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_wx(wx_gw, body, wx_headers(keys["intruder"], body))


@pytest.mark.parametrize(
    "missing", ["Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial"]
)
def test_wechat_refuses_missing_header(wx_gw, keys, missing):
    body = wx_envelope(wx_transaction())
    headers = wx_headers(keys["platform"], body)
    del headers[missing]
    with pytest.raises(SignatureError, match="缺少"):
        parse_wx(wx_gw, body, headers)


def test_wechat_refuses_garbage_signature_and_other_type(wx_gw, keys):
    body = wx_envelope(wx_transaction())
    with pytest.raises(SignatureError, match="base64"):
        parse_wx(wx_gw, body, {**wx_headers(keys["platform"], body), "Wechatpay-Signature": "%%%"})
    with pytest.raises(SignatureError, match="签名类型"):
        parse_wx(
            wx_gw, body, {**wx_headers(keys["platform"], body), "Wechatpay-Signature-Type": "WECHATPAY2-SM2"}
        )


@pytest.mark.parametrize("serial", ["1234ABCD", "not-hex", WX_PUBLIC_KEY_ID])
def test_wechat_refuses_unknown_serial(wx_gw, keys, serial):
    body = wx_envelope(wx_transaction())
    with pytest.raises(SignatureError, match="未知的平台证书序列号"):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body, serial=serial))


# Well outside the 5-minute window: a loaded machine may spend seconds between signing and checking.
@pytest.mark.parametrize("offset", [-330, 330, -3600])
def test_wechat_refuses_stale_timestamp(wx_gw, keys, offset):
    body = wx_envelope(wx_transaction())
    headers = wx_headers(keys["platform"], body, timestamp=int(time.time()) + offset)
    with pytest.raises(SignatureError, match="时间戳"):
        parse_wx(wx_gw, body, headers)


def test_wechat_accepts_small_clock_skew(wx_gw, keys):
    body = wx_envelope(wx_transaction())
    assert parse_wx(wx_gw, body, wx_headers(keys["platform"], body, timestamp=int(time.time()) - 240)).paid


def test_wechat_refuses_expired_certificate(wx_config, keys, tmp_path):
    serial = "7E2B"
    write(
        Path(wx_config["PLATFORM_CERT_DIR"]) / "old.pem",
        platform_certificate(keys["intruder"], serial, expired=True),
    )
    body = wx_envelope(wx_transaction())
    with pytest.raises(SignatureError, match="有效期"):
        parse_wx(WechatGateway(wx_config), body, wx_headers(keys["intruder"], body, serial=serial))


def test_wechat_refuses_tampered_ciphertext(wx_gw, keys):
    envelope = json.loads(wx_envelope(wx_transaction()))
    raw = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    raw[10] ^= 0x01
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    body = json.dumps(envelope).encode()
    # Correctly signed, so only the GCM tag can catch it.
    with pytest.raises(SignatureError, match="解密失败"):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body))


def test_wechat_refuses_ciphertext_under_another_apiv3_key(wx_gw, keys):
    body = wx_envelope(wx_transaction(), apiv3_key="ffffffffffffffffffffffffffffffff")
    with pytest.raises(SignatureError, match="解密失败"):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body))


def test_wechat_refuses_tampered_associated_data(wx_gw, keys):
    envelope = json.loads(wx_envelope(wx_transaction()))
    envelope["resource"]["associated_data"] = "refund"
    body = json.dumps(envelope).encode()
    with pytest.raises(SignatureError, match="解密失败"):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body))


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"mchid": "1900000999"}, "mchid"),
        ({"appid": "wx0000000000000000"}, "appid"),
        ({"amount": {"total": "1.00", "currency": "CNY"}}, "金额"),
        ({"amount": {"total": 100, "currency": "USD"}}, "币种"),
        ({"transaction_id": None}, None),
    ],
)
def test_wechat_refuses_signed_but_unusable_resource(wx_gw, keys, overrides, match):
    resource = wx_transaction(**overrides)
    resource = {k: v for k, v in resource.items() if v is not None}
    body = wx_envelope(resource)
    with pytest.raises(SignatureError, match=match):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body))


def test_wechat_refuses_plaintext_resource(wx_gw, keys):
    body = json.dumps({"resource_type": "encrypt-resource", "resource": {"algorithm": "NONE"}}).encode()
    with pytest.raises(SignatureError, match="算法"):
        parse_wx(wx_gw, body, wx_headers(keys["platform"], body))


@pytest.fixture
def wx_pubkey_config(wx_config, tmp_path, keys) -> dict[str, Any]:
    return {
        **wx_config,
        "PLATFORM_CERT_DIR": "",
        "PLATFORM_PUBLIC_KEY_PATH": write(tmp_path / "pub_key.pem", public_pem(keys["wxpub"])),
        "PUBLIC_KEY_ID": WX_PUBLIC_KEY_ID,
    }


def test_wechat_public_key_mode(wx_pubkey_config, keys):
    gw = WechatGateway(wx_pubkey_config)
    body = wx_envelope(wx_transaction())
    assert parse_wx(gw, body, wx_headers(keys["wxpub"], body, serial=WX_PUBLIC_KEY_ID)).amount_fen == 12345678
    with pytest.raises(SignatureError, match="签名不匹配"):
        parse_wx(gw, body, wx_headers(keys["platform"], body, serial=WX_PUBLIC_KEY_ID))
    with pytest.raises(SignatureError, match="未知"):
        parse_wx(gw, body, wx_headers(keys["platform"], body, serial=WX_SERIAL))


def test_wechat_ack(wx_gw):
    status, content_type, body = wx_gw.ack(True)
    assert (status, content_type, json.loads(body)) == (
        200,
        "application/json",
        {"code": "SUCCESS", "message": "成功"},
    )
    status, _, body = wx_gw.ack(False)
    assert status == 400 and json.loads(body)["code"] == "FAIL"


def test_wechat_config_errors(wx_config, tmp_path):
    with pytest.raises(GatewayError, match="未配置微信支付"):
        WechatGateway({**wx_config, "MCH_ID": ""})
    with pytest.raises(GatewayError, match="PLATFORM_CERT_DIR"):
        WechatGateway({**wx_config, "PLATFORM_CERT_DIR": ""})
    with pytest.raises(GatewayError, match="32"):
        WechatGateway({**wx_config, "APIV3_KEY": "short"})
    with pytest.raises(GatewayError, match="无法读取"):
        WechatGateway({**wx_config, "PRIVATE_KEY_PATH": str(tmp_path / "missing.pem")})


def test_wechatpayv3_constructor_downloads_certificates(wx_config, tmp_path, monkeypatch):
    """Why the adapter does not hand notifications to the SDK: with no certificate on disk, merely
    constructing WeChatPay calls GET /v3/certificates. Our adapter, built the same way, stays offline."""
    calls: list[str] = []

    def fake_get(url, **kwargs):
        calls.append(url)
        raise requests.ConnectionError("offline")

    monkeypatch.setattr(wechatpayv3.core.requests, "get", fake_get)
    empty = tmp_path / "empty_certs"
    empty.mkdir()
    with pytest.raises(requests.ConnectionError):
        wechatpayv3.WeChatPay(
            wechatpay_type=wechatpayv3.WeChatPayType.NATIVE,
            mchid=WX_MCH_ID,
            private_key=Path(wx_config["PRIVATE_KEY_PATH"]).read_text(),
            cert_serial_no=wx_config["CERT_SERIAL_NO"],
            appid=WX_APP_ID,
            apiv3_key=WX_APIV3_KEY,
            cert_dir=str(empty),
        )
    assert calls == ["https://api.mch.weixin.qq.com/v3/certificates"]

    calls.clear()
    gw = WechatGateway({**wx_config, "PLATFORM_CERT_DIR": str(empty)})
    body = wx_envelope(wx_transaction())
    with pytest.raises(SignatureError, match="未知"):
        parse_wx(gw, body, wx_headers(_rsa(), body))
    assert calls == []


class FakeWechatApi:
    """Stands in for requests.post inside wechatpayv3: records the call, answers like WeChat Pay (signed)."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        status: int,
        payload: dict[str, Any] | Exception,
        serial: str = WX_SERIAL,
    ):
        self.key, self.status, self.payload, self.serial = key, status, payload, serial
        self.calls: list[dict[str, Any]] = []

    def __call__(self, url, json=None, data=None, headers=None, **kwargs):
        self.calls.append({"url": url, "json": json, "headers": dict(headers or {})})
        if isinstance(self.payload, Exception):
            raise self.payload
        text = _json.dumps(self.payload, ensure_ascii=False)

        class Response:
            pass

        response = Response()
        response.status_code = self.status
        response.text = text
        response.content = text.encode()
        response.headers = {
            "Content-Type": "application/json; charset=utf-8",
            **wx_headers(self.key, text.encode(), serial=self.serial),
        }
        return response


_json = json


def test_wechat_create_payment_native(wx_gw, keys, monkeypatch):
    fake = FakeWechatApi(keys["platform"], 200, {"code_url": "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"})
    monkeypatch.setattr(wechatpayv3.core.requests, "post", fake)
    action = wx_gw.create_payment(
        payment_no="P20260101000001",
        amount_fen=1990,
        subject="万商订单 P20260101000001",
        return_url="",
        notify_url="https://shop.example.com/api/payments/notify/wechat",
    )
    assert action == PaymentAction(kind="qrcode", code_url="weixin://wxpay/bizpayurl?pr=p4lpSuKzz")
    call = fake.calls[0]
    assert call["url"] == "https://api.mch.weixin.qq.com/v3/pay/transactions/native"
    assert call["json"] == {
        "notify_url": "https://shop.example.com/api/payments/notify/wechat",
        "description": "万商订单 P20260101000001",
        "out_trade_no": "P20260101000001",
        "amount": {"total": 1990, "currency": "CNY"},
        "appid": WX_APP_ID,
        "mchid": WX_MCH_ID,
    }
    assert call["headers"]["Authorization"].startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000109"')


def test_wechat_create_payment_public_key_mode(wx_pubkey_config, keys, monkeypatch):
    fake = FakeWechatApi(
        keys["wxpub"], 200, {"code_url": "weixin://wxpay/bizpayurl?pr=x"}, serial=WX_PUBLIC_KEY_ID
    )
    monkeypatch.setattr(wechatpayv3.core.requests, "post", fake)
    action = WechatGateway(wx_pubkey_config).create_payment(
        payment_no="P1", amount_fen=1, subject="s", return_url="", notify_url="https://shop.example.com/n"
    )
    assert action.code_url == "weixin://wxpay/bizpayurl?pr=x"
    assert fake.calls[0]["headers"]["Wechatpay-Serial"] == WX_PUBLIC_KEY_ID


@pytest.mark.parametrize(
    ("signer", "status", "payload"),
    [
        ("intruder", 200, {"code_url": "weixin://wxpay/bizpayurl?pr=evil"}),  # forged answer
        ("platform", 400, {"code": "PARAM_ERROR", "message": "参数错误"}),
        ("platform", 200, requests.ConnectionError("offline")),
    ],
)
def test_wechat_create_payment_errors(wx_gw, keys, monkeypatch, signer, status, payload):
    monkeypatch.setattr(wechatpayv3.core.requests, "post", FakeWechatApi(keys[signer], status, payload))
    with pytest.raises(GatewayError):
        wx_gw.create_payment(
            payment_no="P1", amount_fen=100, subject="s", return_url="", notify_url="https://x/n"
        )


def test_wechat_refund(wx_gw, keys, monkeypatch):
    fake = FakeWechatApi(
        keys["platform"],
        200,
        {"refund_id": "50000000382019052709732678859", "out_refund_no": "G1", "status": "PROCESSING"},
    )
    monkeypatch.setattr(wechatpayv3.core.requests, "post", fake)
    result = wx_gw.refund(
        payment_no="P1",
        gateway_trade_no="4200000000202601010000000001",
        refund_no="G1",
        amount_fen=1990,
        total_fen=12345678,
        reason="七天无理由",
    )
    assert result.ok and result.gateway_refund_no == "50000000382019052709732678859"
    call = fake.calls[0]
    assert call["url"] == "https://api.mch.weixin.qq.com/v3/refund/domestic/refunds"
    assert call["json"] == {
        "out_refund_no": "G1",
        "amount": {"refund": 1990, "total": 12345678, "currency": "CNY"},
        "transaction_id": "4200000000202601010000000001",
        "reason": "七天无理由",
    }


def test_wechat_refund_refused_and_unreachable(wx_gw, keys, monkeypatch):
    monkeypatch.setattr(
        wechatpayv3.core.requests,
        "post",
        FakeWechatApi(keys["platform"], 403, {"code": "NOT_ENOUGH", "message": "基本账户余额不足"}),
    )
    result = wx_gw.refund(
        payment_no="P1", gateway_trade_no="T", refund_no="G1", amount_fen=1, total_fen=1, reason=""
    )
    assert not result.ok and "余额不足" in result.message
    monkeypatch.setattr(
        wechatpayv3.core.requests, "post", FakeWechatApi(keys["platform"], 200, requests.Timeout("slow"))
    )
    with pytest.raises(GatewayError):
        wx_gw.refund(
            payment_no="P1", gateway_trade_no="T", refund_no="G1", amount_fen=1, total_fen=1, reason=""
        )


# --------------------------------------------------------------------------------- get_gateway / listing


@pytest.fixture
def wanshang_settings(monkeypatch):
    """Point the lazy settings reader at a dict: the lookup logic is tested without configuring Django."""
    conf: dict[str, Any] = {"SANDBOX_GATEWAY_SECRET": "s3cret", "ALIPAY": {}, "WECHAT": {}}
    monkeypatch.setattr(gateways, "_wanshang", lambda: conf)
    return conf


def test_only_sandbox_when_nothing_else_is_configured(wanshang_settings):
    assert gateways.available_gateways() == [("sandbox", "沙箱支付（演示）")]
    assert isinstance(gateways.get_gateway("sandbox"), SandboxGateway)
    with pytest.raises(GatewayError, match="未配置支付宝"):
        gateways.get_gateway("alipay")
    with pytest.raises(GatewayError, match="未配置微信支付"):
        gateways.get_gateway("wechat")
    with pytest.raises(GatewayError, match="未知"):
        gateways.get_gateway("paypal")


def test_configured_gateways_are_listed(wanshang_settings, alipay_config, wx_config):
    wanshang_settings.update(ALIPAY=alipay_config, WECHAT=wx_config)
    assert [code for code, _ in gateways.available_gateways()] == ["sandbox", "alipay", "wechat"]
    assert isinstance(gateways.get_gateway("alipay"), AlipayGateway)
    assert isinstance(gateways.get_gateway("wechat"), WechatGateway)
    wanshang_settings["PAYMENT_GATEWAYS"] = ["wechat", "sandbox"]
    assert [code for code, _ in gateways.available_gateways()] == ["wechat", "sandbox"]
    # Still buildable for notifications and refunds of earlier payments.
    assert isinstance(gateways.get_gateway("alipay"), AlipayGateway)


def test_settings_are_read_from_django(monkeypatch):
    """The real reader: settings.WANSHANG, looked up on each call."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    monkeypatch.setattr(settings, "WANSHANG", {"SANDBOX_GATEWAY_SECRET": "from-django"}, raising=False)
    assert gateways.available_gateways() == [("sandbox", "沙箱支付（演示）")]
    body = SandboxGateway({"SECRET": "from-django"}).build_notification("P1", 1)
    assert (
        gateways.get_gateway("sandbox").parse_notification(body=body, content_type="", headers={}).amount_fen
        == 1
    )


@pytest.mark.parametrize("amount", [0, -1, 1.0, True])
def test_create_payment_needs_a_positive_int_of_fen(sandbox, alipay_gw, wx_gw, amount):
    for gw in (sandbox, alipay_gw, wx_gw):
        with pytest.raises(ValueError):
            gw.create_payment(
                payment_no="P1", amount_fen=amount, subject="s", return_url="", notify_url="https://x/n"
            )
