from wanshang.checkout.models import CartItem
from wanshang.common.models import IdempotencyKey
from wanshang.payments.selectors import payment_of_buyer
from wanshang.pricing.selectors import price_items
from wanshang.pricing.types import PricedCart


def cart_items(*, user) -> list[CartItem]:
    return list(CartItem.objects.filter(user=user).order_by("added_at", "id"))


def cart_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return CartItem.objects.filter(user=user).count()


def cart_priced(*, user, district_code: str | None = None, selected_only: bool = False) -> PricedCart:
    """The cart through the pricing pipeline; invalid lines come back flagged, not dropped."""
    items = [(i.sku_id, i.quantity) for i in cart_items(user=user) if i.selected or not selected_only]
    cart = price_items(buyer=user, items=items, district_code=district_code)
    selected = {i.sku_id: i.selected for i in cart_items(user=user)}
    for line in cart.lines:
        line.selected = selected.get(line.sku_id, False)
    return cart


def checkout_payment_for_key(*, user, idempotency_key: str):
    """The payment an earlier, completed checkout with this Idempotency-Key created, or None.

    Lets a client replay a `from_cart` submit after its cart was emptied and get the original answer.
    """
    done = IdempotencyKey.objects.filter(
        user=user, scope="checkout", key=(idempotency_key or "").strip()
    ).first()
    payment_id = (done.result or {}).get("payment_id") if done else None
    return payment_of_buyer(buyer=user, payment_id=payment_id)
