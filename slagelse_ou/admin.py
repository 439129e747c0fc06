from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from slagelse_ou.admin_base import ReadOnlyAdmin
from slagelse_ou.exceptions import DomainError
from slagelse_ou.models import Notification, OrgUnit, OrgUnitEvent, User
from slagelse_ou.services import org_unit_move, org_unit_move_check


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("unit", "job_title", "notification_preference")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "is_active")
    list_filter = ("groups", "is_active")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "parent", "managers"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if self.instance.pk is not None:  # a new unit has no subtree to move into
            try:
                org_unit_move_check(unit=self.instance, new_parent=parent)
            except DomainError as error:
                raise forms.ValidationError(error.message, code="cycle") from error
        return parent


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    form = OrgUnitForm
    list_display = ("name", "kind", "parent")
    list_select_related = ("parent",)
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        if not change:
            # The materialised path depends on the primary key: set it after the first save.
            super().save_model(request, obj, form, change)
            obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
            obj.save(update_fields=["path"])
            return
        # The tree (parent and paths) changes only through org_unit_move: locked, checked
        # and audited. The other fields are saved by name, never the path read with the form
        # (a move committed meanwhile would be undone).
        concrete = {field.name for field in OrgUnit._meta.concrete_fields} - {"parent", "path"}
        fields = [name for name in form.changed_data if name in concrete]
        if fields:
            obj.save(update_fields=fields)
        if "parent" in form.changed_data:
            try:
                org_unit_move(unit=obj, new_parent=obj.parent, actor=request.user)
            except DomainError as error:
                # The form checked already; this is a move committed between the check and
                # the save. The admin's transaction is rolled back: nothing changes.
                transaction.set_rollback(True)
                self.message_user(request, error.message, messages.ERROR)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "created_at", "emailed_at", "read_at")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(OrgUnitEvent)
class OrgUnitEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "unit", "action", "actor")
    list_select_related = ("unit", "actor")
