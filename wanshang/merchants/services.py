from django.core.validators import slug_re
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from wanshang.accounts.selectors import user_find_by_login
from wanshang.accounts.services import check_phone, user_staff_grant
from wanshang.common import events
from wanshang.common.domain_events import ShopChanged, ShopOpened
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.fulfillment.services import freight_template_create_default
from wanshang.merchants.models import (
    CommissionRate,
    MerchantApplication,
    SanctionKind,
    Shop,
    ShopSanction,
    ShopStaff,
    StaffRole,
)
from wanshang.merchants.selectors import staff_for_user
from wanshang.merchants.validators import credit_code_is_valid


def _clean_text(value, *, field, label, max_len, min_len=1) -> str:
    value = (value or "").strip()
    if len(value) < min_len:
        raise ValidationError(f"请填写{label}", field=field)
    if len(value) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 字", field=field)
    return value


def application_submit(
    *, user, company_name, credit_code, contact_name, contact_phone, shop_name, categories
) -> MerchantApplication:
    """入驻申请. Raises ValidationError for bad fields, Conflict for a pending application or existing shop.

    `categories`: the 经营类目 as catalog categories (the face looks the chosen ids up in the catalog, which
    sits above merchants in the layer order).
    """
    company_name = _clean_text(company_name, field="company_name", label="公司名称", max_len=100, min_len=2)
    credit_code = (credit_code or "").strip().upper()
    if not credit_code_is_valid(credit_code):
        raise ValidationError("统一社会信用代码格式或校验位不正确（18 位）", field="credit_code")
    contact_name = _clean_text(contact_name, field="contact_name", label="联系人", max_len=40)
    contact_phone = check_phone(contact_phone, field="contact_phone")
    shop_name = _clean_text(shop_name, field="shop_name", label="店铺名称", max_len=60, min_len=2)
    categories = list(categories or [])
    if not categories:
        raise ValidationError("请至少选择一个经营类目", field="category_ids")
    with transaction.atomic():
        if ShopStaff.objects.filter(user=user).exists():
            raise Conflict("你已是商家员工，不能再申请入驻")
        if (
            MerchantApplication.objects.select_for_update()
            .filter(applicant=user, status=MerchantApplication.Status.PENDING)
            .exists()
        ):
            raise Conflict("你已有一份待审核的入驻申请")
        if Shop.objects.filter(name=shop_name).exists():
            raise ValidationError("店铺名称已被使用", field="shop_name")
        app = MerchantApplication.objects.create(
            applicant=user,
            company_name=company_name,
            credit_code=credit_code,
            contact_name=contact_name,
            contact_phone=contact_phone,
            shop_name=shop_name,
        )
        app.categories.set(categories)
    return app


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False) or "shop"
    slug, n = base, 1
    while Shop.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_slug(slug: str) -> str:
    """An operator's chosen slug: usable in the shop's address (/shop/<slug>/) and not taken."""
    slug = slug.strip()
    if len(slug) > 60 or not slug_re.fullmatch(slug):
        raise ValidationError("店铺标识只能包含字母、数字、“-”和“_”，不超过 60 个字符", field="slug")
    if Shop.objects.filter(slug=slug).exists():
        raise ValidationError("店铺标识已被使用，请换一个", field="slug")
    return slug


def application_approve(*, application_id, reviewer, slug: str | None = None) -> Shop:
    """Open the shop, make the applicant its owner, give it a default freight template; publishes ShopOpened
    (inventory gives it a default warehouse).

    `slug` (the shop's address) is generated when not given. Raises NotFound, Conflict (already decided, the
    applicant now works for a shop, the shop name taken meanwhile), ValidationError (a bad or taken slug).
    """
    with transaction.atomic():
        app = MerchantApplication.objects.select_for_update().filter(pk=application_id).first()
        if app is None:
            raise NotFound("入驻申请不存在")
        if app.status != MerchantApplication.Status.PENDING:
            raise Conflict(f"该申请{app.get_status_display()}，不能重复审核")
        if ShopStaff.objects.filter(user_id=app.applicant_id).exists():
            raise Conflict("申请人已是其他店铺的员工")
        slug = _check_slug(slug) if slug and slug.strip() else _unique_slug(f"shop-{app.pk}")
        try:
            with transaction.atomic():
                shop = Shop.objects.create(
                    name=app.shop_name,
                    slug=slug,
                    company_name=app.company_name,
                    credit_code=app.credit_code,
                )
        except IntegrityError as exc:
            raise Conflict("店铺名称已被使用，请驳回并让申请人修改") from exc
        shop.categories.set(app.categories.all())
        ShopStaff.objects.create(shop=shop, user_id=app.applicant_id, role=StaffRole.OWNER)
        freight_template_create_default(shop=shop)
        events.publish(ShopOpened(shop_id=shop.pk, owner_id=app.applicant_id))
        app.status = MerchantApplication.Status.APPROVED
        app.reviewed_by = reviewer
        app.reviewed_at = timezone.now()
        app.shop = shop
        app.save()
    return shop


def application_reject(*, application_id, reviewer, reason: str) -> MerchantApplication:
    reason = _clean_text(reason, field="reason", label="驳回原因", max_len=300, min_len=2)
    with transaction.atomic():
        app = MerchantApplication.objects.select_for_update().filter(pk=application_id).first()
        if app is None:
            raise NotFound("入驻申请不存在")
        if app.status != MerchantApplication.Status.PENDING:
            raise Conflict(f"该申请{app.get_status_display()}，不能重复审核")
        app.status = MerchantApplication.Status.REJECTED
        app.reject_reason = reason
        app.reviewed_by = reviewer
        app.reviewed_at = timezone.now()
        app.save()
    return app


def shop_suspend(*, shop_id, reason: str) -> Shop:
    reason = _clean_text(reason, field="reason", label="暂停原因", max_len=300, min_len=2)
    updated = Shop.objects.filter(pk=shop_id, status=Shop.Status.OPEN).update(
        status=Shop.Status.SUSPENDED, suspend_reason=reason
    )
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        raise NotFound("店铺不存在")
    if not updated:
        raise Conflict("店铺已处于暂停状态")
    events.publish(ShopChanged(shop_id=shop.pk))
    return shop


def shop_restore(*, shop_id) -> Shop:
    updated = Shop.objects.filter(pk=shop_id, status=Shop.Status.SUSPENDED).update(
        status=Shop.Status.OPEN, suspend_reason=""
    )
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        raise NotFound("店铺不存在")
    if not updated:
        raise Conflict("店铺正在营业，无需恢复")
    events.publish(ShopChanged(shop_id=shop.pk))
    return shop


def shop_update_settings(*, shop, name, description, logo_url="", ship_within_hours=None) -> Shop:
    """The shop's name, description, logo and 承诺发货时间 (hours after payment, 1–720; None leaves it)."""
    name = _clean_text(name, field="name", label="店铺名称", max_len=60, min_len=2)
    if ship_within_hours is not None and (
        isinstance(ship_within_hours, bool)
        or not isinstance(ship_within_hours, int)
        or not 1 <= ship_within_hours <= 720
    ):
        raise ValidationError("承诺发货时间须为 1–720 小时的整数", field="ship_within_hours")
    description = (description or "").strip()[:2000]
    logo_url = (logo_url or "").strip()
    if logo_url and not (logo_url.startswith("https://") or logo_url.startswith("/")):
        raise ValidationError("店铺标志地址须以 https:// 或 / 开头", field="logo_url")
    if Shop.objects.filter(name=name).exclude(pk=shop.pk).exists():
        raise ValidationError("店铺名称已被使用", field="name")
    fields = {"name": name, "description": description, "logo_url": logo_url[:300]}
    if ship_within_hours is not None:
        fields["ship_within_hours"] = ship_within_hours
    Shop.objects.filter(pk=shop.pk).update(**fields)
    events.publish(ShopChanged(shop_id=shop.pk))  # cards show the shop name
    shop.refresh_from_db()
    return shop


def staff_add(*, shop, login: str, role: str) -> ShopStaff:
    """Add an existing user (by phone or e-mail) as staff. The owner role cannot be given."""
    if role not in StaffRole.values or role == StaffRole.OWNER:
        raise ValidationError("请选择角色：运营、客服、仓库、财务或门店", field="role")
    user = user_find_by_login(login=login)
    if user is None:
        raise ValidationError("找不到该手机号或邮箱对应的用户，请先让对方注册", field="login")
    if user.is_staff:
        raise ValidationError("平台运营账号不能成为商家员工", field="login")
    try:
        with transaction.atomic():
            return ShopStaff.objects.create(shop=shop, user=user, role=role)
    except IntegrityError as exc:
        raise ValidationError("该用户已是商家员工", field="login") from exc


def _staff_of_shop(shop, staff_id) -> ShopStaff:
    member = ShopStaff.objects.for_shop(shop).filter(pk=staff_id).first()
    if member is None:
        raise NotFound("员工不存在")
    if member.role == StaffRole.OWNER:
        raise PermissionDenied("不能修改店主")
    return member


def staff_change_role(*, shop, staff_id, role: str) -> ShopStaff:
    if role not in StaffRole.values or role == StaffRole.OWNER:
        raise ValidationError("请选择角色：运营、客服、仓库、财务或门店", field="role")
    member = _staff_of_shop(shop, staff_id)
    member.role = role
    member.save(update_fields=["role"])
    return member


def staff_remove(*, shop, staff_id) -> None:
    _staff_of_shop(shop, staff_id).delete()


def commission_set(*, category, rate_bps: int) -> CommissionRate:
    """The platform's commission for a category (`category` looked up in the catalog by the face)."""
    try:
        rate_bps = int(rate_bps)
    except (TypeError, ValueError):
        raise ValidationError("佣金比例须为整数（万分之）", field="rate_bps") from None
    if not 0 <= rate_bps <= 5000:
        raise ValidationError("佣金比例须在 0%–50% 之间", field="rate_bps")
    rate, _ = CommissionRate.objects.update_or_create(category=category, defaults={"rate_bps": rate_bps})
    return rate


def operator_grant(*, user, superuser: bool = False):
    """Make a user a platform operator (is_staff; optionally a Django superuser for /django-admin/) and
    return the user.

    An operator cannot also be shop staff: raises ValidationError when the user works for a shop.
    """
    if staff_for_user(user=user) is not None:
        raise ValidationError("商家员工不能成为平台运营", field="user")
    return user_staff_grant(user=user, superuser=superuser)


# --- sanctions (体检中心 decides, search / marketing / ads enforce) ---------------------------------------------


def shop_sanction_set(*, shop_id: int, kind: str, reason: str, now=None) -> bool:
    """Put a sanction on a shop; True when it was not already standing (a repeat does nothing).

    SUSPEND suspends an open shop through `shop_suspend` and remembers that it did, so lifting restores only a
    shop it suspended (an operator's own suspension stays). Publishes ShopChanged (search re-ranks the shop's
    products). Raises ValidationError for an unknown kind, NotFound for an unknown shop."""
    if kind not in SanctionKind.values:
        raise ValidationError("未知的处罚类型", field="kind")
    reason = _clean_text(reason, field="reason", label="处罚原因", max_len=300, min_len=2)
    now = now or timezone.now()
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(pk=shop_id).first()
        if shop is None:
            raise NotFound("店铺不存在")
        row, created = ShopSanction.objects.get_or_create(
            shop=shop, kind=kind, defaults={"reason": reason, "since": now}
        )
        if not created:
            return False
        if kind == SanctionKind.SUSPEND and shop.status == Shop.Status.OPEN:
            shop_suspend(shop_id=shop.pk, reason=reason)
            row.suspended_shop = True
            row.save(update_fields=["suspended_shop"])
        else:
            events.publish(ShopChanged(shop_id=shop.pk))
    return True


def shop_sanction_clear(*, shop_id: int, kind: str) -> bool:
    """Lift a sanction; True when one stood. Lifting a SUSPEND that suspended the shop restores it."""
    with transaction.atomic():
        row = ShopSanction.objects.select_for_update().filter(shop_id=shop_id, kind=kind).first()
        if row is None:
            return False
        row.delete()
        shop = Shop.objects.filter(pk=shop_id).first()
        if row.suspended_shop and shop is not None and shop.status == Shop.Status.SUSPENDED:
            shop_restore(shop_id=shop_id)
        else:
            events.publish(ShopChanged(shop_id=shop_id))
    return True
