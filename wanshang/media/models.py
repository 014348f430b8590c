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

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "媒体文件"
        constraints = [models.UniqueConstraint(fields=["shop", "sha256"], name="uniq_media_shop_sha256")]

    def __str__(self):
        return f"{self.kind}:{self.sha256[:12]}"

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""
