from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class NeverReturnKind(models.TextChoices):
    """Goods §25 of the consumer protection law (消保法) and the 2017 暂行办法 never let be returned without a
    reason. Set by the platform on a category; its subcategories inherit it."""

    CUSTOM = "custom", _("消费者定作的商品")
    FRESH = "fresh", _("鲜活易腐的商品")
    DIGITAL = "digital", _("在线下载或已拆封的数字商品")
    PERIODICAL = "periodical", _("已交付的报纸、期刊")


class ExcludableReturnKind(models.TextChoices):
    """Goods a merchant may sell without 7天无理由 (暂行办法 §7) — only with the buyer's confirmation at checkout."""

    UNSEALED = "unsealed", _("拆封后易影响人身安全、生命健康或商品品质")
    ACTIVATED = "activated", _("一经激活或试用后价值贬损较大")
    NEAR_EXPIRY = "near_expiry", _("临近保质期的商品")
    DEFECT = "defect", _("有瑕疵的商品（销售时已告知）")


class Category(models.Model):
    """Platform category tree, three levels. `path` ('/1/5/17/') orders and filters subtrees."""

    name = models.CharField("类目名称", max_length=40)
    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(default=1)
    path = models.CharField(max_length=60, db_index=True, default="")
    sort = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # "" = eligible for 7天无理由 unless an ancestor says otherwise (catalog.selectors.category_never_return_kind)
    never_return_kind = models.CharField(
        "不支持7天无理由（法定）", max_length=12, choices=NeverReturnKind.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = "类目"

    def __str__(self):
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self.level == 3


class AttributeTemplate(models.Model):
    """An attribute a category's products describe (材质, 产地 …); `options` empty means free text."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attribute_templates")
    name = models.CharField("属性名", max_length=30)
    options = models.JSONField("可选值", default=list, blank=True)
    required = models.BooleanField("必填", default=False)
    sort = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "name"], name="uniq_category_attribute")]


class Brand(models.Model):
    name = models.CharField("品牌", max_length=60, unique=True)
    name_en = models.CharField(max_length=60, blank=True)
    logo_url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """SPU. Buyable only when on sale in an open shop; see `catalog.selectors.buyable_skus`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ON_SALE = "on_sale", _("出售中")
        OFF_SHELF = "off_shelf", _("已下架")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("商品标题", max_length=60)
    subtitle = models.CharField("副标题", max_length=120, blank=True)
    images = models.JSONField("商品图片", default=list, blank=True)
    video_url = models.CharField("主图视频", max_length=300, blank=True)
    # {image url: its renditions} for the images that came from uploads (kept by catalog.services with
    # `images`), so pages draw <picture> with WebP/JPEG srcsets without another query
    pictures = models.JSONField("图片规格", default=dict, blank=True)
    detail_html = models.TextField("商品详情", blank=True)
    tags = models.JSONField("标签", default=list, blank=True)
    attributes = models.JSONField("商品属性", default=dict, blank=True)
    spec_axes = models.JSONField("规格", default=list, blank=True)  # [{"name": "颜色", "values": [...]}]
    is_wholesale = models.BooleanField("批发商品", default=False)
    min_order_qty = models.PositiveIntegerField("起批量", default=1)
    # §16: a manufacturer's suggested price is shown labelled 厂商指导价, not as a struck-through price.
    original_price_is_msrp = models.BooleanField("划线价为厂商指导价", default=False)
    # 7天无理由: "" = as the category says; a kind = excluded by the merchant, the buyer confirms at checkout
    no_return_kind = models.CharField(
        "不支持7天无理由", max_length=12, choices=ExcludableReturnKind.choices, blank=True, default=""
    )
    no_return_note = models.CharField("不支持7天无理由的说明", max_length=100, blank=True)
    # 承诺发货时间 in hours after payment; None = the shop's promise (Shop.ship_within_hours)
    ship_within_hours = models.PositiveIntegerField("承诺发货时间（小时）", null=True, blank=True)
    freight_template = models.ForeignKey(
        "fulfillment.FreightTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    min_price_fen = models.BigIntegerField(default=0)  # lowest active SKU price, kept by catalog services
    sales_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["shop", "status"]),
        ]

    def __str__(self):
        return self.title

    @property
    def main_image(self) -> str:
        return self.images[0] if self.images else ""


class Sku(models.Model):
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    spec_values = models.JSONField("规格值", default=list)
    spec_key = models.CharField(max_length=200)  # "黑色/M": unique within the product
    price_fen = models.BigIntegerField("售价(分)")
    original_price_fen = models.BigIntegerField("划线价(分)", null=True, blank=True)
    cost_fen = models.BigIntegerField("成本(分)", default=0)
    barcode = models.CharField("条形码", max_length=32, blank=True)
    weight_g = models.PositiveIntegerField("重量(克)", default=0)
    safety_stock = models.PositiveIntegerField("安全库存", default=0)
    is_active = models.BooleanField(default=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "spec_key"], name="uniq_sku_spec"),
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="sku_price_positive"),
            models.CheckConstraint(condition=Q(cost_fen__gte=0), name="sku_cost_nonnegative"),
        ]

    def __str__(self):
        return f"{self.product_id}:{self.spec_key or '默认'}"

    @property
    def spec_text(self) -> str:
        return " ".join(self.spec_values) if self.spec_values else "默认规格"


class PriceHistory(models.Model):
    """Every price a SKU has had, written in the same transaction as the change (price-fraud rules read it)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="price_history")
    price_fen = models.BigIntegerField()
    original_price_fen = models.BigIntegerField(null=True, blank=True)
    old_price_fen = models.BigIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-changed_at", "-id"]


class Favourite(models.Model):
    """A buyer's 收藏: a product kept to come back to. `shop` is the product's, so a shop can count its own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "收藏"
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="uniq_favourite_user_product")
        ]


class ProductMedia(models.Model):
    """An uploaded image or video placed on a product: the gallery in order (position 0 is the main image),
    one image per value of the colour axis (`spec_value`), the main-image video. Kept by
    catalog.services.product_media_set, which mirrors it into Product.images / pictures / video_url."""

    class Role(models.TextChoices):
        MAIN = "main", _("主图")
        GALLERY = "gallery", _("图集")
        SKU = "sku", _("规格图")
        VIDEO = "video", _("主图视频")
        DETAIL = "detail", _("详情图")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    asset = models.ForeignKey("media.MediaAsset", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    spec_value = models.CharField(max_length=30, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["role", "position", "id"]
        indexes = [models.Index(fields=["product", "role"])]


class ImageProblem(models.Model):
    """A problem of a product's pictures (docs/image-checks.md): open while `resolved_at` is None. Opened and
    closed only by catalog.imagechecks, which compares what it finds with the open rows (one open row per
    product and `key`), so a check repeated finds nothing new and a fixed picture closes its row."""

    class Kind(models.TextChoices):
        LOW_RESOLUTION = "low_resolution", _("主图分辨率不足")
        NOT_SQUARE = "not_square", _("主图不是 1:1")
        BLURRED = "blurred", _("主图模糊")
        TOO_FEW = "too_few", _("主图数量不足")
        DUPLICATE = "duplicate", _("与本店其他商品主图重复")
        DECLARATION = "declaration", _("品牌/肖像授权缺失或被驳回")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="image_problems")
    asset = models.ForeignKey(
        "media.MediaAsset", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=60)  # kind plus what it is about: "blurred:12", "too_few"
    detail = models.JSONField(default=dict, blank=True)  # the figures behind it, for the message
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["product_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "key"],
                condition=Q(resolved_at__isnull=True),
                name="uniq_open_image_problem",
            )
        ]
        indexes = [models.Index(fields=["shop", "resolved_at"]), models.Index(fields=["shop", "opened_at"])]

    @property
    def message(self) -> str:
        """What is wrong, for the shop, with the figures behind it."""
        d = self.detail or {}
        n = d.get("position", "")
        if self.kind == self.Kind.LOW_RESOLUTION:
            return _("第%(n)s张主图 %(w)s×%(h)s 像素，低于 %(m)s×%(m)s") % {
                "n": n,
                "w": d.get("w"),
                "h": d.get("h"),
                "m": d.get("min_side"),
            }
        if self.kind == self.Kind.NOT_SQUARE:
            return _("第%(n)s张主图 %(w)s×%(h)s 像素，不是 1:1 正方形") % {
                "n": n,
                "w": d.get("w"),
                "h": d.get("h"),
            }
        if self.kind == self.Kind.BLURRED:
            return _("第%(n)s张主图清晰度 %(s)s，低于 %(t)s（拉普拉斯方差）") % {
                "n": n,
                "s": round(d.get("score") or 0, 1),
                "t": d.get("threshold"),
            }
        if self.kind == self.Kind.TOO_FEW:
            return _("主图 %(c)s 张，至少需要 %(m)s 张") % {"c": d.get("count"), "m": d.get("min_count")}
        if self.kind == self.Kind.DUPLICATE:
            titles = "、".join(f"“{o.get('title', '')}”" for o in d.get("others", [])[:3])
            return _("主图与本店商品 %(t)s 的图片相同或几乎相同") % {"t": titles}
        if d.get("status") == "rejected":
            return _("标记为品牌标识/人物肖像的图片，授权被驳回：%(r)s") % {"r": d.get("reason", "")}
        return _("标记为品牌标识/人物肖像的图片，还没有上传授权文件")


class ProductImageCheck(models.Model):
    """When a product's pictures were last checked: the `catalog.image_checks` job checks again a day later,
    or sooner when one of its pictures was measured since."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="image_check"
    )
    checked_at = models.DateTimeField(db_index=True)
