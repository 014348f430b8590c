from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A plain list for operators: changes go through the platform pages and services, not here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
