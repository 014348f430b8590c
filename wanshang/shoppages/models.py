"""店铺活动页: a shop's campaign / landing pages, their modules kept as data (docs/shop-pages.md)."""

from django.conf import settings
from django.db import models

from wanshang.common.scoping import ShopOwnedManager


class ShopPage(models.Model):
    """One campaign page of a shop, at /shop/<shop slug>/p/<slug>/ once published.

    `modules` is the ordered list of what the page shows, each a dict with a `type` (banner, heading, text,
    products, coupons, button) and that type's fields (types.py says which); services.clean_modules keeps
    it valid. `starts_at` / `ends_at` bound the campaign window (either may be empty)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        OFFLINE = "offline", "已下线"

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("标题", max_length=60)
    slug = models.SlugField("网址名", max_length=60)
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    modules = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShopOwnedManager()

    class Meta:
        verbose_name = "店铺活动页"
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "slug"], name="shoppage_slug_once")]
        indexes = [models.Index(fields=["shop", "state"], name="shoppage_shop_state")]

    def __str__(self):
        return self.title
