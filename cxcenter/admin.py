from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Customer, Department, TimelineEntry, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("CX Center"), {"fields": ("display_name", "phone", "department", "preferred_language")}),
    )
    list_display = ("username", "display_name", "email", "department", "is_active")
    list_filter = ("groups", "department", "is_active")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active")
    search_fields = ("name", "code")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "tier", "email", "account_manager", "consents_to_surveys")
    list_filter = ("tier", "consents_to_surveys")
    search_fields = ("name", "organisation", "email")
    list_select_related = ("account_manager",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    """History is evidence: readable, never edited."""

    list_display = ("created_at", "content_type", "object_id", "action", "from_status", "to_status", "actor")
    list_select_related = ("content_type", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
