"""The carrier adapter interface: issue a 电子面单, subscribe to a trace, poll it, read a push."""

from dataclasses import dataclass, field
from datetime import datetime


class CarrierError(Exception):
    """The carrier refused or could not be reached; the message is safe to show (no secrets)."""


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    province: str
    city: str
    district: str
    address: str


@dataclass(frozen=True)
class WaybillRequest:
    order_code: str  # our reference: order no + package no
    carrier: str  # fulfillment Carrier code
    sender: Party
    receiver: Party
    goods: list[tuple[str, int]] = field(default_factory=list)  # (name, quantity)


@dataclass(frozen=True)
class Trace:
    """One point of a trace, normalised."""

    at: datetime
    state: str  # models.TrackState value
    code: str
    location: str
    text: str


@dataclass(frozen=True)
class TrackPush:
    """A carrier's news about one package: the whole trace so far."""

    carrier: str
    tracking_no: str
    state: str
    traces: list[Trace]
