"""客服 in the demo: conversations between demo buyers and the first shops, with history, written through the real
services at moments in the last three weeks (the services take `now`), so the workbench has a queue and the
数据中心 · 客服数据 has response times, conversions and ratings. One conversation per shop waits for an answer."""

from collections.abc import Callable
from datetime import timedelta

from wanshang.common.errors import DomainError
from wanshang.orders.selectors import seller_order_list
from wanshang.service.services import (
    conversation_resolve,
    conversation_start,
    message_post,
    presence_set,
    satisfaction_submit,
)

# (where the buyer comes from, [(who, text)], the buyer's rating when resolved; None: left open or unrated)
SCRIPTS = [
    (
        "product",
        [
            ("buyer", "这款有现货吗？今天下单什么时候发？"),
            ("agent", "亲，有现货的，下午4点前付款当天发出哦～"),
            ("buyer", "好的，谢谢"),
        ],
        5,
    ),
    (
        "order",
        [
            ("buyer", "我的订单还没发货，能帮忙催一下吗？"),
            ("note", "仓库反馈今天下午统一出库"),
            ("agent", "亲，已为您加急，今天会安排发出，物流单号稍后同步给您"),
            ("buyer", "好的，麻烦了"),
        ],
        4,
    ),
    (
        "order",
        [
            ("buyer", "收到的尺码偏小，可以换大一码吗？"),
            ("agent", "可以的亲，在订单里申请换货并选择大一码，我们收到退货后马上寄出新的"),
            ("buyer", "运费谁出呀？"),
            ("agent", "尺码问题支持7天无理由，退回运费有运费险的话会自动理赔哦"),
        ],
        5,
    ),
    (
        "shop",
        [("buyer", "店里最近有满减活动吗？"), ("agent", "亲，店铺满199减20，领券中心还有无门槛券哦")],
        None,
    ),
    (
        "product",
        [("buyer", "这个需要自己安装吗？"), ("agent", "不需要的亲，收到即用；如需安装我们提供视频教程")],
        3,
    ),
]
WAITING = ("product", [("buyer", "请问这个颜色实物和图片有色差吗？")], None)
# the demo buyer's own: asked about an order this morning, the shop has answered, the chat is still open
DEMO_BUYER_CHAT = (
    "order",
    [
        ("buyer", "你好，我这个订单大概什么时候能到？"),
        ("agent", "亲，您的包裹已经在路上了，预计 2–3 天送达，订单页可以看到实时物流哦"),
        ("buyer", "好的，到了我确认收货"),
        ("agent", "感谢支持！收到后有任何问题随时联系我们"),
    ],
    None,
)


def _play(*, shop, agent, order, script, at, rng) -> bool:
    origin, lines, stars = script
    context = {"order_id": order.pk} if origin == "order" else {}
    if origin == "product":
        context = {"product_id": order.lines.all()[0].product_id}
    try:
        conv = conversation_start(buyer=order.buyer, shop_id=shop.pk, now=at, **context)
    except DomainError:  # the product is off sale now: ask from the shop page instead
        conv = conversation_start(buyer=order.buyer, shop_id=shop.pk, now=at)
    for who, text in lines:
        at += timedelta(seconds=rng.randint(15, 420) if who != "buyer" else rng.randint(30, 180))
        if who == "note":
            message_post(user=agent, conversation_id=conv.pk, body=text, kind="note", now=at)
        else:
            message_post(
                user=order.buyer if who == "buyer" else agent, conversation_id=conv.pk, body=text, now=at
            )
    if script is WAITING or script is DEMO_BUYER_CHAT:
        return True
    at += timedelta(minutes=rng.randint(5, 40))
    conversation_resolve(user=agent, conversation_id=conv.pk, now=at)
    if stars is not None:
        satisfaction_submit(buyer=order.buyer, conversation_id=conv.pk, stars=stars, comment="", now=at)
    return True


def service_create(*, shops, now, rng, log: Callable[[str], None] = print, demo_buyer=None) -> int:
    """Conversations for the first four shops from their buyers (the oldest first), and one of the demo buyer's
    with a shop they ordered from. Returns how many."""
    made = 0
    mine = getattr(demo_buyer, "pk", None)
    for demo in shops[:4]:
        shop, agent = demo.shop, demo.member("service").user
        presence_set(user=agent, online=True, now=now)
        orders, seen = [], set()
        for order in seller_order_list(shop=shop).order_by("pk")[:60]:
            if order.buyer_id not in seen and order.buyer_id != mine:  # the demo buyer's own chat is below
                seen.add(order.buyer_id)
                orders.append(order)
        scripts = [WAITING, *SCRIPTS]  # the waiting one first: a shop with few buyers still has one
        for i, (order, script) in enumerate(zip(orders, scripts, strict=False)):
            if script is WAITING:
                at = now - timedelta(minutes=rng.randint(20, 90))
            else:
                at = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8), minutes=i)
            if _play(shop=shop, agent=agent, order=order, script=script, at=at, rng=rng):
                made += 1
    if demo_buyer is not None:
        made += _demo_buyer_chat(shops=shops, buyer=demo_buyer, now=now, rng=rng)
    log(f"  客服会话 {made} 个（每店一个待回复，演示买家一个已回复），含满意度评价")
    return made


def _demo_buyer_chat(*, shops, buyer, now, rng) -> int:
    for demo in shops[:4]:  # the shops that have conversations
        order = seller_order_list(shop=demo.shop).filter(buyer=buyer).order_by("-pk").first()
        if order is not None:
            agent = demo.member("service").user
            at = now - timedelta(hours=3)
            return int(
                _play(shop=demo.shop, agent=agent, order=order, script=DEMO_BUYER_CHAT, at=at, rng=rng)
            )
    return 0
