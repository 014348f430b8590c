"""What the marketing pages and the API share: coupon input → PromotionInput, scope checks, display helpers
for coupons, flash slots and price alerts.

The rules themselves (面额 below the threshold, share at most 100% …) stay in marketing.services / kinds.
"""

from datetime import datetime

from django.utils import timezone

from wanshang.catalog.selectors import category_tree_all
from wanshang.common.errors import ValidationError
from wanshang.marketing.selectors import coupon_label, promotion_phase_label
from wanshang.marketing.services import PromotionInput
from wanshang.marketing.types import LATER_TOKENS, TOKEN_LABELS, Kind, Scope
from wanshang.merchants.selectors import shop_list
from wanshang.platform.views._util import flatten_tree

COUPON_SCOPES = (Scope.ALL, Scope.SHOPS, Scope.CATEGORIES)
# A service's field name → the page form's field that shows its message.
FORM_FIELDS = {
    "amount_fen": "amount",
    "threshold_fen": "threshold",
    "discount_bps": "discount",
    "cap_fen": "cap",
    "platform_share_bps": "platform_share",
    "scope_ids": "scope",
    "items": None,
    "kind": None,
    "config": None,
}


def shop_choices() -> list[tuple[int, str]]:
    return [(s.pk, f"{s.name}（#{s.pk}）") for s in shop_list().order_by("name")]


def category_choices() -> list[tuple[int, str]]:
    return [(c.pk, label) for c, _depth, label in flatten_tree(category_tree_all())]


def check_scope(scope: str, ids) -> list[int]:
    """The scope's ids, each an existing shop or category. Raises ValidationError with the first unknown one."""
    if scope not in COUPON_SCOPES:
        raise ValidationError(
            "平台券的适用范围须为全场（all）、指定店铺（shops）或指定类目（categories）", field="scope"
        )
    if scope == Scope.ALL:
        return []
    try:
        ids = sorted({int(i) for i in ids or []})
    except (TypeError, ValueError):
        raise ValidationError("适用范围须为编号列表", field="scope_ids") from None
    what = "店铺" if scope == Scope.SHOPS else "类目"
    if not ids:
        raise ValidationError(f"请选择适用的{what}", field="scope_ids")
    known = {pk for pk, _ in (shop_choices() if scope == Scope.SHOPS else category_choices())}
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValidationError(f"{what}编号 {missing[0]} 不存在", field="scope_ids")
    return ids


def coupon_input(
    *,
    name,
    starts_at,
    ends_at,
    type="amount",
    threshold_fen=0,
    amount_fen=None,
    discount_bps=None,
    cap_fen=0,
    valid_days=0,
    public=True,
    total_quantity=0,
    per_buyer_limit=0,
    scope=Scope.ALL,
    scope_ids=(),
    platform_share_bps=0,
    combine_with=None,
) -> PromotionInput:
    config = {
        "type": type,
        "threshold_fen": threshold_fen or 0,
        "valid_days": valid_days or 0,
        "public": bool(public),
    }
    if type == "percent":
        config.update(discount_bps=discount_bps, cap_fen=cap_fen or 0)
    else:
        config["amount_fen"] = amount_fen
    if combine_with is not None:
        config["combine_with"] = list(combine_with)
    return PromotionInput(
        kind=Kind.COUPON,
        name=name,
        starts_at=aware(starts_at),
        ends_at=aware(ends_at),
        scope=scope,
        scope_ids=check_scope(scope, scope_ids),
        config=config,
        total_quantity=total_quantity,
        per_buyer_limit=per_buyer_limit,
        platform_share_bps=platform_share_bps,
    )


def aware(value):
    """Times without a zone are read in the site's zone (Asia/Shanghai)."""
    if value is not None and hasattr(value, "tzinfo") and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def form_field(exc_field: str | None) -> str | None:
    return FORM_FIELDS.get(exc_field, exc_field)


def percent_text(bps: int) -> str:
    """5000 → '50%', 3350 → '33.5%'."""
    whole, part = divmod(int(bps), 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


def decorate(promo, *, now=None):
    """Attributes the pages and the API show: label, phase, remaining, share, scope and combine texts."""
    now = now or timezone.now()
    promo.label = coupon_label(promo)
    promo.phase_key = promo.phase(now)
    promo.phase_label = promotion_phase_label(promo, now)
    promo.remaining = max(promo.total_quantity - promo.issued_count, 0) if promo.total_quantity else None
    promo.share_text = percent_text(promo.platform_share_bps)
    promo.editable = promo.starts_at > now and promo.status != "ended"
    combine = promo.config.get("combine_with")
    if combine is None:
        combine = list(LATER_TOKENS["platform_coupon"])
    promo.combine_labels = [TOKEN_LABELS.get(t, t) for t in combine]
    return promo


def scope_names(promo) -> list[str]:
    if promo.scope == Scope.SHOPS:
        names = dict(shop_choices())
    elif promo.scope == Scope.CATEGORIES:
        names = dict(category_choices())
    else:
        return []
    return [names.get(i, f"#{i}") for i in promo.scope_ids or []]


# --- flash slots and price alerts ---------------------------------------------------------------------------

SLOT_PHASES = {"scheduled": "未开始", "running": "进行中", "ended": "已结束"}


def slot_phase(slot, now) -> str:
    if now < slot.starts_at:
        return "scheduled"
    return "running" if now < slot.ends_at else "ended"


def evidence_rows(evidence) -> list[dict]:
    """A price alert's history rows: {"at" (local datetime, or the raw text), "price_fen", "old_price_fen"}."""
    rows = []
    for row in evidence or []:
        if not isinstance(row, dict):
            continue
        at = row.get("at")
        try:
            at = timezone.localtime(datetime.fromisoformat(at)) if isinstance(at, str) else at
        except ValueError:
            pass
        rows.append({"at": at, "price_fen": row.get("price_fen"), "old_price_fen": row.get("old_price_fen")})
    return rows
