"""Django admin lists (/django-admin/). Decisions (approve, reject, suspend) happen on /platform/ pages."""

from django.contrib import admin

from wanshang.common.admin import ReadOnlyAdmin
from wanshang.merchants.models import CommissionRate, MerchantApplication, Shop, ShopStaff


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "shop_name",
        "company_name",
        "credit_code",
        "contact_name",
        "contact_phone",
        "applicant",
        "status",
        "created_at",
        "reviewed_at",
    ]
    list_filter = ["status"]
    search_fields = ["shop_name", "company_name", "credit_code", "contact_phone", "applicant__username"]
    list_select_related = ["applicant"]
    date_hierarchy = "created_at"


@admin.register(Shop)
class ShopAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "name",
        "slug",
        "company_name",
        "credit_code",
        "status",
        "suspend_reason",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["name", "slug", "company_name", "credit_code"]


@admin.register(ShopStaff)
class ShopStaffAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "user", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["shop__name", "user__username", "user__phone"]
    list_select_related = ["shop", "user"]


@admin.register(CommissionRate)
class CommissionRateAdmin(ReadOnlyAdmin):
    list_display = ["category", "rate_bps", "updated_at"]
    search_fields = ["category__name"]
    list_select_related = ["category"]
