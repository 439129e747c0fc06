"""The admin's read-only base, shared by every app: rows that change only through the
services (which check, lock and audit) are shown in the admin for support, never edited
there. The core imports no domain app; the apps import this."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, no change; no delete either unless the subclass sets `deletable = True`."""

    deletable = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)
