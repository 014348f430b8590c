"""门店 and 到店自提 writes: stores and their staff, the pickup of an order from checkout to the store's 核销,
and the expiry of pickups nobody collected.

Lock order, as everywhere: the order row (orders.services.order_lock) first, then the pickup row. The order's
own state machine decides what may happen to it; the pickup row follows it in the same transaction.
"""

import re
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.common import events
from wanshang.common.domain_events import PickupExpired
from wanshang.common.errors import Conflict, DomainError, NotFound, ValidationError
from wanshang.fulfillment.selectors import region_path
from wanshang.inventory.selectors import warehouse_get
from wanshang.merchants.permissions import STORE_ROLE
from wanshang.merchants.selectors import staff_list
from wanshang.orders.selectors import order_facts
from wanshang.orders.services import order_lock, order_pickup_receive
from wanshang.stores.models import Pickup, PickupAttempt, PickupStatus, Store, StoreStaff
from wanshang.stores.selectors import stores_of_staff

PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
CODE_RE = re.compile(r"^\d{8}$")
MAX_WRONG_TRIES = 5  # wrong codes per staff member within LOCK_MINUTES before they are locked out
LOCK_MINUTES = 15


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"


# --- stores -----------------------------------------------------------------------------------------------------


def _coordinate(value, *, field: str, limit: int):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError("坐标须为数字，如 39.908722", field=field) from None
    if not -limit <= number <= limit:
        raise ValidationError(f"坐标须在 −{limit} 到 {limit} 之间", field=field)
    return number


def _store_fields(
    *, shop, name, district_code, detail, phone, hours, warehouse_id, pickup_enabled, latitude, longitude
) -> dict:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationError("请填写门店名称（1–60 字）", field="name")
    region_text = " ".join(r.name for r in region_path(code=district_code))
    detail = (detail or "").strip()
    if not 2 <= len(detail) <= 200:
        raise ValidationError("请填写详细地址（2–200 字）", field="detail")
    phone = (phone or "").strip()
    if not PHONE_RE.match(phone):
        raise ValidationError("请填写门店电话（5–20 位数字，可含 - 和空格）", field="phone")
    hours = (hours or "").strip()
    if not 2 <= len(hours) <= 100:
        raise ValidationError("请填写营业时间（如 09:00-21:00，最多 100 字）", field="hours")
    try:
        warehouse = warehouse_get(shop=shop, warehouse_id=int(warehouse_id))
    except (NotFound, TypeError, ValueError):
        raise ValidationError("请选择本店的供货仓库", field="warehouse_id") from None
    lat = _coordinate(latitude, field="latitude", limit=90)
    lng = _coordinate(longitude, field="longitude", limit=180)
    if (lat is None) != (lng is None):
        raise ValidationError("经纬度须同时填写或同时留空", field="latitude")
    return {
        "name": name,
        "district_code": str(district_code).strip(),
        "region_text": region_text[:100],
        "detail": detail,
        "phone": phone,
        "hours": hours,
        "warehouse": warehouse,
        "pickup_enabled": bool(pickup_enabled),
        "latitude": lat,
        "longitude": lng,
    }


def _save(store: Store) -> Store:
    try:
        with transaction.atomic():
            store.save()
    except IntegrityError:
        raise ValidationError("本店已有同名门店", field="name") from None
    return store


def store_create(
    *,
    shop,
    name,
    district_code,
    detail,
    phone,
    hours,
    warehouse_id,
    pickup_enabled=True,
    latitude=None,
    longitude=None,
) -> Store:
    """Open a store. Raises ValidationError naming the field (name, district_code, detail, phone, hours,
    warehouse_id — another shop's warehouse is refused —, latitude, longitude)."""
    fields = _store_fields(
        shop=shop,
        name=name,
        district_code=district_code,
        detail=detail,
        phone=phone,
        hours=hours,
        warehouse_id=warehouse_id,
        pickup_enabled=pickup_enabled,
        latitude=latitude,
        longitude=longitude,
    )
    return _save(Store(shop=shop, **fields))


def store_update(
    *,
    shop,
    store_id,
    name,
    district_code,
    detail,
    phone,
    hours,
    warehouse_id,
    pickup_enabled=True,
    latitude=None,
    longitude=None,
) -> Store:
    """Change a store of `shop` (NotFound for another shop's). Pickups already placed keep their store."""
    store = Store.objects.for_shop(shop).filter(pk=store_id).first()
    if store is None:
        raise NotFound("门店不存在")
    fields = _store_fields(
        shop=shop,
        name=name,
        district_code=district_code,
        detail=detail,
        phone=phone,
        hours=hours,
        warehouse_id=warehouse_id,
        pickup_enabled=pickup_enabled,
        latitude=latitude,
        longitude=longitude,
    )
    for key, value in fields.items():
        setattr(store, key, value)
    return _save(store)


@transaction.atomic
def store_staff_set(*, shop, store_id, user_ids) -> list[int]:
    """Assign exactly these 门店 staff (user ids) to a store. Only the shop's active staff with the 门店 role
    may be assigned. Returns the assigned user ids."""
    store = Store.objects.for_shop(shop).select_for_update().filter(pk=store_id).first()
    if store is None:
        raise NotFound("门店不存在")
    try:
        wanted = {int(u) for u in user_ids or ()}
    except (TypeError, ValueError):
        raise ValidationError("店员选择无效", field="user_ids") from None
    eligible = {m.user_id for m in staff_list(shop=shop) if m.role == STORE_ROLE and m.is_active}
    unknown = wanted - eligible
    if unknown:
        raise ValidationError("只能指派本店“门店”角色的员工", field="user_ids")
    StoreStaff.objects.for_shop(shop).filter(store=store).exclude(user_id__in=wanted).delete()
    have = set(StoreStaff.objects.for_shop(shop).filter(store=store).values_list("user_id", flat=True))
    StoreStaff.objects.bulk_create(
        [StoreStaff(shop=shop, store=store, user_id=u) for u in sorted(wanted - have)]
    )
    return sorted(wanted)


# --- pickups: checkout → paid → verified / expired ----------------------------------------------------------------


def pickups_create(*, orders, stores: dict) -> list[Pickup]:
    """Checkout placed `orders`; `stores` {shop_id: Store} are the stores their buyer chose. Runs inside the
    checkout's transaction. The code comes when the order is paid (`pickups_paid`)."""
    rows = [
        Pickup(shop_id=o.shop_id, store=stores[o.shop_id], order=o, buyer_id=o.buyer_id)
        for o in orders
        if o.is_pickup
    ]
    return Pickup.objects.bulk_create(rows)


def new_code() -> str:
    """8 random digits from the OS's CSPRNG: not a sequence, not guessable from other codes."""
    return f"{secrets.randbelow(10**8):08d}"


def pickups_paid(*, order_ids, now=None) -> int:
    """OrdersPaid (in the payment's transaction): each pickup of these orders gets its code and its deadline.
    A code is unique among the pickups waiting to be collected (a partial unique index); a clash draws again."""
    now = now or timezone.now()
    days = settings.WANSHANG["PICKUP_EXPIRE_DAYS"]
    done = 0
    for pickup in Pickup.objects.select_for_update().filter(order_id__in=list(order_ids), status="unpaid"):
        pickup.status = PickupStatus.WAITING
        pickup.paid_at = now
        pickup.expires_at = now + timedelta(days=days)
        for _attempt in range(20):
            pickup.code = new_code()
            try:
                with transaction.atomic():
                    pickup.save(update_fields=["status", "paid_at", "expires_at", "code"])
                break
            except IntegrityError:
                continue
        else:  # 20 clashes in a row: 10^8 codes make this practically impossible
            raise Conflict("提货码生成失败，请稍后重试")
        done += 1
    return done


def _attempt(*, staff, store, code: str, ok: bool) -> None:
    PickupAttempt.objects.create(
        shop_id=staff.shop_id, user_id=staff.user_id, store=store, code=code[:20], ok=ok
    )


def _check_not_locked(staff, now) -> int:
    """Refuse a member with MAX_WRONG_TRIES wrong codes in the last LOCK_MINUTES. Returns tries left."""
    since = now - timedelta(minutes=LOCK_MINUTES)
    wrong = PickupAttempt.objects.filter(user_id=staff.user_id, ok=False, created_at__gte=since).count()
    if wrong >= MAX_WRONG_TRIES:
        raise TooManyAttempts(f"提货码连续输错 {MAX_WRONG_TRIES} 次，已锁定，请 {LOCK_MINUTES} 分钟后再试")
    return MAX_WRONG_TRIES - wrong


def _wrong(staff, store, code, left: int, message: str) -> ValidationError:
    """Record a wrong code (before any transaction: it must count although the call is refused) and build the
    error the caller raises."""
    _attempt(staff=staff, store=store, code=code, ok=False)
    left -= 1
    suffix = f"（还可尝试 {left} 次）" if left > 0 else f"（已锁定 {LOCK_MINUTES} 分钟）"
    return ValidationError(message + suffix, code="wrong_code", field="code")


def normalise_code(code) -> str:
    code = re.sub(r"[\s-]", "", str(code or ""))
    if not CODE_RE.match(code):
        raise ValidationError("请输入 8 位数字提货码", field="code")
    return code


def pickup_verify(*, staff, store_id, code, now=None) -> Pickup:
    """核销: a store's staff member verifies the buyer's pickup code at `store_id`; the order becomes received
    and completed. A code works once and only at its store.

    Raises NotFound (a store the member may not use), ValidationError (malformed or wrong code — a code of
    another shop is simply wrong), Conflict (the code belongs to another store of the shop, was used already,
    or its pickup expired or was cancelled), TooManyAttempts (429: locked after repeated wrong codes).
    """
    now = now or timezone.now()
    store = next((s for s in stores_of_staff(staff=staff) if str(s.pk) == str(store_id)), None)
    if store is None:
        raise NotFound("门店不存在或你不在该门店")
    left = _check_not_locked(staff, now)
    code = normalise_code(code)
    # a code may come back after its pickup closed: the waiting one first, else the latest
    found = Pickup.objects.for_shop(staff.shop).filter(code=code).select_related("store")
    pickup = min(found, key=lambda p: (p.status != PickupStatus.WAITING, -p.pk), default=None)
    if pickup is None:  # another shop's code is simply wrong here: it tells nothing about that shop
        raise _wrong(staff, store, code, left, "提货码不正确，请核对后重新输入")
    if pickup.store_id != store.pk:
        _wrong(staff, store, code, left, "")
        raise Conflict(
            f"该提货码不属于本门店，请买家到“{pickup.store.name}”提货", code="other_store", field="code"
        )
    with transaction.atomic():
        order = order_lock(pickup.order_id)
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)  # re-read under the locks
        _check_verifiable(pickup)
        order_pickup_receive(order=order, actor=staff.user, store_name=store.name, now=now)
        pickup.status = PickupStatus.PICKED_UP
        pickup.picked_up_at = now
        pickup.picked_up_by_id = staff.user_id
        pickup.save(update_fields=["status", "picked_up_at", "picked_up_by"])
        _attempt(staff=staff, store=store, code=code, ok=True)
    pickup.order = order
    return pickup


def _check_verifiable(pickup: Pickup) -> None:
    if pickup.status == PickupStatus.PICKED_UP:
        when = timezone.localtime(pickup.picked_up_at).strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"该提货码已于 {when} 核销，不能重复使用", code="already_used", field="code")
    if pickup.status == PickupStatus.EXPIRED:
        raise Conflict("该自提订单已超过自提期限，已取消并退款", code="expired", field="code")
    if pickup.status != PickupStatus.WAITING:
        raise Conflict("该自提订单已取消或已退款，不能提货", code="closed", field="code")


def pickups_expire(*, now=None) -> int:
    """The scheduled job: pickups still waiting past their deadline are closed and PickupExpired is published
    (after-sales refunds the order in full and the stock goes back). Works from the state: a repeated run does
    nothing twice, a missed run catches up; each pickup in its own transaction."""
    now = now or timezone.now()
    due = list(
        Pickup.objects.filter(status=PickupStatus.WAITING, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", "order_id")[:500]
    )
    done = 0
    for pickup_id, order_id in due:
        with transaction.atomic():
            order = order_lock(order_id)
            pickup = Pickup.objects.select_for_update().get(pk=pickup_id)
            if pickup.status != PickupStatus.WAITING or pickup.expires_at > now:
                continue  # verified or closed meanwhile
            pickup.status = PickupStatus.EXPIRED
            pickup.closed_at = now
            pickup.save(update_fields=["status", "closed_at"])
            events.publish(
                PickupExpired(order=order_facts(order), store_id=pickup.store_id, pickup_id=pickup.pk, at=now)
            )
        done += 1
    return done


def pickup_close(*, order_id, now=None) -> int:
    """The order was cancelled unpaid or refunded in full: its pickup can no longer be collected."""
    return Pickup.objects.filter(
        order_id=order_id, status__in=[PickupStatus.UNPAID, PickupStatus.WAITING]
    ).update(status=PickupStatus.CANCELLED, closed_at=now or timezone.now())
