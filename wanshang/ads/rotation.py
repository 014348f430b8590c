"""Creative rotation (创意轮播): which of an ad group's creatives (at most 4) a shown ad wears.

The rule:

- **even** while any creative of the group has fewer than `EXPLORE_IMPRESSIONS` impressions in the last
  `WINDOW_DAYS`: each is equally likely;
- then **weighted toward better CTR**: each creative's CTR smoothed toward the group's CTR with a prior of
  `PRIOR_IMPRESSIONS` impressions, ĉ_i = (clicks_i + m·c̄) ÷ (impressions_i + m); its share is
  `EVEN_SHARE` ÷ n + (1 − `EVEN_SHARE`) × ĉ_i ÷ Σĉ, so a creative that fell behind keeps a fifth of an even
  share's worth of traffic and can recover.

Clicks are the valid ones (charged, repeated, unpaid), as the quality score counts them. A group without
creatives shows the product's own title and main picture (creative None). The draw is a hash of the page view
and the group, so one page view always shows the same creative of a group.

Per process, each group's creatives and their counts are kept until the creatives change
(`creatives_invalidate`, after every creative write, through a cache token shared by every process) or the hour
does (the counts are at most an hour old).
"""

import hashlib
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from wanshang.ads.models import AdCreative
from wanshang.ads.quality_data import VALID_CLICKS
from wanshang.ads.traffic_models import AdClick, AdImpression

TOKEN_KEY = "ads:creatives:version"
WINDOW_DAYS = 30
EXPLORE_IMPRESSIONS = 100
PRIOR_IMPRESSIONS = 100
EVEN_SHARE = 0.2


@dataclass(frozen=True)
class Arm:
    creative_id: int
    title: str
    image_url: str
    impressions: int = 0
    clicks: int = 0


def shares(arms) -> list[float]:
    """Each creative's probability of being shown (the rule above); sums to 1."""
    n = len(arms)
    if not n:
        return []
    if any(a.impressions < EXPLORE_IMPRESSIONS for a in arms):
        return [1 / n] * n
    total_imps = sum(a.impressions for a in arms)
    mean = sum(a.clicks for a in arms) / total_imps
    if mean <= 0:
        return [1 / n] * n
    smoothed = [(a.clicks + PRIOR_IMPRESSIONS * mean) / (a.impressions + PRIOR_IMPRESSIONS) for a in arms]
    total = sum(smoothed)
    return [EVEN_SHARE / n + (1 - EVEN_SHARE) * s / total for s in smoothed]


def choose(arms, u: float) -> Arm | None:
    """The creative for a uniform draw u in [0, 1), or None when the group has none."""
    if not arms:
        return None
    acc = 0.0
    for arm, share in zip(arms, shares(arms), strict=True):
        acc += share
        if u < acc:
            return arm
    return arms[-1]


def draw(page_view: str, group_id: int) -> float:
    digest = hashlib.blake2b(f"{page_view}:{group_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def creatives_invalidate() -> None:
    """Every process reloads the creatives (after the caller's commit)."""
    transaction.on_commit(lambda: cache.set(TOKEN_KEY, uuid.uuid4().hex, None))


def _token() -> str:
    value = cache.get(TOKEN_KEY)
    if value is None:
        cache.add(TOKEN_KEY, uuid.uuid4().hex, None)
        value = cache.get(TOKEN_KEY)
    return value


_lock = threading.Lock()
_held: dict = {"key": None, "groups": {}}


def _load(group_ids, now) -> dict[int, tuple[Arm, ...]]:
    rows = list(AdCreative.objects.filter(group_id__in=list(group_ids)).order_by("group_id", "id"))
    since = now - timedelta(days=WINDOW_DAYS)
    ids = [c.pk for c in rows]
    imps, clicks = {}, {}
    if ids:
        imps = dict(
            AdImpression.objects.filter(creative_id__in=ids, ts__gte=since)
            .values_list("creative_id")
            .annotate(n=Count("id"))
        )
        clicks = dict(
            AdClick.objects.filter(creative_id__in=ids, ts__gte=since, status__in=VALID_CLICKS)
            .values_list("creative_id")
            .annotate(n=Count("id"))
        )
    out: dict[int, list[Arm]] = {gid: [] for gid in group_ids}
    for c in rows:
        out[c.group_id].append(Arm(c.pk, c.title, c.image_url, imps.get(c.pk, 0), clicks.get(c.pk, 0)))
    return {gid: tuple(arms) for gid, arms in out.items()}


def arms_of(group_ids, now=None) -> dict[int, tuple[Arm, ...]]:
    """group id → its creatives with their counts (loaded once per process, token and hour)."""
    now = now or timezone.now()
    group_ids = list(group_ids)
    local = timezone.localtime(now)
    key = (_token(), local.date(), local.hour)
    with _lock:
        if _held["key"] != key:
            _held["key"], _held["groups"] = key, {}
        groups = _held["groups"]
        missing = [gid for gid in set(group_ids) if gid not in groups]
    loaded = _load(missing, now) if missing else {}
    if loaded:
        with _lock:
            if _held["key"] == key:
                _held["groups"].update(loaded)
    return {gid: loaded[gid] if gid in loaded else groups[gid] for gid in group_ids}
