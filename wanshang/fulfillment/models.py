from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Region(models.Model):
    """China administrative division (GB/T 2260 code): province → city → district."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class Carrier(models.TextChoices):
    SF = "SF", "顺丰速运"
    ZTO = "ZTO", "中通快递"
    YTO = "YTO", "圆通速递"
    STO = "STO", "申通快递"
    YUNDA = "YUNDA", "韵达快递"
    JD = "JD", "京东物流"
    EMS = "EMS", "中国邮政 EMS"
    JTSD = "JTSD", "极兔速递"
    SELF = "SELF", "商家自配送"


class FreightTemplate(models.Model):
    """How a shop charges shipping. Default rule plus per-region overrides."""

    class Mode(models.TextChoices):
        PIECE = "piece", _("按件数")
        WEIGHT = "weight", _("按重量")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="freight_templates")
    name = models.CharField("模板名称", max_length=60)
    mode = models.CharField("计价方式", max_length=10, choices=Mode.choices, default=Mode.PIECE)
    first_units = models.PositiveIntegerField("首件/首重(克)", default=1)
    first_fen = models.BigIntegerField("首费(分)", default=0)
    additional_units = models.PositiveIntegerField("续件/续重(克)", default=1)
    additional_fen = models.BigIntegerField("续费(分)", default=0)
    free_threshold_fen = models.BigIntegerField("满额包邮(分)", null=True, blank=True)
    excluded_regions = models.JSONField("不配送地区(省/市/区编码)", default=list, blank=True)
    is_default = models.BooleanField("店铺默认", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-is_default", "id"]

    def __str__(self):
        return self.name


class FreightRule(models.Model):
    """A per-region override of a template's prices."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE)
    template = models.ForeignKey(FreightTemplate, on_delete=models.CASCADE, related_name="rules")
    regions = models.JSONField("适用地区(省/市编码)", default=list)
    first_units = models.PositiveIntegerField(default=1)
    first_fen = models.BigIntegerField(default=0)
    additional_units = models.PositiveIntegerField(default=1)
    additional_fen = models.BigIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
