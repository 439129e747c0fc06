"""Read-only admin: status reports, evaluations, exemption answers and reports are written by
results.services (audited); the admin shows them for support."""

from __future__ import annotations

from django.contrib import admin

from results.models import Evaluation, ExemptionAnswer, GeneratedReport, StatusReport
from slagelse_ou.admin_base import ReadOnlyAdmin


class ResultsAdmin(ReadOnlyAdmin):
    # Issue 13.8: no longer deletable here either — deleting a report in the admin left its
    # PDF on disk and wrote no audit row; what changes goes through results.services.
    pass


@admin.register(StatusReport)
class StatusReportAdmin(ResultsAdmin):
    list_display = ["initiative", "reported_on", "author", "created_at"]
    list_select_related = ["initiative", "author"]
    search_fields = ["initiative__title"]


@admin.register(Evaluation)
class EvaluationAdmin(ResultsAdmin):
    list_display = ["initiative", "recommended_outcome", "submitted_at", "concluded_at"]
    list_select_related = ["initiative"]
    exclude = ["search_vector"]


@admin.register(ExemptionAnswer)
class ExemptionAnswerAdmin(ResultsAdmin):
    list_display = ["rule_challenge", "answer", "extended_until", "answered_by", "answered_at"]
    list_select_related = ["rule_challenge", "answered_by"]


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ResultsAdmin):
    list_display = ["title", "kind", "state", "pages", "generated_by", "created_at", "finished_at"]
    list_select_related = ["generated_by"]
