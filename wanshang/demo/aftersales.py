"""售后 in the demo: return addresses for the first shops and a few cases on recent orders, opened through the
real services at load time (so their deadlines count from now): a return waiting for the shop, a return the
buyer must send back, a 仅退款 of an unshipped order, and a rejected request taken to the platform. No money moves
(the orders stay as the order history made them): the shops' 极速退款 is off while these scenes are opened, so the
unshipped 仅退款 waits for the shop, and back on afterwards."""

from collections.abc import Callable

from wanshang.aftersales.selectors import order_claimable, reason_list
from wanshang.aftersales.services import (
    case_approve,
    case_escalate,
    case_open,
    case_reject,
    return_address_save,
    shop_instant_refund_set,
)
from wanshang.common.errors import DomainError
from wanshang.orders.selectors import seller_order_list

ADDRESSES = [
    "杭州市余杭区仓前街道文一西路 1 号 2 号仓",
    "上海市嘉定区安亭镇墨玉路 88 号",
    "广州市白云区太和镇 3 号仓",
]
# (order status, case type, reason, what the shop does next)
DELIVERED = ("completed", "shipped")  # completed within the after-sales window, or still on its way
PLANS = [  # in this order: a shop with few recent orders still shows the rarer ones
    (DELIVERED, "refund_only", "少件/错发", "reject_escalate"),
    (DELIVERED, "return_refund", "尺码/规格不合适", "approve"),
    (DELIVERED, "return_refund", "质量问题", None),
    (("paid",), "refund_only", "拍错/多拍", None),
]


def aftersales_create(*, shops, log: Callable[[str], None] = print) -> int:
    """Open the demo's cases; an order that cannot take one (too old, refunded) is skipped. Returns the count."""
    reasons = {r.name: r.pk for r in reason_list()}
    made = 0
    for n, demo in enumerate(shops[:6]):
        shop, owner = demo.shop, demo.member("service").user
        return_address_save(
            shop=shop,
            contact="售后仓",
            phone="0571-88886666",
            address=ADDRESSES[n % len(ADDRESSES)],
            is_default=True,
        )
        used: set[int] = set()
        shop_instant_refund_set(shop=shop, enabled=False)
        for statuses, kind, reason, then in PLANS:
            candidates = [o for status in statuses for o in seller_order_list(shop=shop, status=status)[:15]]
            for order in candidates:
                if order.pk in used:
                    continue
                left = order_claimable(order=order)
                line_id = next((lid for lid, q in left.items() if q), None)
                if line_id is None:
                    continue
                try:
                    case = case_open(
                        buyer=order.buyer,
                        order_id=order.pk,
                        case_type=kind,
                        lines=[(line_id, 1)],
                        reason_id=reasons[reason],
                        description="演示：" + reason,
                    )
                except DomainError:
                    continue
                used.add(order.pk)
                if then == "approve":
                    case_approve(shop=shop, case_id=case.pk, actor=owner)
                elif then == "reject_escalate":
                    case_reject(shop=shop, case_id=case.pk, actor=owner, reason="已按订单发全，出库称重无误")
                    case_escalate(
                        buyer=order.buyer, case_id=case.pk, text="只收到一件，商家拒绝退款，请平台处理"
                    )
                made += 1
                break
        shop_instant_refund_set(shop=shop, enabled=True)
    log(f"  售后单 {made} 个（退货待处理、待买家寄回、仅退款、平台介入）")
    return made
