"""A shop's commission plans: the shop-wide rate, per-product rates, targeted plans (invitations)."""

from django.db import transaction

from wanshang.affiliates.conf import conf
from wanshang.affiliates.models import CommissionPlan, Promoter
from wanshang.catalog.selectors import seller_product_get
from wanshang.common.errors import Conflict, NotFound, ValidationError


def rate_check(rate_bps, *, field: str = "rate_bps") -> int:
    """A rate in basis points within the platform's range (settings AFFILIATE_MIN/MAX_RATE_BPS)."""
    low, high = conf("MIN_RATE_BPS"), conf("MAX_RATE_BPS")
    if isinstance(rate_bps, bool) or not isinstance(rate_bps, int):
        raise ValidationError("佣金比例须为整数（万分之）", field=field)
    if not low <= rate_bps <= high:
        raise ValidationError(
            f"佣金比例须在 {low / 100:g}% 到 {high / 100:g}% 之间（平台设置）",
            field=field,
            code="rate_out_of_range",
        )
    return rate_bps


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError("说明最多 200 个字", field="note")
    return note


def shop_rate_set(*, shop, rate_bps: int | None) -> CommissionPlan | None:
    """Set (or with None end) the shop-wide rate that every product of the shop pays."""
    with transaction.atomic():
        plan = (
            CommissionPlan.objects.for_shop(shop)
            .select_for_update()
            .filter(kind=CommissionPlan.Kind.SHOP)
            .first()
        )
        if rate_bps is None:
            if plan is not None:
                plan.status = CommissionPlan.Status.ENDED
                plan.save(update_fields=["status", "updated_at"])
            return plan
        rate_check(rate_bps)
        if plan is None:
            return CommissionPlan.objects.create(shop=shop, kind=CommissionPlan.Kind.SHOP, rate_bps=rate_bps)
        plan.rate_bps, plan.status = rate_bps, CommissionPlan.Status.ACTIVE
        plan.save(update_fields=["rate_bps", "status", "updated_at"])
        return plan


def product_rate_set(*, shop, product_id: int, rate_bps: int, note: str = "") -> CommissionPlan:
    """A product's own rate (over the shop-wide one). NotFound for another shop's product."""
    rate_check(rate_bps)
    product = seller_product_get(shop=shop, product_id=product_id)
    with transaction.atomic():
        plan = (
            CommissionPlan.objects.for_shop(shop)
            .select_for_update()
            .filter(kind=CommissionPlan.Kind.PRODUCT, product=product)
            .first()
        )
        if plan is None:
            return CommissionPlan.objects.create(
                shop=shop,
                kind=CommissionPlan.Kind.PRODUCT,
                product=product,
                rate_bps=rate_bps,
                note=_note(note),
            )
        plan.rate_bps, plan.status, plan.note = rate_bps, CommissionPlan.Status.ACTIVE, _note(note)
        plan.save(update_fields=["rate_bps", "status", "note", "updated_at"])
        return plan


def promoter_invite(*, shop, promoter_code: str, rate_bps: int, note: str = "") -> CommissionPlan:
    """A targeted plan: invite an approved promoter (by their 推广者编号) at a rate above the shop-wide one.
    The promoter accepts it in their center; until then the usual rates apply."""
    rate_check(rate_bps)
    promoter = Promoter.objects.filter(
        code=(promoter_code or "").strip(), status=Promoter.Status.APPROVED
    ).first()
    if promoter is None:
        raise NotFound("没有这个编号的认证达人")
    with transaction.atomic():
        plans = CommissionPlan.objects.for_shop(shop).select_for_update()
        shop_plan = plans.filter(kind=CommissionPlan.Kind.SHOP, status=CommissionPlan.Status.ACTIVE).first()
        if shop_plan is not None and rate_bps <= shop_plan.rate_bps:
            raise ValidationError(
                f"定向佣金须高于全店通用佣金（{shop_plan.rate_bps / 100:g}%）",
                field="rate_bps",
                code="rate_too_low",
            )
        plan = plans.filter(kind=CommissionPlan.Kind.TARGETED, promoter=promoter).first()
        if plan is None:
            return CommissionPlan.objects.create(
                shop=shop,
                kind=CommissionPlan.Kind.TARGETED,
                promoter=promoter,
                rate_bps=rate_bps,
                status=CommissionPlan.Status.INVITED,
                note=_note(note),
            )
        if plan.status == CommissionPlan.Status.ACTIVE:
            plan.rate_bps, plan.note = rate_bps, _note(note)  # a running plan: the new rate applies at once
        else:
            plan.rate_bps, plan.note, plan.status = rate_bps, _note(note), CommissionPlan.Status.INVITED
        plan.save(update_fields=["rate_bps", "note", "status", "updated_at"])
        return plan


def plan_end(*, shop, plan_id: int) -> CommissionPlan:
    """End a product or targeted plan (orders already paid keep the rate they were paid at)."""
    with transaction.atomic():
        plan = CommissionPlan.objects.for_shop(shop).select_for_update().filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("佣金计划不存在")
        if plan.status == CommissionPlan.Status.ENDED:
            raise Conflict("该计划已结束")
        plan.status = CommissionPlan.Status.ENDED
        plan.save(update_fields=["status", "updated_at"])
        return plan
