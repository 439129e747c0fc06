from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from slagelse_ou.models import Notification, OrgUnit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("unit", "job_title", "notification_preference")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "is_active")
    list_filter = ("groups", "is_active")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_select_related = ("parent",)
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        # The materialised path depends on the primary key: set it after the first save.
        super().save_model(request, obj, form, change)
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path:
            if change and obj.path:
                # Moving a unit moves its subtree: rewrite the prefix of every descendant.
                from django.db.models import Value
                from django.db.models.functions import Concat, Substr

                old = obj.path
                OrgUnit.objects.filter(path__startswith=old).exclude(pk=obj.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1))
                )
            obj.path = path
            obj.save(update_fields=["path"])


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "created_at", "emailed_at", "read_at")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
