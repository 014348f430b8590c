"""达人: applying, the platform's review, tracking links and answering a shop's invitation."""

import secrets

from django.db import IntegrityError, transaction

from wanshang.affiliates.decisions import decide
from wanshang.affiliates.models import CommissionPlan, Link, Promoter
from wanshang.catalog.selectors import product_get_public
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.merchants.selectors import shop_get

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _code(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def _clean(value: str, *, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"请填写{label}", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{label}最多 {max_length} 个字", field=field)
    return value


def promoter_apply(*, user, name: str, channels: str, audience: str, contact: str) -> Promoter:
    """A user applies to become a promoter. Raises Conflict when an application is pending or approved; a
    rejected applicant may apply again (the same row goes back to review)."""
    fields = {
        "name": _clean(name, field="name", label="达人昵称", max_length=40),
        "channels": _clean(channels, field="channels", label="推广渠道", max_length=300),
        "audience": _clean(audience, field="audience", label="粉丝与受众", max_length=300),
        "contact": _clean(contact, field="contact", label="联系方式", max_length=60),
    }
    with transaction.atomic():
        existing = Promoter.objects.select_for_update().filter(user=user).first()
        if existing is None:
            try:
                with transaction.atomic():
                    return Promoter.objects.create(user=user, code=_code(8), **fields)
            except IntegrityError as exc:  # a double submit: the other request made the row
                raise Conflict("你已提交过达人申请，请勿重复提交") from exc
        if existing.status == Promoter.Status.PENDING:
            raise Conflict("你的达人申请正在审核中，请勿重复提交")
        if existing.status == Promoter.Status.APPROVED:
            raise Conflict("你已是认证达人，无需再次申请")
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.status, existing.reason = Promoter.Status.PENDING, ""
        existing.reviewed_by, existing.reviewed_at = None, None
        existing.save()
        return existing


def promoter_review(*, operator, promoter_id: int, approve: bool, reason: str = "", now=None) -> Promoter:
    """The platform approves or rejects a pending application (a rejection needs a reason)."""
    return decide(
        Promoter, pk=promoter_id, operator=operator, approve=approve, reason=reason, what="达人申请", now=now
    )


def link_create(*, promoter: Promoter, product_id: int | None = None, shop_id: int | None = None) -> Link:
    """The promoter's tracking link to a product on sale (or to a whole shop); the same target gives the same
    link back. Raises NotFound for a product or shop a buyer could not open."""
    if promoter.status != Promoter.Status.APPROVED:
        raise PermissionDenied("通过达人审核后才能生成推广链接")
    if product_id is not None:
        product = product_get_public(product_id=product_id)
        shop_id = product.shop_id
    elif shop_id is not None:
        if shop_get(shop_id=shop_id).status != "open":
            raise NotFound("店铺不存在或已暂停营业")
    else:
        raise ValidationError("请选择要推广的商品或店铺", field="product_id")
    with transaction.atomic():
        link = Link.objects.filter(promoter=promoter, shop_id=shop_id, product_id=product_id).first()
        if link is None:
            link = Link.objects.create(
                promoter=promoter, shop_id=shop_id, product_id=product_id, code=_code(10)
            )
    return link


def invitation_answer(*, promoter: Promoter, plan_id: int, accept: bool) -> CommissionPlan:
    """The promoter accepts (the targeted rate applies from now on) or declines a shop's invitation."""
    with transaction.atomic():
        plan = (
            CommissionPlan.objects.select_for_update()
            .filter(pk=plan_id, promoter=promoter, kind=CommissionPlan.Kind.TARGETED)
            .first()
        )
        if plan is None:
            raise NotFound("邀请不存在")
        if plan.status != CommissionPlan.Status.INVITED:
            raise Conflict(f"该邀请{plan.get_status_display()}")
        plan.status = CommissionPlan.Status.ACTIVE if accept else CommissionPlan.Status.DECLINED
        plan.save(update_fields=["status", "updated_at"])
        return plan
