"""快递鸟 (KDNiao) adapter, after its public API: 电子面单 (RequestType 1007), 轨迹订阅 (8008) and the trace push
(RequestType 101, sent to our callback).

Every request is a form post of RequestData (JSON), EBusinessID, RequestType, DataSign and DataType=2, where
DataSign = urlencode(base64(lowercase hex md5(RequestData + AppKey))) — base64 of the *hex string*. The AppKey
never leaves this module except inside that digest, and no request or answer is logged.
"""

import base64
import hashlib
import hmac
import json
import urllib.parse
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from wanshang.shipping.carriers.base import CarrierError, Trace, TrackPush, WaybillRequest

EORDER_URL = "https://api.kdniao.com/api/EOrderService"
DIST_URL = "https://api.kdniao.com/api/dist"
CHINA = ZoneInfo("Asia/Shanghai")

# our Carrier code → 快递鸟 ShipperCode
SHIPPER_CODES = {
    "SF": "SF",
    "ZTO": "ZTO",
    "YTO": "YTO",
    "STO": "STO",
    "YUNDA": "YD",
    "JD": "JD",
    "EMS": "EMS",
    "JTSD": "JTSD",
}
CARRIER_OF = {v: k for k, v in SHIPPER_CODES.items()}

RETURN_CODES = {"404", "406", "407"}  # 拒收/退件, 退货签收, 退货未签收


def data_sign(request_data: str, app_key: str) -> str:
    """The documented signature, URL-encoded as it travels in the form body."""
    return urllib.parse.quote(sign_b64(request_data, app_key), safe="")


def sign_b64(request_data: str, app_key: str) -> str:
    hex_digest = hashlib.md5((request_data + app_key).encode("utf-8")).hexdigest()  # noqa: S324 (their method)
    return base64.b64encode(hex_digest.encode("ascii")).decode("ascii")


def sign_matches(request_data: str, app_key: str, given: str) -> bool:
    """A push's DataSign, once decoded by the form parser (the base64 text) or still URL-encoded."""
    expected = sign_b64(request_data, app_key)
    given = given or ""
    return hmac.compare_digest(expected, given) or hmac.compare_digest(expected, urllib.parse.unquote(given))


def normalise(code: str) -> str:
    """A 快递鸟 State / StateEx / Action code → our TrackState value."""
    code = str(code or "").strip()
    if code in RETURN_CODES:
        return "returned"
    if code == "1" or code.startswith("1"):
        return "collected"
    if code in {"202", "211"}:
        return "delivering"
    if code == "2" or code.startswith("2"):
        return "in_transit"
    if code == "3" or code.startswith("3"):
        return "signed"
    if code == "4" or code.startswith("4"):
        return "problem"
    return "pending"


def _http_post(url: str, form: str) -> str:  # pragma: no cover - the network; tests inject a transport
    req = urllib.request.Request(  # noqa: S310 (fixed https URLs above)
        url,
        data=form.encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
        return resp.read().decode("utf-8")


class KdniaoAdapter:
    provider = "kdniao"

    def __init__(self, *, ebusiness_id: str, app_key: str, transport=None):
        self.ebusiness_id = ebusiness_id
        self._app_key = app_key
        self._transport = transport or _http_post

    def __repr__(self):
        return f"<KdniaoAdapter {self.ebusiness_id} key=***>"

    def form(self, request_type: str, payload: dict) -> str:
        """The form body of one request (RequestData URL-encoded, DataSign as documented)."""
        request_data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        parts = {
            "RequestData": urllib.parse.quote(request_data, safe=""),
            "EBusinessID": self.ebusiness_id,
            "RequestType": request_type,
            "DataSign": data_sign(request_data, self._app_key),
            "DataType": "2",
        }
        return "&".join(f"{k}={v}" for k, v in parts.items())

    def _call(self, url: str, request_type: str, payload: dict) -> dict:
        try:
            text = self._transport(url, self.form(request_type, payload))
            answer = json.loads(text)
        except (OSError, ValueError) as exc:
            raise CarrierError("快递鸟接口暂时无法访问，请稍后重试") from exc
        if not answer.get("Success"):
            reason = str(answer.get("Reason") or answer.get("ResultCode") or "未知原因")[:100]
            raise CarrierError(f"快递鸟拒绝了请求：{reason}")
        return answer

    def issue_waybill(self, request: WaybillRequest) -> str:
        shipper = SHIPPER_CODES.get(request.carrier)
        if not shipper:
            raise CarrierError("快递鸟不支持该快递公司的电子面单")

        def party(p):
            return {
                "Name": p.name,
                "Mobile": p.phone,
                "ProvinceName": p.province,
                "CityName": p.city,
                "ExpAreaName": p.district,
                "Address": p.address,
            }

        payload = {
            "OrderCode": request.order_code,
            "ShipperCode": shipper,
            "PayType": 1,
            "ExpType": 1,
            "Sender": party(request.sender),
            "Receiver": party(request.receiver),
            "Commodity": [{"GoodsName": name[:50], "Goodsquantity": qty} for name, qty in request.goods],
            "Quantity": 1,
            "IsReturnPrintTemplate": 0,
        }
        answer = self._call(EORDER_URL, "1007", payload)
        no = str((answer.get("Order") or {}).get("LogisticCode") or "")
        if not no:
            raise CarrierError("快递鸟未返回运单号")
        return no

    def subscribe(self, *, carrier: str, tracking_no: str) -> bool:
        shipper = SHIPPER_CODES.get(carrier)
        if not shipper:
            return False
        self._call(DIST_URL, "8008", {"ShipperCode": shipper, "LogisticCode": tracking_no})
        return True

    def traces(self, *, tracking_no: str, shipped_at, now) -> list[Trace]:
        return []  # 快递鸟 pushes (8008); the poll does nothing for it


def parse_time(text: str) -> datetime:
    return datetime.strptime(text.strip()[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)


def parse_push(request_data: str) -> tuple[str, list[TrackPush]]:
    """A push's RequestData → (EBusinessID, packages). Raises ValueError on a malformed body."""
    body = json.loads(request_data)
    pushes = []
    for item in body.get("Data") or []:
        carrier = CARRIER_OF.get(str(item.get("ShipperCode") or ""))
        no = str(item.get("LogisticCode") or "")
        if not carrier or not no:
            continue
        traces = []
        for t in item.get("Traces") or []:
            code = str(t.get("Action") or item.get("StateEx") or item.get("State") or "")
            traces.append(
                Trace(
                    at=parse_time(str(t["AcceptTime"])),
                    state=normalise(code),
                    code=code[:8],
                    location=str(t.get("Location") or "")[:60],
                    text=str(t.get("AcceptStation") or "")[:200] or "—",
                )
            )
        state = normalise(str(item.get("StateEx") or item.get("State") or ""))
        pushes.append(TrackPush(carrier=carrier, tracking_no=no, state=state, traces=traces))
    return str(body.get("EBusinessID") or ""), pushes


def push_answer(ebusiness_id: str, *, success: bool, reason: str = "") -> dict:
    """What 快递鸟 expects back from a push."""
    return {
        "EBusinessID": ebusiness_id,
        "UpdateTime": datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
        "Success": success,
        "Reason": reason,
    }
