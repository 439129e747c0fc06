"""Read-only admin: ideas change only through the services (audited, and the submitter is
told). Personal fields are left out of the lists; GDPR requests have their own page."""

from django.contrib import admin

from ideas.models import Idea, IdeaEvent, PersonalDataRequest
from slagelse_ou.admin_base import ReadOnlyAdmin


class IdeaEventInline(admin.TabularInline):
    model = IdeaEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "area", "submitter_kind", "created_at")
    list_filter = ("status", "area", "submitter_kind")
    search_fields = ("title",)
    exclude = ("status_token_hash",)
    inlines = [IdeaEventInline]


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(ReadOnlyAdmin):
    list_display = ("kind", "actor", "ideas_count", "created_at")
