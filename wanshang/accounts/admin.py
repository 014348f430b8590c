"""Django admin lists (/django-admin/). Read-mostly: only an account's flags may be changed here."""

from django.contrib import admin

from wanshang.accounts.models import Address, ApiToken, User
from wanshang.common.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "username",
        "phone",
        "email",
        "nickname",
        "account_type",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "account_type"]
    search_fields = ["username", "phone", "email", "nickname"]
    ordering = ["-id"]
    fields = [
        "username",
        "phone",
        "email",
        "nickname",
        "account_type",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["username", "phone", "email", "date_joined", "last_login"]

    def has_add_permission(self, request, obj=None):
        return False  # people register through the site; passwords are never handled here

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "receiver", "phone", "region_text", "detail", "is_default"]
    search_fields = ["receiver", "phone", "user__username", "user__phone"]
    list_select_related = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "name", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix", "name"]
    list_select_related = ["user"]
    exclude = ["key_hash"]

    def has_delete_permission(self, request, obj=None):
        return True  # revoking a leaked token
