"""Read-only admin: prøvehandlinger change only through the services (and so are audited)."""

from django.contrib import admin

from initiatives.models import Initiative, InitiativeEvent, Mantra, Pejlemaerke
from slagelse_ou.admin_base import ReadOnlyAdmin


class EventInline(admin.TabularInline):
    model = InitiativeEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "owning_unit", "owner", "updated_at")
    list_filter = ("status", "outcome")
    list_select_related = ("owning_unit", "owner")
    search_fields = ("title",)
    inlines = [EventInline]


@admin.register(Pejlemaerke)
class PejlemaerkeAdmin(ReadOnlyAdmin):
    list_display = ("number", "text")


@admin.register(Mantra)
class MantraAdmin(ReadOnlyAdmin):
    list_display = ("letter", "text")
