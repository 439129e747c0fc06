"""Ansøgningsrunder and the milestones a team sets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models.trial import Initiative


class RoundQuerySet(models.QuerySet):
    def open_on(self, day) -> RoundQuerySet:
        """Rounds accepting applications on `day` (both dates inclusive)."""
        return self.filter(opens_on__lte=day, application_deadline__gte=day)

    def not_closed_on(self, day) -> RoundQuerySet:
        return self.filter(application_deadline__gte=day)


class Round(models.Model):
    """An ansøgningsrunde. Dates are Danish calendar days; the application deadline is
    inclusive — an application may be submitted until midnight at the end of that day."""

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    opens_on = models.DateField(_("åbner"))
    application_deadline = models.DateField(_("ansøgningsfrist"))
    review_deadline = models.DateField(_("frist for bedømmelse"))
    committee_meeting_on = models.DateField(_("udvalgsmøde"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-application_deadline", "-pk"]
        verbose_name = _("ansøgningsrunde")
        verbose_name_plural = _("ansøgningsrunder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_deadline__gte=models.F("opens_on")), name="round_deadline_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(review_deadline__gte=models.F("application_deadline")),
                name="round_review_after_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(committee_meeting_on__gte=models.F("review_deadline")),
                name="round_meeting_after_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rounds:detail", args=[self.pk])


class Milestone(models.Model):
    """A milestone the team sets for its own trial; an open one is a deadline (reminders)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milepæl"), max_length=200)
    due_on = models.DateField(_("dato"))
    done_at = models.DateTimeField(_("nået"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        indexes = [
            models.Index(fields=["due_on"], name="milestone_open_due", condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title
