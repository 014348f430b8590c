"""门店 and 到店自提 reads: a shop's stores, the stores a staff member may verify at, the stores a buyer may
pick up at, an order's pickup with its QR code."""

import segno

from wanshang.common.errors import NotFound, ValidationError
from wanshang.merchants.permissions import STORE_ROLE
from wanshang.stores.models import Pickup, PickupStatus, Store, StoreStaff


def store_list(*, shop) -> list[Store]:
    return list(Store.objects.for_shop(shop).select_related("warehouse"))


def store_get(*, shop, store_id) -> Store:
    store = Store.objects.for_shop(shop).select_related("warehouse").filter(pk=store_id).first()
    if store is None:
        raise NotFound("门店不存在")
    return store


def store_staff_ids(*, shop, store_id) -> list[int]:
    return sorted(
        StoreStaff.objects.for_shop(shop).filter(store_id=store_id).values_list("user_id", flat=True)
    )


def stores_of_staff(*, staff) -> list[Store]:
    """The stores a member may verify at: a 门店 member only the ones assigned to them, any other role with the
    permission (店主) every store of the shop."""
    stores = Store.objects.for_shop(staff.shop).order_by("id")
    if staff.role == STORE_ROLE:
        stores = stores.filter(assignments__user_id=staff.user_id)
    return list(stores)


def pickup_stores(*, shop_ids) -> dict[int, list[Store]]:
    """The stores a buyer may choose for each shop at checkout (pickup on)."""
    out: dict[int, list[Store]] = {}
    for store in Store.objects.filter(shop_id__in=list(shop_ids), pickup_enabled=True).order_by("id"):
        out.setdefault(store.shop_id, []).append(store)
    return out


def checkout_pickup_stores(*, pickup: dict) -> dict[int, Store]:
    """The buyer's choice {shop_id: store_id} checked: each store exists, belongs to that shop and offers
    pickup. Returns {shop_id: Store}. Raises ValidationError (field `pickup`)."""
    out = {}
    for shop_id, store_id in (pickup or {}).items():
        store = (
            Store.objects.filter(pk=store_id, shop_id=shop_id).first() if str(store_id).isdigit() else None
        )
        if store is None:
            raise ValidationError("自提门店不存在或不属于该店铺", field="pickup")
        if not store.pickup_enabled:
            raise ValidationError(f"门店“{store.name}”暂不支持到店自提", field="pickup")
        out[int(shop_id)] = store
    return out


def pickup_of_order(*, order_id) -> Pickup | None:
    return Pickup.objects.select_related("store").filter(order_id=order_id).first()


def pickups_of_orders(*, order_ids) -> dict[int, Pickup]:
    return {
        p.order_id: p for p in Pickup.objects.select_related("store").filter(order_id__in=list(order_ids))
    }


def staff_pickups(*, staff, store_id=None, status: str = "waiting"):
    """Pickup orders of the stores the member may verify at (one of them with `store_id`), newest first."""
    stores = [s.pk for s in stores_of_staff(staff=staff)]
    if store_id not in (None, ""):
        stores = [pk for pk in stores if str(pk) == str(store_id)]
    rows = Pickup.objects.for_shop(staff.shop).filter(store_id__in=stores).select_related("store", "order")
    if status in PickupStatus.values:
        rows = rows.filter(status=status)
    elif status != "all":
        rows = rows.exclude(status=PickupStatus.UNPAID)
    return rows.order_by("-id")


def seller_pickup_get(*, staff, pickup_id) -> Pickup:
    pickup = staff_pickups(staff=staff, status="all").filter(pk=pickup_id).first()
    if pickup is None:
        raise NotFound("自提订单不存在")
    return pickup


def qr_svg(code: str) -> str:
    """The QR code of a pickup code as inline SVG (segno: no image library, crisp at any size)."""
    return segno.make(code, error="m", micro=False).svg_inline(scale=6, border=2, title="提货码二维码")
