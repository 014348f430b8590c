"""Demo 客服: each shop's business hours, auto-reply settings, SLA policies, quick phrases (shop-wide and the
客服's own), a CS answer manual in the FAQ knowledge base fitting its category (退换货, 安装, 赠品, 发货时间,
发票, 物流), and a few tickets — one answered, one waiting, one past its SLA and recorded by the patrol job.
Everything goes through wanshang.helpdesk.services."""

from datetime import timedelta

from wanshang.helpdesk.services import (
    business_hours_save,
    faq_category_save,
    faq_create,
    phrase_create,
    service_settings_save,
    sla_patrol,
    sla_policy_save,
    special_day_save,
    ticket_comment_add,
    ticket_create,
    ticket_transition,
)

# (category, question, similar phrasings, answer); {ship} and {brand-specific} bits are filled per shop kind
COMMON = [
    (
        "发货时间",
        "下单后多久发货",
        ["什么时候发货", "多久能发出", "今天下单今天能发吗", "发货要几天"],
        "亲，现货商品付款后 {ship} 内发货，16:00 前付款当天发出；预售商品以页面标注的发货时间为准。",
    ),
    (
        "物流",
        "发什么快递",
        ["默认快递是哪家", "可以发顺丰吗", "能指定快递吗"],
        "默认发中通/圆通，江浙沪次日达；需要顺丰请联系客服补差价。偏远地区（新疆、西藏等）运费以结算页为准。",
    ),
    (
        "物流",
        "物流信息一直没更新怎么办",
        ["快递几天不动了", "物流不更新", "包裹是不是丢了"],
        "亲，快递揽收后 24 小时内会更新轨迹；超过 48 小时未更新请把订单号发给客服，我们会联系快递核实并优先处理。",
    ),
    (
        "发票",
        "可以开发票吗",
        ["怎么开发票", "能开增值税专用发票吗", "发票抬头怎么填"],
        "可以开具电子普通发票，下单时填写抬头和税号即可，确认收货后 3 个工作日内发送到订单页；专票请联系客服提供开票资料。",
    ),
    (
        "退换货",
        "支持七天无理由退货吗",
        ["可以退货吗", "不喜欢能退吗", "怎么申请退换货", "退货运费谁出"],
        "支持七天无理由退换货（{exempt}）。在订单页点“申请售后”即可；质量问题来回运费由本店承担，非质量问题退货运费由买家承担。",
    ),
    (
        "退换货",
        "退款多久到账",
        ["退款什么时候到", "钱什么时候退回来", "退款进度怎么查"],
        "仓库签收退货后 24 小时内审核退款，原路退回：支付宝/微信一般即时到账，银行卡 1–3 个工作日。",
    ),
    (
        "赠品",
        "有赠品吗",
        ["送什么赠品", "赠品怎么领", "赠品没收到"],
        "{gift}赠品随主商品一起发出，数量有限送完即止；退货时请将赠品一并寄回。",
    ),
]
BY_KIND = {
    "apparel": [
        (
            "尺码",
            "尺码怎么选",
            ["我该穿什么码", "偏大还是偏小", "身高体重选哪个码"],
            "请参考详情页尺码表，按胸围/腰围选择；版型标准，两个码之间建议选大一码。把身高体重发给客服，可帮您推荐。",
        ),
    ],
    "digital": [
        (
            "安装",
            "怎么连接手机",
            ["蓝牙怎么配对", "连不上手机怎么办", "怎么激活"],
            "长按电源键 3 秒进入配对，打开手机蓝牙选择设备名即可；连接失败请先在手机上“忽略此设备”后重试。",
        ),
        (
            "售后保修",
            "保修多久",
            ["有没有质保", "坏了怎么保修", "保修期多长"],
            "整机享受一年官方质保，凭订单号即可保修，无需发票；人为损坏不在保修范围。",
        ),
    ],
    "appliances": [
        (
            "安装",
            "需要安装吗",
            ["包安装吗", "有师傅上门安装吗", "安装收费吗", "怎么预约安装"],
            "大件电器签收后在订单页预约安装，师傅 48 小时内上门，基础安装免费，辅材按价目表收取。",
        ),
        (
            "售后保修",
            "保修多久",
            ["有没有质保", "坏了怎么保修", "电机保修几年"],
            "整机保修一年，电机保修三年，全国联保，凭订单号即可。",
        ),
    ],
    "food": [
        (
            "保存",
            "怎么保存",
            ["保质期多久", "要放冰箱吗", "收到后怎么储存"],
            "常温商品阴凉干燥处保存，生鲜收到后请冷藏并尽快食用，保质期见外包装。",
        ),
        (
            "退换货",
            "坏果怎么赔",
            ["水果坏了怎么办", "收到有坏的", "生鲜破损怎么赔"],
            "生鲜签收 48 小时内拍照联系客服，坏果按比例退款，无需退回。",
        ),
    ],
    "beauty": [
        (
            "使用",
            "敏感肌能用吗",
            ["孕妇能用吗", "过敏怎么办", "适合什么肤质"],
            "产品经过皮肤测试，敏感肌建议先在耳后试用；如有不适请停用并联系客服。",
        ),
    ],
    "home": [
        (
            "安装",
            "需要自己安装吗",
            ["包安装吗", "有安装视频吗", "怎么组装"],
            "家具类商品附安装说明书和视频，主要城市可预约师傅上门安装，详情页标注“送装一体”的免费安装。",
        ),
    ],
    "baby": [
        (
            "使用",
            "适合多大宝宝",
            ["几个月能用", "新生儿能用吗", "年龄段怎么选"],
            "详情页标注了适用月龄，请按宝宝实际月龄选择；不确定可以把宝宝月龄和体重告诉客服。",
        ),
    ],
    "sports": [
        (
            "尺码",
            "尺码怎么选",
            ["鞋码偏大吗", "该选什么码", "身高体重选哪个码"],
            "请参考详情页尺码表，鞋类正常码数，运动服建议按平时尺码选择。",
        ),
        (
            "安装",
            "帐篷好搭吗",
            ["怎么搭帐篷", "有没有安装教程", "一个人能搭吗"],
            "速开帐篷一人 1 分钟即可搭好，包装内附图文教程，详情页有视频演示。",
        ),
    ],
}
GIFTS = {
    "apparel": "满 199 元送收纳袋一个，",
    "digital": "购买耳机送收纳盒和备用耳帽，",
    "appliances": "购买主机送清洁套装一份，",
    "food": "每单随机附赠试吃小样，",
    "beauty": "下单即送同系列旅行装小样，",
    "home": "满 299 元送收纳挂钩一套，",
    "baby": "购买奶瓶送清洗刷一把，",
    "sports": "购买帐篷送地钉与收纳包，",
}
EXEMPT = {
    "food": "生鲜、已拆封食品除外",
    "beauty": "已拆封使用的化妆品除外",
    "digital": "已激活的商品除外",
}

PHRASES = [
    ("问候", "/hi", "您好{买家}，我是本店客服，很高兴为您服务，请问有什么可以帮您？"),
    ("发货", "/fh", "亲，您的订单{订单号}已安排发货，物流单号{物流单号}，请留意查收~"),
    ("售后", "/th", "亲，收到商品如有问题可以在订单页申请售后，我们会第一时间为您处理。"),
    ("售后", "/bc", "非常抱歉给您带来不便，{商品}我们马上为您补发，请您放心。"),
    ("结束", "/bye", "感谢您的支持，祝您生活愉快！有问题随时联系我们~"),
]
PERSONAL = [("常用", "/dd", "稍等哦，我帮您查一下订单{订单号}的情况~")]

SLA = {  # priority → (first response, next response, resolution) in business minutes
    "urgent": (10, 30, 240),
    "high": (30, 60, 480),
    "normal": (60, 120, 1440),
    "low": (240, 480, 2880),
}

TICKETS = [
    ("物流显示签收但买家未收到", "high", "case", "买家称快递柜无包裹，需联系快递核实并视情况补发。"),
    ("申请开具增值税专用发票", "normal", "conversation", "买家需要专票，已提供开票资料，待财务开具。"),
    ("商品少发一件配件", "urgent", "conversation", "买家收到后发现缺少配件，要求补发。"),
    ("询问批量采购价格", "low", "manual", "企业客户询价 50 件，需运营报价。"),
    ("退货已寄回，催问退款进度", "high", "case", "买家已寄回退货并上传单号，询问何时退款。"),
]
FRESH = len(TICKETS) - 1  # the last one came in a quarter of an hour ago: its SLA clock is still running


def _kind(spec) -> str:
    return spec["categories"][0] if spec["categories"][0] in BY_KIND else "apparel"


def _manual(shop, kind: str, ship_hours: int) -> int:
    gift, exempt = GIFTS.get(kind, ""), EXEMPT.get(kind, "定制类商品除外")
    categories: dict[str, int] = {}
    n = 0
    for cat, question, phrasings, answer in COMMON + BY_KIND.get(kind, []):
        if cat not in categories:
            categories[cat] = faq_category_save(shop=shop, name=cat, position=len(categories)).pk
        text = answer.format(ship=f"{ship_hours} 小时", gift=gift, exempt=exempt)
        faq_create(
            shop=shop, category_id=categories[cat], question=question, phrasings=phrasings, answer=text
        )
        n += 1
    return n


def helpdesk_create(*, shops, buyers, now, rng, log) -> None:
    """Hours, settings, SLA, phrases, the FAQ manual and some tickets for every demo shop."""
    faqs = tickets = 0
    for i, demo in enumerate(shops):
        shop = demo.shop
        split = i % 2 == 0
        week = {d: "09:00-12:00, 13:30-22:00" if split else "09:00-23:00" for d in range(7)}
        business_hours_save(shop=shop, week=week)
        today = now.date()
        special_day_save(shop=shop, day=today + timedelta(days=25), kind="closed", note="店庆团建休息")
        service_settings_save(
            shop=shop,
            welcome_text=f"您好，欢迎光临{shop.name}！请问有什么可以帮您？常见问题可以直接提问哦~",
            offhours_text="亲，现在是非工作时间（客服 09:00–22:00 在线），您可以先留言，上班后第一时间回复您。",
            noreply_minutes=3,
            noreply_text="客服正在忙，请您稍等片刻，马上为您服务~",
            faq_autoreply=True,
            agent_cap=8 if split else 12,
            faq_threshold=60,
        )
        for priority, (first, nxt, resolve) in SLA.items():
            sla_policy_save(
                shop=shop,
                priority=priority,
                first_response_minutes=first,
                next_response_minutes=nxt,
                resolution_minutes=resolve,
            )
        owner = demo.owner.user
        for category, code, text in PHRASES:
            phrase_create(shop=shop, actor=owner, personal=False, category=category, code=code, text=text)
        agent = demo.member("service").user
        if agent.pk != owner.pk:
            for category, code, text in PERSONAL:
                phrase_create(shop=shop, actor=agent, personal=True, category=category, code=code, text=text)
        faqs += _manual(shop, _kind(demo.spec), shop.ship_within_hours)
        for j, (title, priority, source, description) in enumerate(TICKETS):
            created = (
                now - timedelta(minutes=15)
                if j == FRESH
                else now - timedelta(days=j + 1, hours=rng.randint(0, 5))
            )
            buyer = buyers[(i + j) % len(buyers)] if buyers else None
            ticket = ticket_create(
                shop=shop,
                actor=agent,
                title=title,
                description=description,
                priority=priority,
                source_kind=source,
                source_id=None if source == "manual" else 1000 + i * 10 + j,
                source_no=""
                if source == "manual"
                else f"{'AS' if source == 'case' else 'C'}{1000 + i * 10 + j}",
                buyer=None if source == "manual" else buyer,
                assignee_id=agent.pk,
                now=created,
            )
            tickets += 1
            if j == 0:  # answered and solved in time
                ticket_comment_add(
                    shop=shop,
                    actor=agent,
                    ticket_id=ticket.pk,
                    body="已联系快递核实，今天为您补发。",
                    public=True,
                    now=created + timedelta(minutes=5),
                )
                ticket_transition(
                    shop=shop,
                    actor=agent,
                    ticket_id=ticket.pk,
                    status="solved",
                    now=created + timedelta(minutes=40),
                )
            elif j == 1:  # answered, waiting for the buyer
                ticket_comment_add(
                    shop=shop,
                    actor=agent,
                    ticket_id=ticket.pk,
                    body="财务核对开票资料中。",
                    public=False,
                    now=created + timedelta(minutes=20),
                )
                ticket_comment_add(
                    shop=shop,
                    actor=agent,
                    ticket_id=ticket.pk,
                    body="请提供开户行与账号。",
                    public=True,
                    now=created + timedelta(minutes=25),
                )
                ticket_transition(
                    shop=shop,
                    actor=agent,
                    ticket_id=ticket.pk,
                    status="pending",
                    now=created + timedelta(minutes=26),
                )
    # one of each shop's tickets stays unanswered past its targets: the patrol records the breaches
    breaches = sla_patrol(now=now)
    log(
        f"  客服：{len(shops)} 家店的营业时间、自动回复与 SLA；知识库 {faqs} 条问答；工单 {tickets} 个（SLA 违约 {breaches} 条）"
    )
