"""Demo platform set-up: category tree, commissions, brands, shops (application → approval), staff,
warehouses, freight templates and the merchant applications still waiting for review."""

from dataclasses import dataclass, field
from datetime import timedelta

from wanshang.adlaw.selectors import term_list
from wanshang.adlaw.services import shop_settings_save, terms_import
from wanshang.catalog.models import Category
from wanshang.catalog.selectors import brand_list
from wanshang.catalog.services import attribute_template_save, brand_create, category_create
from wanshang.demo import content
from wanshang.demo.backdate import application_backdate, shop_backdate
from wanshang.demo.people import user_ensure
from wanshang.fulfillment.services import freight_template_save
from wanshang.inventory.selectors import warehouse_list
from wanshang.inventory.services import warehouse_create, warehouse_update
from wanshang.merchants.selectors import staff_for_user
from wanshang.merchants.services import (
    application_approve,
    application_reject,
    application_submit,
    commission_set,
    staff_add,
)

# Platform commission per top-level category slug, in basis points (500 = 5%).
COMMISSION_BPS = {
    "apparel": 500,
    "digital": 200,
    "appliances": 300,
    "food": 300,
    "beauty": 600,
    "home": 400,
    "baby": 400,
    "sports": 400,
}
# A second-level override, to show that the nearest rate up the tree wins.
COMMISSION_OVERRIDES_BPS = {"mobile": 150}

# Shops that get a second warehouse: slug → (name, district, address, contact, phone, share of SKUs stocked).
SECOND_WAREHOUSES = {
    "lanxin-digital": (
        "华东仓（昆山）",
        "320583",
        "花桥镇商务大道88号澜芯物流园",
        "阿强",
        "13800000023",
        0.6,
    ),
    "shanhetian-food": (
        "华北冷链仓（天津）",
        "120116",
        "滨海新区空港经济区西三道158号",
        "老杨",
        "13800000043",
        0.4,
    ),
}
MAIN_WAREHOUSE_DETAIL = {
    "qinghe-apparel": "转塘街道象山路9号青禾产业园",
    "lanxin-digital": "科技南十二路18号澜芯大厦B1",
    "yunchu-appliances": "北滘镇工业大道32号",
    "shanhetian-food": "武侯大道双楠段66号冷链中心",
    "lanzhi-beauty": "张江路1238号兰芷研发中心",
    "qiju-home": "金阊新城白莲路99号",
    "beiya-baby": "光谷大道77号",
    "xingye-outdoor": "湖里大道55号行野仓储中心",
}

REJECTED_REASON = "水产品属于食品类目，请补充上传《食品经营许可证》后重新提交申请。"


@dataclass
class DemoShop:
    spec: dict  # the content.SHOPS entry
    shop: object
    owner: object  # ShopStaff of the owner
    staff: dict = field(default_factory=dict)  # role → ShopStaff (first of each role)
    warehouses: list = field(default_factory=list)
    opened: object = None  # when the shop was approved (back-dated)

    def member(self, *roles):
        """The first staff member holding one of `roles`, else the owner."""
        for role in roles:
            if role in self.staff:
                return self.staff[role]
        return self.owner


def categories_create(*, log) -> dict:
    """The whole content.CATEGORY_TREE with attribute templates on the leaves. Returns slug → Category."""
    existing = {c.slug: c for c in Category.objects.all()}
    by_slug = {}
    templates = 0
    for sort, (node, level, parent) in enumerate(content.iter_categories()):
        category = existing.get(node["slug"])
        if category is None:
            category = category_create(
                name=node["name"],
                slug=node["slug"],
                parent_id=by_slug[parent["slug"]].pk if parent else None,
                sort=sort,
                never_return_kind=node.get("never_return_kind", ""),
            )
            for attr in node.get("attributes", []) if level == 3 else []:
                attribute_template_save(
                    category_id=category.pk,
                    name=attr["name"],
                    options=attr["options"],
                    required=attr["required"],
                )
                templates += 1
        by_slug[node["slug"]] = category
    leaves = sum(1 for c in by_slug.values() if c.level == 3)
    log(f"  类目 {len(by_slug)} 个（三级类目 {leaves} 个），属性模板 {templates} 条")
    return by_slug


def commissions_set(*, categories: dict, log) -> None:
    rates = {**COMMISSION_BPS, **COMMISSION_OVERRIDES_BPS}
    for slug, bps in rates.items():
        commission_set(category=categories[slug], rate_bps=bps)
    log("  佣金比例：" + "，".join(f"{categories[s].name} {b / 100:g}%" for s, b in rates.items()))


def brands_create(*, log) -> dict:
    """content.BRANDS. Returns name → Brand."""
    existing = {b.name: b for b in brand_list()}
    out = {}
    for spec in content.BRANDS:
        out[spec["name"]] = existing.get(spec["name"]) or brand_create(
            name=spec["name"], name_en=spec["name_en"]
        )
    log(f"  品牌 {len(out)} 个")
    return out


def _submit(spec: dict, *, categories: dict):
    owner = spec["owner"]
    user = user_ensure(login=owner["phone"], nickname=owner["nickname"])
    return user, application_submit(
        user=user,
        company_name=spec["company"],
        credit_code=spec["credit_code"],
        contact_name=owner["name"],
        contact_phone=owner["phone"],
        shop_name=spec["name"],
        categories=[categories[slug] for slug in spec["categories"]],
    )


def shops_open(*, operator, categories: dict, now, rng, log) -> list[DemoShop]:
    """Every content.SHOPS entry: owner applies, the operator approves, then staff, warehouses, freight."""
    if (
        not term_list().exists()
    ):  # the scanner's list, as the migration seeds it (a flushed test database has none)
        terms_import()
    shops = []
    for i, spec in enumerate(content.SHOPS):
        user, app = _submit(spec, categories=categories)
        shop = application_approve(application_id=app.pk, reviewer=operator, slug=spec["slug"])
        # through the seller's 店铺设置 path: the name and description pass the 广告法 scanner
        shop, _warnings = shop_settings_save(shop=shop, name=spec["name"], description=spec["description"])
        demo = DemoShop(spec=spec, shop=shop, owner=staff_for_user(user=user))
        for member in spec.get("staff", []):
            user_ensure(login=member["phone"], nickname=member["nickname"])
            staff = staff_add(shop=shop, login=member["phone"], role=member["role"])
            demo.staff.setdefault(member["role"], staff)
        main = warehouse_list(shop=shop)[0]
        region = spec["credit_code"][2:8]  # the company's registered district doubles as its warehouse's
        warehouse_update(
            shop=shop,
            warehouse_id=main.pk,
            name="总仓",
            district_code=region,
            detail=MAIN_WAREHOUSE_DETAIL.get(spec["slug"], "物流园1号库"),
            contact=spec["owner"]["name"],
            phone=spec["owner"]["phone"],
            is_default=True,
        )
        if spec["slug"] in SECOND_WAREHOUSES:
            name, district, detail, contact, phone, _ = SECOND_WAREHOUSES[spec["slug"]]
            warehouse_create(
                shop=shop, name=name, district_code=district, detail=detail, contact=contact, phone=phone
            )
        demo.warehouses = warehouse_list(shop=shop)
        freight_templates_create(demo)
        # the flagship stores opened 150 to 87 days ago, the specialists since then
        days = 150 - i * 9 if i < 8 else 80 - (i - 8) * 5
        approved = now - timedelta(days=days + rng.uniform(0, 5))
        shop_backdate(
            shop_id=shop.pk,
            application_id=app.pk,
            submitted=approved - timedelta(hours=rng.uniform(20, 70)),
            approved=approved,
        )
        demo.opened = approved
        shops.append(demo)
    staff_count = sum(len(s.spec.get("staff", [])) for s in shops)
    log(
        f"  店铺 {len(shops)} 家（入驻申请 → 审核通过），店员 {staff_count} 人，"
        f"第二仓库 {len(SECOND_WAREHOUSES)} 个"
    )
    return shops


def freight_templates_create(demo: DemoShop) -> None:
    """Two shops get their own default template: per-region prices for remote provinces, and places they do
    not deliver to."""
    slug = demo.spec["slug"]
    if slug == "qinghe-apparel":
        freight_template_save(
            shop=demo.shop,
            name="满99包邮（偏远地区另计）",
            mode="piece",
            first_units=1,
            first_fen=800,
            additional_units=1,
            additional_fen=300,
            free_threshold_fen=9900,
            excluded_regions=["542500", "540600"],  # 阿里地区、那曲市：快递暂不可达
            rules=[
                {
                    "regions": ["650000", "540000"],
                    "first_units": 1,
                    "first_fen": 2000,
                    "additional_units": 1,
                    "additional_fen": 1000,
                },  # 新疆、西藏
                {
                    "regions": ["150000", "620000", "630000", "640000"],
                    "first_units": 1,
                    "first_fen": 1500,
                    "additional_units": 1,
                    "additional_fen": 500,
                },  # 内蒙古、甘肃、青海、宁夏
            ],
            is_default=True,
        )
    elif slug == "shanhetian-food":
        freight_template_save(
            shop=demo.shop,
            name="生鲜冷链（按重量）",
            mode="weight",
            first_units=1000,
            first_fen=1200,
            additional_units=1000,
            additional_fen=400,
            free_threshold_fen=19900,
            excluded_regions=["650000", "540000"],  # 新疆、西藏：冷链暂不可达
            rules=[
                {
                    "regions": ["150000", "620000", "630000", "640000"],
                    "first_units": 1000,
                    "first_fen": 2000,
                    "additional_units": 1000,
                    "additional_fen": 800,
                },
                {
                    "regions": ["230000", "220000", "460000"],
                    "first_units": 1000,
                    "first_fen": 1600,
                    "additional_units": 1000,
                    "additional_fen": 600,
                },  # 黑龙江、吉林、海南
            ],
            is_default=True,
        )


def applications_pending(*, operator, categories: dict, now, rng, log) -> None:
    """content.PENDING_APPLICATIONS stay pending. The last applicant was rejected once before (missing food
    licence) and applied again, so the review list also shows a rejection with its reason."""
    specs = content.PENDING_APPLICATIONS
    for i, spec in enumerate(specs):
        if i == len(specs) - 1:
            _, first = _submit(spec, categories=categories)
            application_reject(application_id=first.pk, reviewer=operator, reason=REJECTED_REASON)
            submitted = now - timedelta(days=rng.uniform(9, 12))
            application_backdate(
                application_id=first.pk,
                submitted=submitted,
                reviewed=submitted + timedelta(hours=rng.uniform(18, 40)),
            )
        _, app = _submit(spec, categories=categories)
        application_backdate(application_id=app.pk, submitted=now - timedelta(hours=rng.uniform(3, 70)))
    log(f"  待审核入驻申请 {len(specs)} 份，已驳回 1 份")
