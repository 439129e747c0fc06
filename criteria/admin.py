"""Administrators publish new versions of the criteria. Published sets are read-only (reviews
and decisions refer to their texts); a new version starts as a copy, is edited while
unpublished and is published through `criteria_set_publish`. Reviews, decisions and the
audit trail are shown read-only: they are written by the services only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from criteria import services
from criteria.models import (
    CriteriaEvent,
    CriteriaSet,
    Criterion,
    Decision,
    DecisionReason,
    ManagerEndorsement,
    ReviewAssignment,
    TrialAgreement,
)
from initiatives.exceptions import DomainError
from slagelse_ou.admin_base import ReadOnlyAdmin


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "text"]

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "approved_by", "approved_on", "active", "published_at"]
    readonly_fields = ["version", "active", "published_at"]
    inlines = [CriterionInline]
    actions = ["copy_as_new_version", "publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # A new unpublished draft; the texts are the inline rows. The version number is the
        # next free one (the unique constraint refuses a clash).
        if not change:
            from django.db.models import Max

            obj.version = (CriteriaSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            obj.active = False
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Opret ny version som kopi"))
    def copy_as_new_version(self, request, queryset):
        for criteria_set in queryset:
            copy = services.criteria_set_copy(actor=request.user, criteria_set_id=criteria_set.pk)
            self.message_user(request, _("Version %(v)s er oprettet som kladde.") % {"v": copy.version})

    @admin.action(description=_("Offentliggør som den aktive version"))
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Vælg præcis ét kriteriesæt."), messages.ERROR)
            return
        try:
            published = services.criteria_set_publish(actor=request.user, criteria_set_id=queryset.get().pk)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("Version %(v)s er nu aktiv.") % {"v": published.version})


@admin.register(ManagerEndorsement)
class ManagerEndorsementAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "manager", "verdict", "created_at"]
    list_select_related = ["initiative", "manager"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "reviewer", "state", "due_date", "decision"]
    list_filter = ["state"]
    list_select_related = ["initiative", "reviewer", "decision"]


class DecisionReasonInline(admin.TabularInline):
    model = DecisionReason
    extra = 0
    can_delete = False
    fields = ("criterion", "verdict", "reason")
    readonly_fields = fields


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "outcome", "decided_by", "decided_at", "reviews_submitted"]
    list_select_related = ["initiative", "decided_by"]
    inlines = [DecisionReasonInline]


@admin.register(TrialAgreement)
class TrialAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner_name", "start_date", "end_date", "created_at"]


@admin.register(CriteriaEvent)
class CriteriaEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "initiative", "actor"]
    list_filter = ["action"]
    list_select_related = ["initiative", "actor"]
