"""The built-in sandbox carrier: issues waybill numbers and a trace that unfolds with the clock.

Deterministic from the waybill number and the shipping time, so the demo and the tests need no network and
no stored state: `traces(no, shipped_at, now)` is the trace as known at `now`. About one number in ten
stalls after 运输中 (its digits say so: the digit sum is a multiple of 10), for the 物流异常 demo.
"""

import hashlib
from datetime import timedelta

from wanshang.shipping.carriers.base import Trace, WaybillRequest

CITIES = ["杭州", "上海", "广州", "北京", "成都", "武汉", "南京", "深圳"]

# hours after shipping, state, text; the last step is 签收
STEPS = [
    (2, "collected", "1", "【{a}】快递员已揽收"),
    (9, "in_transit", "2", "快件已到达【{a}转运中心】"),
    (20, "in_transit", "2", "快件已从【{a}转运中心】发出，下一站【{b}转运中心】"),
    (34, "in_transit", "201", "快件已到达【{b}转运中心】"),
    (41, "delivering", "202", "【{b}】快递员正在派件，请保持电话畅通"),
    (45, "signed", "3", "已签收，签收人：本人。感谢使用，期待再次为您服务"),
]


def _digits(no: str) -> int:
    return int(hashlib.sha256(no.encode()).hexdigest()[:8], 16)


def stalls(no: str) -> bool:
    """Whether this waybill's sandbox trace stops after 运输中 (never delivered)."""
    return sum(int(c) for c in no if c.isdigit()) % 10 == 0


class SandboxAdapter:
    provider = "sandbox"

    def issue_waybill(self, request: WaybillRequest) -> str:
        seed = _digits(request.order_code)
        return f"SB{seed % 10**10:010d}"

    def subscribe(self, *, carrier: str, tracking_no: str) -> bool:
        return False  # no pushes: the polling job reads the trace

    def traces(self, *, tracking_no: str, shipped_at, now) -> list[Trace]:
        seed = _digits(tracking_no)
        a, b = CITIES[seed % len(CITIES)], CITIES[(seed // 8) % len(CITIES)]
        steps = STEPS[:3] if stalls(tracking_no) else STEPS
        out = []
        for hours, state, code, text in steps:
            at = shipped_at + timedelta(hours=hours, minutes=seed % 50)
            if at > now:
                break
            out.append(
                Trace(
                    at=at, state=state, code=code, location=a if hours < 30 else b, text=text.format(a=a, b=b)
                )
            )
        return out
