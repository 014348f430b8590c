"""Django admin lists (/django-admin/). Freight templates are edited in the seller center."""

from django.contrib import admin

from wanshang.fulfillment.models import FreightRule, FreightTemplate, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    """A plain list for operators: changes go through the platform pages and services, not here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(FreightTemplate)
class FreightTemplateAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "name", "mode", "first_units", "first_fen", "additional_units", "additional_fen",
                    "free_threshold_fen", "is_default"]
    list_filter = ["mode", "is_default"]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]


@admin.register(FreightRule)
class FreightRuleAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "template", "regions", "first_fen", "additional_fen"]
    list_select_related = ["shop", "template"]
