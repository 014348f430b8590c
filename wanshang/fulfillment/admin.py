"""Django admin lists (/django-admin/). Freight templates are edited in the seller center."""

from django.contrib import admin

from wanshang.common.admin import ReadOnlyAdmin
from wanshang.fulfillment.models import FreightRule, FreightTemplate, Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(FreightTemplate)
class FreightTemplateAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "shop",
        "name",
        "mode",
        "first_units",
        "first_fen",
        "additional_units",
        "additional_fen",
        "free_threshold_fen",
        "is_default",
    ]
    list_filter = ["mode", "is_default"]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]


@admin.register(FreightRule)
class FreightRuleAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "template", "regions", "first_fen", "additional_fen"]
    list_select_related = ["shop", "template"]
