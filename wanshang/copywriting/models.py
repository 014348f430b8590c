"""Copy tools: the FABE detail builder, title and button checks, the visual brief."""

from django.conf import settings
from django.db import models

from wanshang.common.scoping import ShopOwnedManager


class FabeDetail(models.Model):
    """A product's detail composed as FABE modules, kept as data so the seller can come back and edit it.

    `modules`: [{"kind": "feature|advantage|benefit|evidence", "heading": str, "lines": [str],
    "image_ids": [media asset id]}] in the order shown. `html` is the sanitised HTML they make; `applied_html`
    what was last written into the product's detail (to replace that part, not append it again, next time)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="+")
    modules = models.JSONField(default=list)
    html = models.TextField(blank=True)
    applied_html = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        verbose_name = "FABE 详情"


class CopySettings(models.Model):
    """A shop's copy-tool choices: the order of selling-point kinds in the designers' brief."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    point_order = models.JSONField(default=list)  # kinds of brief.POINT_KINDS, first = most important

    objects = ShopOwnedManager()

    class Meta:
        verbose_name = "文案工具设置"
