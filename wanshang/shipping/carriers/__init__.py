"""Carrier adapters (电子面单 and tracking). Private to the shipping app: use `shipping.services`."""

from wanshang.shipping.carriers.base import CarrierError, Trace, TrackPush, WaybillRequest
from wanshang.shipping.carriers.kdniao import KdniaoAdapter
from wanshang.shipping.carriers.sandbox import SandboxAdapter


def adapter_for(account, *, transport=None):
    """The adapter of a carrier account; `transport` (a callable url, form → text) replaces HTTP in tests."""
    if account.provider == "kdniao":
        return KdniaoAdapter(ebusiness_id=account.ebusiness_id, app_key=account.app_key, transport=transport)
    return SandboxAdapter()


__all__ = [
    "CarrierError",
    "KdniaoAdapter",
    "SandboxAdapter",
    "Trace",
    "TrackPush",
    "WaybillRequest",
    "adapter_for",
]
