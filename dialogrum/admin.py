"""Read-only admin (issue 13.8): posts, threads, rooms, meetings and reports change only
through the services, which check, lock and audit (moderation is in the portal). The admin
shows them for support; it can neither edit nor delete them."""

from django.contrib import admin

from dialogrum.models import DialogEvent, Meeting, Post, PostReport, Room, Thread
from slagelse_ou.admin_base import ReadOnlyAdmin


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "visibility", "last_activity_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title"]


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["title", "room", "author", "post_count", "last_post_at", "hidden"]
    list_select_related = ["room", "room__initiative", "author"]
    search_fields = ["title"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["pk", "thread", "author", "created_at", "edited_at", "hidden_at"]
    list_select_related = ["thread", "author"]


@admin.register(PostReport)
class PostReportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "post", "reporter", "created_at", "resolved_at", "resolution"]
    list_select_related = ["post", "reporter"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "room", "starts_at", "ends_at"]
    list_select_related = ["room", "room__initiative"]
    date_hierarchy = "starts_at"


@admin.register(DialogEvent)
class DialogEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "room"]
    list_filter = ["action"]
    list_select_related = ["actor", "room", "room__initiative"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DialogEvent._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False
