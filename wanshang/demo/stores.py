"""Demo 门店 and 到店自提: two shops open stores (one with pickup paused for renovation), a 门店 staff member is
assigned to a store, the demo buyer has a paid pickup waiting with its code, and another buyer's pickup was
verified at the counter — all through the real services (checkout, sandbox payment, 核销)."""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from wanshang.accounts.selectors import address_default
from wanshang.checkout.services import checkout_submit
from wanshang.common.errors import DomainError
from wanshang.demo.backdate import NumberMaker, Timeline, checkout_backdate, renumber_order, renumber_payment
from wanshang.demo.people import user_ensure
from wanshang.inventory.selectors import available_by_sku
from wanshang.merchants.selectors import staff_for_user
from wanshang.merchants.services import staff_add
from wanshang.payments.models import Payment
from wanshang.payments.services import sandbox_pay
from wanshang.stores.models import Pickup
from wanshang.stores.selectors import pickup_of_order
from wanshang.stores.services import pickup_verify, store_create, store_staff_set

# shop slug → its stores: (name, district code, address, phone, hours, pickup on, latitude, longitude)
STORES = {
    "qinghe-apparel": [
        (
            "杭州湖滨银泰店",
            "330102",
            "延安路258号湖滨银泰in77 B区2楼",
            "0571-87001234",
            "10:00-22:00",
            True,
            "30.2591",
            "120.1656",
        ),
        (
            "杭州西溪印象城店",
            "330106",
            "五常大道1号西溪印象城3楼",
            "0571-88005678",
            "周一至周五 10:00-21:30；周末 10:00-22:00",
            True,
            None,
            None,
        ),
    ],
    "yunchu-appliances": [
        (
            "顺德大良体验店",
            "440606",
            "大良街道新桂中路12号",
            "0757-22201188",
            "09:00-21:00",
            True,
            "22.8406",
            "113.2630",
        ),
        ("佛山祖庙店（装修中）", "440604", "祖庙路33号", "0757-83301199", "09:30-20:30", False, None, None),
    ],
}
# the 门店 staff member of the demo (printed in the banner): shop slug, store index, phone, nickname
CLERK = ("qinghe-apparel", 0, "13800000015", "青禾门店小林")


def store_clerk_login() -> tuple[str, str, str]:
    slug, index, phone, nickname = CLERK
    return phone, nickname, STORES[slug][index][0]


def stores_create(*, shops, buyers, on_sale: dict, log) -> dict:
    """Open the demo stores, assign the 门店 clerk, place one waiting and one verified pickup order."""
    by_slug = {d.spec["slug"]: d for d in shops}
    made: dict[str, list] = {}
    for slug, rows in STORES.items():
        demo = by_slug.get(slug)
        if demo is None:
            continue
        warehouse = demo.warehouses[0]  # 总仓 supplies the stores (the stock the demo products were given)
        for name, district, detail, phone, hours, pickup, lat, lng in rows:
            store = store_create(
                shop=demo.shop,
                name=name,
                district_code=district,
                detail=detail,
                phone=phone,
                hours=hours,
                warehouse_id=warehouse.pk,
                pickup_enabled=pickup,
                latitude=lat,
                longitude=lng,
            )
            made.setdefault(slug, []).append(store)
    slug, index, phone, nickname = CLERK
    if slug not in made:
        return {"stores": 0, "pickups": 0}
    counter = made[slug][index]
    user_ensure(login=phone, nickname=nickname)
    staff_add(shop=counter.shop, login=phone, role="store")
    clerk = staff_for_user(user=user_ensure(login=phone, nickname=nickname))
    store_staff_set(shop=counter.shop, store_id=counter.pk, user_ids=[clerk.user_id])
    pickups = 0
    refs = [r for r in on_sale.get(slug, []) if not r.wholesale_qty]
    stock = available_by_sku(sku_ids=[r.sku_id for r in refs])
    refs = [r for r in refs if stock.get(r.sku_id, 0) >= 3]
    # the demo buyer's pickup waits with its code; another buyer's was collected at the counter
    for buyer, ref, verify in zip(buyers[:2], refs[:2], (False, True), strict=False):
        order = _pickup_order(buyer=buyer, sku_id=ref.sku_id, store=counter)
        if order is None:
            continue
        pickups += 1
        if verify:
            code = pickup_of_order(order_id=order.pk).code
            pickup_verify(staff=clerk, store_id=counter.pk, code=code)
        when = timezone.now().replace(microsecond=0) - timedelta(hours=50 if verify else 20)
        _backdate(order, key=order._demo_key, placed=when, collected_after=26)
    count = sum(len(v) for v in made.values())
    log(
        f"  门店 {count} 家（{len(made)} 个店铺），门店员工 1 人，自提订单 {pickups} 个（1 个待自提，1 个已核销）"
    )
    return {"stores": count, "pickups": pickups}


def _backdate(order, *, key: str, placed, collected_after: int) -> None:
    """Spread the checkout over the last days as a real one (placed, paid minutes later, collected a day
    later) with the demo's back-dating, the pickup's own moments with it."""
    paid = placed + timedelta(minutes=4)
    collected = placed + timedelta(hours=collected_after)
    order.refresh_from_db()
    t = Timeline(created=placed, paid=paid, received=collected if order.received_at else None)
    payment = Payment.objects.get(pk=order.payment_id)
    checkout_backdate(
        buyer_id=order.buyer_id,
        idempotency_key=key,
        payment_id=payment.pk,
        payment_no=payment.no,
        order_ids=[order.pk],
        t=t,
        refund_ids=[],
    )
    numbers = NumberMaker(random.Random(f"wanshang-demo:stores:{order.pk}"))
    renumber_payment(payment_id=payment.pk, no=numbers.make("P", placed))
    renumber_order(order_id=order.pk, no=numbers.make("W", placed))
    pickup = Pickup.objects.get(order=order)
    Pickup.objects.filter(pk=pickup.pk).update(
        created_at=placed,
        paid_at=paid,
        expires_at=paid + (pickup.expires_at - pickup.paid_at),
        picked_up_at=t.received,
    )


def _pickup_order(*, buyer, sku_id, store):
    address = address_default(user=buyer)
    if address is None:
        return None
    key = uuid.uuid4().hex
    try:
        payment = checkout_submit(
            user=buyer,
            items=[(sku_id, 1)],
            address_id=address.pk,
            idempotency_key=key,
            from_cart=False,
            confirm_no_return=True,
            pickup={store.shop_id: store.pk},
        )
        sandbox_pay(buyer=buyer, payment_no=payment.no)
    except DomainError:  # a product the demo's history sold out: skip it
        return None
    order = payment.orders.get()
    order._demo_key = key
    return order
