"""Reviews (评价) and shop scores (DSR). Rules and formulas: docs/reviews.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    PENDING = "pending", _("待审核")  # edited by the buyer: hidden until the platform approves it
    HIDDEN = "hidden", _("已隐藏")  # hidden by the platform (a report approved, or an edit refused)


class Review(models.Model):
    """One review of one received order line: stars for the goods, text, images, the merchant's reply, one
    追评 and its reply. A system default review (`is_default`) is written when the buyer stays silent."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField()
    sku_id = models.BigIntegerField()
    spec_text = models.CharField("规格", max_length=200, blank=True)
    title = models.CharField("商品", max_length=60)
    stars = models.PositiveSmallIntegerField("评分")
    text = models.TextField("评价内容", blank=True)
    is_anonymous = models.BooleanField("匿名", default=False)
    is_default = models.BooleanField("系统默认好评", default=False)
    has_images = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED)
    edited_at = models.DateTimeField(null=True, blank=True)  # set once: a review may be edited one time
    reply = models.TextField("商家回复", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    followup_text = models.TextField("追评", blank=True)
    followup_at = models.DateTimeField(null=True, blank=True)
    followup_reply = models.TextField("追评回复", blank=True)
    followup_replied_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product_id", "status", "-created_at"], name="review_product_recent"),
            models.Index(fields=["product_id", "status", "-helpful_count"], name="review_product_helpful"),
            models.Index(fields=["shop", "-created_at"], name="review_shop_recent"),
            models.Index(fields=["status", "edited_at"], name="review_status_edited"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_5"),
        ]

    def __str__(self):
        return f"review {self.pk} of line {self.line_id}"

    @property
    def is_good(self) -> bool:
        return self.stars >= 4

    @property
    def level(self) -> str:
        return "good" if self.stars >= 4 else ("bad" if self.stars <= 2 else "mid")


class ReviewImage(models.Model):
    """A picture of a review or of its 追评: a media asset of the order's shop, uploaded by the buyer."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="images")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey("media.MediaAsset", on_delete=models.PROTECT, related_name="+")
    followup = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["followup", "position", "id"]


class ReviewEvent(models.Model):
    """Audit of every status change and moderation decision of a review, written with the change."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)  # created / edited / approved / hidden / restored / …
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_kind = models.CharField(max_length=10)  # buyer / seller / platform / system
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


class ReviewVote(models.Model):
    """“有用”: one per user per review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="uniq_review_vote")]


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    APPROVED = "approved", _("已隐藏评价")
    REJECTED = "rejected", _("已驳回")


class ReviewReport(models.Model):
    """A merchant asks the platform to hide a review, with a reason; the platform approves (hidden) or rejects."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("举报理由", max_length=300)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField("处理说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(status="pending"), name="uniq_review_open_report"
            ),
        ]


class ShopRating(models.Model):
    """The buyer's DSR of one order (描述相符, 服务态度, 物流服务, 1–5), given with the order's first review.
    System default reviews never write one."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.PositiveSmallIntegerField("描述相符")
    service = models.PositiveSmallIntegerField("服务态度")
    logistics = models.PositiveSmallIntegerField("物流服务")
    rated_at = models.DateTimeField(db_index=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["rated_at", "id"]
        indexes = [models.Index(fields=["shop", "rated_at"], name="shop_rating_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(description__gte=1, description__lte=5)
                & Q(service__gte=1, service__lte=5)
                & Q(logistics__gte=1, logistics__lte=5),
                name="shop_rating_1_5",
            ),
        ]


class ProductRating(models.Model):
    """A product's review figures, rewritten in the transaction of every review change (never per request)."""

    product_id = models.BigIntegerField(primary_key=True)
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)  # shown reviews, defaults included
    written = models.PositiveIntegerField(default=0)  # shown reviews the buyer wrote
    star_sum = models.PositiveIntegerField(default=0)  # stars of the written ones
    good = models.PositiveIntegerField(default=0)  # 4–5 stars, defaults included
    mid = models.PositiveIntegerField(default=0)  # 3 stars
    bad = models.PositiveIntegerField(default=0)  # 1–2 stars
    with_images = models.PositiveIntegerField(default=0)
    with_followup = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    @property
    def average(self) -> float | None:
        return round(self.star_sum / self.written, 2) if self.written else None

    @property
    def good_rate(self) -> float | None:
        """好评率 in percent (4–5 stars, defaults included, over all shown reviews)."""
        return round(100 * self.good / self.count, 1) if self.count else None


class ShopScore(models.Model):
    """A shop's DSR as of `computed_at` (rolling window, monthly cap per buyer; docs/reviews.md) and its
    main category's peer average. Rewritten when a rating arrives and by the daily job."""

    shop = models.OneToOneField(
        "merchants.Shop", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    category_id = models.BigIntegerField(null=True)  # the shop's main category (its peers)
    counted = models.PositiveIntegerField(default=0)  # ratings counted in the window
    description = models.FloatField(null=True)
    service = models.FloatField(null=True)
    logistics = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    objects = ShopOwnedManager()


class CategoryScore(models.Model):
    """The average DSR of the shops whose main category this is (shops with counted ratings only)."""

    category_id = models.BigIntegerField(primary_key=True)
    shops = models.PositiveIntegerField(default=0)
    description = models.FloatField(null=True)
    service = models.FloatField(null=True)
    logistics = models.FloatField(null=True)
    computed_at = models.DateTimeField()


class ShopScoreDay(models.Model):
    """The DSR as it stood at the end of a day (Asia/Shanghai): the seller's DSR trend."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    counted = models.PositiveIntegerField(default=0)
    description = models.FloatField(null=True)
    service = models.FloatField(null=True)
    logistics = models.FloatField(null=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["shop", "day"], name="uniq_shop_score_day")]
