"""Read-mostly admin: writes that matter go through the services (moderation in the portal)."""

from django.contrib import admin

from dialogrum.models import DialogEvent, Meeting, Post, PostReport, Room, Thread


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "visibility", "last_activity_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Room._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "room", "author", "post_count", "last_post_at", "hidden"]
    list_select_related = ["room", "room__initiative", "author"]
    search_fields = ["title"]
    readonly_fields = ["room", "author", "post_count", "last_post_at", "hidden"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "author", "created_at", "edited_at", "hidden_at"]
    list_select_related = ["thread", "author"]
    readonly_fields = [f.name for f in Post._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "post", "reporter", "created_at", "resolved_at", "resolution"]
    list_select_related = ["post", "reporter"]
    readonly_fields = [f.name for f in PostReport._meta.fields]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "room", "starts_at", "ends_at"]
    list_select_related = ["room", "room__initiative"]
    date_hierarchy = "starts_at"
    readonly_fields = [f.name for f in Meeting._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DialogEvent)
class DialogEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "room"]
    list_filter = ["action"]
    list_select_related = ["actor", "room", "room__initiative"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DialogEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
