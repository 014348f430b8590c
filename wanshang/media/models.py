from django.conf import settings
from django.db import models

from wanshang.common.scoping import ShopOwnedManager


def _asset_path(instance, filename):  # names are chosen by media.services; this is only FileField's fallback
    return f"shops/{instance.shop_id}/{filename}"


class MediaAsset(models.Model):
    """A shop's uploaded image or video: the cleaned original (EXIF applied then stripped) in the default
    storage, and for images the resized renditions. One row per shop and content (sha256 of the upload)."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        VIDEO = "video", "视频"

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to=_asset_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)  # bytes of the stored original
    content_type = models.CharField(max_length=40)
    # {"thumb": {"webp": url, "webp_path": name, "jpeg": url, "jpeg_path": name, "w": 240, "h": 180}, …}
    renditions = models.JSONField(default=dict, blank=True)
    # who the picture comes from: the shop's own staff, or a buyer (review photos, after-sales evidence), which the
    # shop may show with that review or case but never put on its products
    source = models.CharField(
        max_length=5, choices=[("shop", "店铺上传"), ("buyer", "买家上传")], default="shop", db_default="shop"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Image figures (media.analysis, docs/image-checks.md), measured on upload or by the media.image_checks job;
    # analysed_at None = not measured yet. phash is the signed 64-bit pHash (None for a flat picture) and
    # phash_b0…b3 its four 16-bit bands, indexed: the near-duplicate search looks up bands, then counts bits.
    analysed_at = models.DateTimeField(null=True, blank=True)
    blur_score = models.FloatField(null=True, blank=True)  # variance of the Laplacian; low = blurred
    phash = models.BigIntegerField(null=True, blank=True)
    phash_b0 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    phash_b1 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    phash_b2 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    phash_b3 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    white_background = models.BooleanField(null=True, blank=True)  # its border is (almost all) white

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "媒体文件"
        constraints = [models.UniqueConstraint(fields=["shop", "sha256"], name="uniq_media_shop_sha256")]
        indexes = [
            models.Index(
                fields=["id"], name="media_asset_unanalysed", condition=models.Q(analysed_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.kind}:{self.sha256[:12]}"

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""

    @property
    def aspect(self) -> float:
        """Width over height (1.0 = square); 0 when the size is unknown."""
        return self.width / self.height if self.height else 0.0

    @property
    def thumb_url(self) -> str:
        thumb = (self.renditions or {}).get("thumb") or {}
        return thumb.get("jpeg") or self.url


class ImageDuplicate(models.Model):
    """Two shops' pictures whose perceptual hashes are within the near-duplicate distance: a possible stolen
    picture, for the platform only. `original` is the earlier upload (the likely original), `copy` the later.
    Found when the later one is analysed; the platform dismisses it (not stolen) or opens a case with a note."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "非盗图（已忽略）"
        CASE = "case", "已立案"

    original = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="+")
    copy = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="+")
    original_shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    copy_shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    distance = models.PositiveSmallIntegerField()  # differing bits of the two hashes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)  # the operator's case note or why it is not stolen
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["original", "copy"], name="uniq_image_duplicate_pair"),
            models.CheckConstraint(
                condition=~models.Q(original=models.F("copy")), name="image_duplicate_two"
            ),
        ]
        indexes = [models.Index(fields=["status", "found_at"])]


def _declaration_path(instance, filename):  # names are chosen by media.declarations
    return f"declarations/{instance.shop_id}/{filename}"


class ImageDeclaration(models.Model):
    """The shop says a picture shows a brand's logo or a person's portrait, and attaches the authorisation
    (PDF or image) that allows it; the platform approves or rejects it with a reason. One per picture and kind.
    Nothing detects a logo or a face: a picture nobody marked has no declaration (docs/image-checks.md)."""

    class Kind(models.TextChoices):
        BRAND = "brand", "品牌标识（Logo）"
        PORTRAIT = "portrait", "人物肖像"

    class Status(models.TextChoices):
        MISSING = "missing", "待上传授权"
        PENDING = "pending", "待平台审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已驳回"

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(
        max_length=60, blank=True
    )  # the brand's or the person's name, as the shop says
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MISSING)
    # the authorisation file, under an unguessable name; served only through the seller and platform views
    file = models.FileField(upload_to=_declaration_path, max_length=255, blank=True)
    file_name = models.CharField(max_length=120, blank=True)  # the name it was uploaded with, for people
    file_type = models.CharField(max_length=40, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300, blank=True)  # the platform's reason when it rejects
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="uniq_image_declaration")]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    @property
    def blocks(self) -> bool:
        """A marked picture whose authorisation is missing or was rejected keeps its product's problem open."""
        return self.status in (self.Status.MISSING, self.Status.REJECTED)
