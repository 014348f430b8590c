"""Demo rules and risk (issue 15): what the 广告法 scanner, the 图片体检, the 规则中心 and the 体检中心 show in the
demo, all made through the real services so every hit, problem and item is one the product found itself.

- 广告法: three shops edit their description through `adlaw.services.shop_settings_save` (the seller's 店铺设置
  path): one with a 慎用 term and no exemption (an open hit), one citing a sales statistic with an exemption
  claim still waiting for the platform (pending, with its evidence), one naming its registered trademark with
  an approved claim (the hit is exempt).
- 图片体检: one product's pictures are uploaded through `media.services.image_upload` like a merchant's, one of
  them out of focus (主图模糊); the products planned with few pictures (demo/catalog.py) show 主图数量不足; then
  the image check runs over every product, as the nightly `catalog.image_checks` job would.
- 规则中心: a rule published in two versions, the current one acknowledged by every other shop.
- 体检中心: the `health.indicators` job runs once, so warnings (广告法 hits, image problems, and whatever the
  month of orders earned) open items with their 48-hour deadlines.
"""

import io
import zlib
from datetime import timedelta

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

from wanshang.adlaw.services import claim_decide, claim_file, shop_settings_save
from wanshang.catalog.models import ImageProblem, Product
from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.demo import artwork
from wanshang.demo.catalog import UPLOAD_PICTURES_SHOP
from wanshang.health.models import HealthItem
from wanshang.health.services import indicators_compute, rule_acknowledge, rule_publish
from wanshang.media.services import image_upload

# Shop slug → the sentence the shop adds to its description, and the exemption it claims (None: no claim).
COPY = {
    "qinghe-apparel": {"sentence": "面料与版型工艺行业领先，欢迎比较。", "claim": None},
    "lanxin-digital": {
        "sentence": "2025年天猫蓝牙耳机类目销量第一（数据来源：第三方电商监测报告）。",
        "claim": {
            "term": "销量第一",
            "text": "2025年天猫蓝牙耳机类目销量第一",
            "kind": "statistic",
            "note": "统计时间 2025年1月1日至12月31日，地域：中国大陆，数据来源：第三方电商监测报告（附件）。",
            "approve": None,  # waits for the platform's review
        },
    },
    "chashanli-tea": {
        "sentence": "“至臻”系列为本店注册商标（第45678912号），专注高山云雾茶。",
        "claim": {
            "term": "至臻",
            "text": "“至臻”系列为本店注册商标",
            "kind": "trademark",
            "note": "“至臻”为本店第30类注册商标，附商标注册证。",
            "approve": "商标注册证与店铺主体一致，仅限该商标名称使用。",
        },
    },
}
BLURRED_POSITION = 3  # the 3rd 主图 (1-based) is the blurred one
RULE_CODE = "product-info"
RULE_TITLE = "商品信息发布与广告用语规范"
RULE_BODY_V1 = (
    "一、商品标题、副标题、详情、店铺名称与简介等买家可见文字不得使用“最”“第一”“国家级”等绝对化用语，"
    "可改用“热销”“优选”“行业口碑”等表述。\n"
    "二、主图不少于5张，首图为白底或浅色背景，不得使用他人商标、未经授权的肖像或模糊的检测报告。\n"
    "三、体检中心发出的预警须在48小时内整改，逾期按规则扣分。"
)
RULE_BODY_V2 = RULE_BODY_V1 + (
    "\n四、引用销量、排名等统计数据的，须注明统计时间、地域与数据来源，并在广告法豁免申请中上传证明文件，"
    "审核通过后方可使用。"
)


def _evidence_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned certificate (ASCII text: the standard fonts have no 汉字)."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _evidence_png(seed: str) -> bytes:
    """A screenshot-like PNG: a report page with a bar chart."""
    im = Image.new("RGB", (640, 420), (250, 250, 247))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 640, 48), fill=(40, 90, 160))
    h = zlib.crc32(seed.encode())
    for k in range(6):
        height = 60 + (h >> (k * 4)) % 220
        draw.rectangle((60 + k * 90, 380 - height, 120 + k * 90, 380), fill=(90, 140 - k * 12, 200))
    draw.line((40, 380, 610, 380), fill=(60, 60, 60), width=2)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def shop_copy_create(*, operator, shops, log) -> None:
    """The three shops' description edits and exemption claims (see COPY), through the seller's paths."""
    by_slug = {demo.spec["slug"]: demo for demo in shops}
    warned = claims = 0
    for slug, spec in COPY.items():
        demo = by_slug.get(slug)
        if demo is None:
            continue
        claim = spec["claim"]
        if claim is not None:
            files = [
                ContentFile(_evidence_pdf(f"Evidence: {slug} {claim['kind']}"), name=f"{slug}-证明.pdf"),
                ContentFile(_evidence_png(slug), name=f"{slug}-截图.png"),
            ]
            filed = claim_file(
                shop=demo.shop,
                user=demo.owner.user,
                term=claim["term"],
                text=claim["text"],
                kind=claim["kind"],
                note=claim["note"],
                files=files,
            )
            if claim["approve"]:
                claim_decide(claim_id=filed.pk, reviewer=operator, approve=True, reason=claim["approve"])
            claims += 1
        description = f"{demo.shop.description}{spec['sentence']}"
        demo.shop, warnings = shop_settings_save(shop=demo.shop, name=demo.shop.name, description=description)
        warned += bool(warnings)
    log(f"  店铺简介经广告法扫描：{warned} 家有慎用语提示；豁免申请 {claims} 份（通过 1 份，待审核 1 份）")


def _blurred_upload(demo, product: Product) -> int:
    """Upload the product's five 主图 as a merchant would, the BLURRED_POSITION-th out of focus. The asset ids."""
    ids = []
    for k in range(5):
        data = artwork.product_picture(kind=product.category.slug, variant=k)
        if k == BLURRED_POSITION - 1:
            im = Image.open(io.BytesIO(data)).filter(ImageFilter.GaussianBlur(9))
            out = io.BytesIO()
            im.save(out, "JPEG", quality=84)
            data = out.getvalue()
        upload = ContentFile(data, name=f"main-{k + 1}.jpg")
        asset = image_upload(shop=demo.shop, file=upload, purpose="main" if k == 0 else "gallery")
        ids.append(asset.pk)
    return ids


def image_checks_run(*, shops, on_sale: dict, log) -> None:
    """Upload the pictures of the product demo/catalog.py left without (UPLOAD_PICTURES_SHOP), one of them out
    of focus. Every product's pictures were checked when it was saved (catalog.services.product_save), as the
    nightly `catalog.image_checks` job would; setting the uploads checks this one again."""
    demo = next((d for d in shops if d.spec["slug"] == UPLOAD_PICTURES_SHOP), None)
    ids = dict.fromkeys(ref.product_id for ref in on_sale.get(UPLOAD_PICTURES_SHOP) or [])
    products = Product.objects.select_related("category").filter(pk__in=list(ids)).order_by("pk")
    for product in products if demo is not None else []:
        if not product.images:
            staff = demo.member("operations")
            media = MediaInput(gallery=_blurred_upload(demo, product))
            product_media_set(staff=staff, product_id=product.pk, media=media)
    open_problems = ImageProblem.objects.filter(resolved_at__isnull=True)
    kinds = {label: open_problems.filter(kind=kind).count() for kind, label in ImageProblem.Kind.choices}
    found = "，".join(f"{label} {n}" for label, n in kinds.items() if n) or "无"
    log(f"  图片体检：未解决问题 {found}")


def rules_publish(*, operator, shops, now, log) -> None:
    """RULE_CODE in two versions (the second effective in a week); every other shop acknowledged the second."""
    rule_publish(
        actor=operator, code=RULE_CODE, title=RULE_TITLE, body=RULE_BODY_V1, effective_at=now, now=now
    )
    current = rule_publish(
        actor=operator,
        code=RULE_CODE,
        title=RULE_TITLE,
        body=RULE_BODY_V2,
        effective_at=now + timedelta(days=7),
        now=now,
    )
    acked = 0
    for i, demo in enumerate(shops):
        if i % 2 == 1:
            rule_acknowledge(shop=demo.shop, actor=demo.owner.user, rule_id=current.pk, now=now)
            acked += 1
    log(
        f"  规则中心：《{RULE_TITLE}》第 {current.version} 版，{acked} 家店铺已确认，{len(shops) - acked} 家未确认"
    )


def health_check_run(*, now, log) -> None:
    """The daily 体检中心 job, once: warnings open items with their deadlines."""
    opened = indicators_compute(now=now)
    shops = HealthItem.objects.filter(status="open").values("shop_id").distinct().count()
    log(f"  体检中心：预警 {opened} 项，涉及店铺 {shops} 家（48 小时内整改）")
