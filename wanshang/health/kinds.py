"""Item kinds: what an item is about, the points it earns unfixed at its deadline, and how it is verified.

Every indicator is an item kind of the same key (points from its rule; verified automatically when the
indicator is `auto_verify`). Another source registers a kind for one object (ref names the object) with a
verifier that re-checks it:

    register_kind(ItemKind(key="adlaw_hit", label="广告法违规用语", points=2,
                           verify=lambda *, shop_id, ref, now: not adlaw.selectors.hit_open(hit_id=int(ref))))

and opens items with `health.services.item_open(shop_id=…, kind="adlaw_hit", ref=str(hit.pk), title=…)`.
A verifier answers True (fixed), False (still wrong: the item goes back to the shop) or None (cannot tell: a
platform operator verifies).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from wanshang.health import indicators


@dataclass(frozen=True)
class ItemKind:
    key: str
    label: str
    points: int
    verify: Callable[..., bool | None] | None = None  # (*, shop_id, ref, now) -> bool | None


_KINDS: dict[str, ItemKind] = {}


def register_kind(kind: ItemKind) -> ItemKind:
    _KINDS[kind.key] = kind
    return kind


def _indicator_verifier(key: str):
    def verify(*, shop_id: int, ref: str, now) -> bool | None:
        found = indicators.indicator(key)
        if found is None:
            return None
        since = now - timedelta(days=settings.WANSHANG["HEALTH_WINDOW_DAYS"])
        reading = found.compute(shop_ids=[shop_id], since=since, until=now).get(shop_id)
        return reading is None or not found.warns(reading)

    return verify


def kind(key: str) -> ItemKind | None:
    """The kind `key`: a registered one, or the indicator of that key (its rule's points)."""
    points = (settings.WANSHANG.get("HEALTH_RULES", {}).get(key) or {}).get("points")
    if key in _KINDS:
        found = _KINDS[key]
        return ItemKind(found.key, found.label, found.points if points is None else points, found.verify)
    ind = indicators.indicator(key)
    if ind is None:
        return None
    return ItemKind(
        key=ind.key,
        label=str(ind.label),
        points=ind.points,
        verify=_indicator_verifier(ind.key) if ind.auto_verify else None,
    )


def kinds() -> list[ItemKind]:
    keys = [i.key for i in indicators.indicators()] + sorted(
        set(_KINDS) - {i.key for i in indicators.indicators()}
    )
    return [k for k in (kind(key) for key in keys) if k is not None]
