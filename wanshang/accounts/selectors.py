import hashlib

from django.core.cache import cache
from django.utils import timezone

from wanshang.accounts.models import Address, ApiToken, User
from wanshang.common.errors import NotFound


def normalize_login(login: str) -> str:
    return (login or "").strip().lower()


def user_find_by_login(*, login: str) -> User | None:
    login = normalize_login(login)
    if not login:
        return None
    field = "email" if "@" in login else ("phone" if login.isdigit() else "username")
    return User.objects.filter(**{field: login}).first()


def address_list(*, user) -> list[Address]:
    return list(Address.objects.filter(user=user))


def address_get(*, user, address_id: int) -> Address:
    """An address of this user; another user's id is NotFound."""
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound("收货地址不存在")
    return address


def address_default(*, user) -> Address | None:
    return Address.objects.filter(user=user).first()


def default_province_code(*, user_id: int | None) -> str:
    """The province (GB/T 2260 code) of the user's default address (else their newest), "" if none."""
    if not user_id:
        return ""
    return Address.objects.filter(user_id=user_id).values_list("province_code", flat=True).first() or ""


def user_by_token(*, key: str) -> User | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_token_list(*, user) -> list[ApiToken]:
    """The user's API tokens (prefix only; the key itself is never stored)."""
    return list(ApiToken.objects.filter(user=user).order_by("-id"))


LOGIN_MAX_FAILURES = 10
LOGIN_LOCK_SECONDS = 15 * 60


def _login_failure_key(login: str) -> str:
    return "accounts:login-failures:" + hashlib.sha256(normalize_login(login).encode()).hexdigest()


def login_locked(*, login: str) -> bool:
    """Too many wrong passwords for this login recently: refuse to check more for a while."""
    return (cache.get(_login_failure_key(login)) or 0) >= LOGIN_MAX_FAILURES


def users_by_ids(*, ids) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=list(ids), is_active=True)}


def usernames_by_ids(*, ids) -> dict[int, str]:
    """Display names of users, active or not (lists that name buyers, such as the platform's refund-risk list)."""
    return dict(User.objects.filter(pk__in=list(ids)).values_list("pk", "username"))
