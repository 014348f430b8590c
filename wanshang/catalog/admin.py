"""Django admin lists (/django-admin/). Taxonomy is edited on /platform/ pages, products in the seller center."""

from django.contrib import admin

from wanshang.catalog.models import AttributeTemplate, Brand, Category, PriceHistory, Product, Sku
from wanshang.common.admin import ReadOnlyAdmin
from wanshang.common.money import fen_to_yuan_str


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "slug", "level", "parent", "path", "sort", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "slug"]
    list_select_related = ["parent"]


@admin.register(AttributeTemplate)
class AttributeTemplateAdmin(ReadOnlyAdmin):
    list_display = ["id", "category", "name", "options", "required", "sort"]
    list_filter = ["required"]
    search_fields = ["name", "category__name"]
    list_select_related = ["category"]


@admin.register(Brand)
class BrandAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "name_en"]
    search_fields = ["name", "name_en"]


class SkuInline(admin.TabularInline):
    model = Sku
    fields = ["spec_key", "price_fen", "original_price_fen", "cost_fen", "barcode", "weight_g", "is_active"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "title",
        "shop",
        "category",
        "brand",
        "status",
        "min_price",
        "sales_count",
        "is_wholesale",
        "updated_at",
    ]
    list_filter = ["status", "is_wholesale", "category__level"]
    search_fields = ["title", "subtitle", "shop__name"]
    list_select_related = ["shop", "category", "brand"]
    inlines = [SkuInline]

    @admin.display(description="最低价(元)", ordering="min_price_fen")
    def min_price(self, obj):
        return fen_to_yuan_str(obj.min_price_fen)


@admin.register(Sku)
class SkuAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "shop", "spec_key", "price", "barcode", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["product__title", "barcode", "spec_key"]
    list_select_related = ["product", "shop"]

    @admin.display(description="售价(元)", ordering="price_fen")
    def price(self, obj):
        return fen_to_yuan_str(obj.price_fen)


@admin.register(PriceHistory)
class PriceHistoryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "sku",
        "shop",
        "old_price_fen",
        "price_fen",
        "original_price_fen",
        "changed_by",
        "changed_at",
    ]
    search_fields = ["sku__product__title"]
    list_select_related = ["sku", "shop", "changed_by"]
