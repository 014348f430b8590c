"""Sanctions from points: the published thresholds (HEALTH_SANCTIONS) applied to each shop's live points,
set and lifted through merchants (which keeps the state for search, marketing and ads to enforce)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.ads.services import serving_invalidate
from wanshang.common import events
from wanshang.common.domain_events import ShopSanctionChanged
from wanshang.health.items import audit
from wanshang.health.models import PenaltyPoint
from wanshang.health.snapshot import live_points
from wanshang.merchants.selectors import SANCTION_LABELS, sanction_list
from wanshang.merchants.services import shop_sanction_clear, shop_sanction_set


def sanctions_for(points: int) -> set[str]:
    return {kind for threshold, kind in settings.WANSHANG["HEALTH_SANCTIONS"] if points >= threshold}


def _announce(row, *, kind: str, active: bool, points: int) -> None:
    events.publish(
        ShopSanctionChanged(
            shop_id=row.shop_id, kind=kind, active=active, points=points, audit_id=row.pk, at=row.created_at
        )
    )


def sanctions_evaluate(*, now=None, shop_ids=None) -> int:
    """Bring each shop's sanctions in line with its live points (points expire, appeals cancel them). Looks at
    the shops with any points or any sanction (or only `shop_ids`). Returns how many sanctions changed."""
    now = now or timezone.now()
    current: dict[int, set[str]] = {}
    for row in sanction_list():
        current.setdefault(row.shop_id, set()).add(row.kind)
    if shop_ids is None:
        shop_ids = set(current) | set(PenaltyPoint.objects.values_list("shop_id", flat=True).distinct())
    points = live_points(shop_ids=shop_ids, now=now)
    changed, ads_changed = 0, False
    for shop_id in sorted(shop_ids):
        have, want = current.get(shop_id, set()), sanctions_for(points.get(shop_id, 0))
        for kind in sorted(want - have):
            reason = f"体检中心扣分 {points.get(shop_id, 0)} 分，达到“{SANCTION_LABELS[kind]}”处罚线"
            with transaction.atomic():
                if shop_sanction_set(shop_id=shop_id, kind=kind, reason=reason, now=now):
                    row = audit(shop_id=shop_id, action="sanction_set", note=f"{kind}：{reason}", now=now)
                    _announce(row, kind=kind, active=True, points=points.get(shop_id, 0))
                    changed += 1
                    ads_changed |= kind == "no_ads"
        for kind in sorted(have - want):
            with transaction.atomic():
                if shop_sanction_clear(shop_id=shop_id, kind=kind):
                    row = audit(
                        shop_id=shop_id,
                        action="sanction_lift",
                        note=f"{kind}：扣分降至 {points.get(shop_id, 0)} 分，解除“{SANCTION_LABELS[kind]}”",
                        now=now,
                    )
                    _announce(row, kind=kind, active=False, points=points.get(shop_id, 0))
                    changed += 1
                    ads_changed |= kind == "no_ads"
    if ads_changed:
        serving_invalidate()
    return changed
