import hashlib
import re
import secrets

from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from wanshang.accounts.models import Address, ApiToken, User
from wanshang.accounts.selectors import LOGIN_LOCK_SECONDS, _login_failure_key, address_get, normalize_login
from wanshang.common.errors import NotFound, ValidationError
from wanshang.fulfillment.selectors import region_path

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def check_phone(phone: str, *, field: str = "phone") -> str:
    phone = (phone or "").strip()
    if not PHONE_RE.match(phone):
        raise ValidationError("请输入 11 位中国大陆手机号", field=field)
    return phone


def user_register(*, login: str, password: str, nickname: str = "") -> User:
    """Sign up a buyer with a mobile number or an e-mail address.

    Raises ValidationError for a malformed login, a weak password or a login already taken.
    """
    login = normalize_login(login)
    fields: dict = {}
    if "@" in login:
        try:
            validate_email(login)
        except DjangoValidationError:
            raise ValidationError("邮箱格式不正确", field="login") from None
        fields["email"] = login
    else:
        fields["phone"] = check_phone(login, field="login")
    try:
        password_validation.validate_password(password, User(username=login))
    except DjangoValidationError as exc:
        raise ValidationError("；".join(exc.messages), field="password") from None
    nickname = (nickname or "").strip()[:40]
    try:
        with transaction.atomic():
            return User.objects.create_user(username=login, password=password, nickname=nickname, **fields)
    except IntegrityError as exc:
        raise ValidationError("该手机号或邮箱已注册", field="login") from exc


def _address_fields(*, receiver, phone, district_code, detail) -> dict:
    receiver = (receiver or "").strip()
    detail = (detail or "").strip()
    if not receiver or len(receiver) > 40:
        raise ValidationError("请填写收货人（不超过 40 字）", field="receiver")
    if len(detail) < 2 or len(detail) > 200:
        raise ValidationError("请填写详细地址（2–200 字）", field="detail")
    path = region_path(code=district_code)  # raises ValidationError for an unknown district
    return {
        "receiver": receiver,
        "phone": check_phone(phone),
        "province_code": path[0].code,
        "city_code": path[1].code,
        "district_code": path[-1].code,
        "region_text": " ".join(r.name for r in path),
        "detail": detail,
    }


@transaction.atomic
def address_create(*, user, receiver, phone, district_code, detail, is_default=False) -> Address:
    fields = _address_fields(receiver=receiver, phone=phone, district_code=district_code, detail=detail)
    first = not Address.objects.filter(user=user).exists()
    if is_default or first:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    return Address.objects.create(user=user, is_default=bool(is_default or first), **fields)


@transaction.atomic
def address_update(*, user, address_id, receiver, phone, district_code, detail, is_default=False) -> Address:
    address = address_get(user=user, address_id=address_id)
    for key, value in _address_fields(
        receiver=receiver, phone=phone, district_code=district_code, detail=detail
    ).items():
        setattr(address, key, value)
    if is_default and not address.is_default:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def address_set_default(*, user, address_id) -> Address:
    address = address_get(user=user, address_id=address_id)
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    address.is_default = True
    address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def address_delete(*, user, address_id) -> None:
    address = address_get(user=user, address_id=address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        nxt = Address.objects.filter(user=user).order_by("-id").first()
        if nxt:
            nxt.is_default = True
            nxt.save(update_fields=["is_default"])


def api_token_create(*, user, name: str = "api") -> str:
    """Create a bearer token and return its key; only the hash is kept."""
    key = "ws_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=(name or "api")[:60],
        prefix=key[:8],
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
    )
    return key


def api_token_revoke(*, user, token_id) -> None:
    """Delete one of the user's API tokens. Another user's token id is NotFound."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound("令牌不存在")


def login_failure_record(*, login: str) -> None:
    """Count a wrong password for `login`; the count expires LOGIN_LOCK_SECONDS after the first failure."""
    key = _login_failure_key(login)
    cache.add(key, 0, LOGIN_LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOGIN_LOCK_SECONDS)


def login_failures_clear(*, login: str) -> None:
    cache.delete(_login_failure_key(login))


def user_staff_grant(*, user, superuser: bool = False) -> User:
    """Give a user the platform-operator flag (is_staff; with `superuser`, Django's superuser flag too).
    Who may become an operator is decided by the caller (merchants.services.operator_grant)."""
    user.is_staff = True
    if superuser:
        user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user
