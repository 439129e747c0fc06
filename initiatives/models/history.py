"""The trial's append-only history and its object-permission tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from initiatives.models.trial import Initiative, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EVENT_LABELS = {
    "create": _("Oprettet som kladde"),
    "update": _("Ansøgningen er redigeret"),
    "team_add": _("Teammedlem tilføjet"),
    "team_remove": _("Teammedlem fjernet"),
    "attachment_add": _("Bilag tilføjet"),
    "submit": _("Indsendt"),
    "start_review": _("Bedømmelse startet"),
    "request_changes": _("Sendt tilbage til ansøger"),
    "approve": _("Godkendt"),
    "reject": _("Afvist"),
    "start": _("Prøvehandlingen er startet"),
    "begin_evaluation": _("Evaluering påbegyndt"),
    "conclude": _("Afsluttet"),
    "withdraw": _("Trukket tilbage"),
    "endorsement": _("Lederens vurdering"),
    "endorsement_escalate": _("Sendt videre til sekretariatet trods lederens vurdering"),
    "reviewer_assign": _("Bedømmer tildelt"),
    "reviewer_unassign": _("Bedømmer fjernet"),
    "review_declare": _("Bedømmer har erklæret sig uden interessekonflikt"),
    "review_decline": _("Bedømmer har sagt nej"),
    "review_submit": _("Bedømmelse afgivet"),
    "decision_record": _("Afgørelse registreret"),
    "permission_grant": _("Adgang givet"),
    "permission_revoke": _("Adgang fjernet"),
    "milestone_add": _("Milepæl tilføjet"),
    "milestone_done": _("Milepæl nået"),
    "minutes_attach": _("Referat fra dialogmøde tilknyttet"),
    "convert": _("Oprettet fra en borgeridé"),
}


class InitiativeEvent(models.Model):
    """Append-only audit trail: who did what, when, from which status to which, and why."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["initiative", "created_at"], name="event_initiative_created")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("InitiativeEvent is append-only")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action.replace("_", " ")))

    @property
    def from_label(self) -> StrOrPromise:
        return Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> StrOrPromise:
        return Status(self.to_status).label if self.to_status else ""


class InitiativeUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission table (django-guardian's performance guidance)."""

    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class InitiativeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)
