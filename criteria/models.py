"""Criteria and their use: versioned criteria sets (the first is "De 9 bærende principper",
Bilag 2, seeded verbatim), the manager's endorsement, review assignments, reviews with a
verdict and justification per criterion, the coordinator's decision with a public reason per
criterion, and the trial agreement fixed on approval.

Every model here points at `initiatives.Initiative`; nothing in initiatives/ points back, so
the initiatives app needs no migration for this one. Rows are written by `criteria.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CriteriaSetQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class CriteriaSet(models.Model):
    """A version of the criteria. Published sets are frozen: reviews and decisions point at
    their criteria, so changing a text would change what a reviewer already answered."""

    name = models.CharField(_("navn"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    approved_by = models.CharField(_("godkendt af"), max_length=200)
    approved_on = models.DateField(_("godkendt den"))
    active = models.BooleanField(_("aktiv"), default=False)
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("kriteriesæt")
        verbose_name_plural = _("kriteriesæt")
        constraints = [
            models.UniqueConstraint(fields=["version"], name="criteria_set_version_unique"),
            # At most one active set: a review always refers to the set it was made under.
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="criteria_set_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(_("tekst"))

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        constraints = [models.UniqueConstraint(fields=["criteria_set", "order"], name="criterion_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Verdict(models.TextChoices):
    MET = "opfyldt", _("Opfyldt")
    PARTLY = "delvist_opfyldt", _("Delvist opfyldt")
    NOT_MET = "ikke_opfyldt", _("Ikke opfyldt")
    NOT_RELEVANT = "ikke_relevant", _("Ikke relevant")


class Recommendation(models.TextChoices):
    """A reviewer's recommendation and the coordinator's decision use the same three words."""

    APPROVE = "godkend", _("Godkend")
    REJECT = "afvis", _("Afvis")
    REQUEST_CHANGES = "tilbage", _("Tilbage til ansøger")


# The lifecycle action (initiatives.workflow.TRANSITIONS) each decision outcome takes.
DECISION_ACTIONS = {
    Recommendation.APPROVE: "approve",
    Recommendation.REJECT: "reject",
    Recommendation.REQUEST_CHANGES: "request_changes",
}
DECISION_LABELS = {
    Recommendation.APPROVE: _("Godkendt"),
    Recommendation.REJECT: _("Afvist"),
    Recommendation.REQUEST_CHANGES: _("Sendt tilbage til ansøger"),
}


class CriteriaEvent(models.Model):
    """Append-only audit trail of everything criteria does: endorsements, assignments and
    the object permissions they grant or revoke, declarations, declines, submitted reviews,
    decisions and published criteria sets.

    Kept apart from `InitiativeEvent` on purpose: the applicant reads that trail on the
    detail page, and who reviews what is private to reviewers, coordinators and committee.
    Status changes are still written to `InitiativeEvent` by the lifecycle service.
    """

    initiative = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.CASCADE, related_name="criteria_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("hændelse (kriterier)")
        verbose_name_plural = _("hændelser (kriterier)")
        indexes = [models.Index(fields=["initiative", "created_at"], name="criteria_event_initiative")]

    def __str__(self) -> str:
        return self.action

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("CriteriaEvent is append-only")
        super().save(*args, **kwargs)


class ManagerEndorsement(models.Model):
    """The owning unit's manager's view of one submission ("ledelseskraften hos de
    decentrale ledere"). `submission` is the initiative's `submitted_at` when it was given,
    so a resubmitted application waits for a fresh view."""

    class Verdict(models.TextChoices):
        ENDORSED = "anbefalet", _("Anbefalet")
        RETURNED = "sendt_tilbage", _("Sendt tilbage til ansøger")
        DECLINED = "ikke_anbefalet", _("Ikke anbefalet")

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="endorsements")
    submission = models.DateTimeField()
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("vurdering"), max_length=20, choices=Verdict.choices)
    reason = models.TextField(_("begrundelse"), blank=True)
    escalated_at = models.DateTimeField(_("ansøger har bedt sekretariatet gå videre"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledelsens vurdering")
        verbose_name_plural = _("ledelsens vurderinger")
        constraints = [
            # One view per submission: two managers clicking at once cannot both record one.
            models.UniqueConstraint(fields=["initiative", "submission"], name="endorsement_one_per_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.manager})"


class ReviewAssignmentQuerySet(models.QuerySet):
    def current(self):
        """The open round: assignments not yet closed by a decision."""
        return self.filter(decision__isnull=True)

    def counting(self):
        """Assignments that count towards the round (a declined one never will)."""
        return self.exclude(state=ReviewAssignment.State.DECLINED)


class ReviewAssignment(models.Model):
    """A reviewer asked to score one application in one round. A round ends with a
    decision, which is written onto its assignments (`decision`)."""

    class State(models.TextChoices):
        ASSIGNED = "tildelt", _("Afventer erklæring")
        DECLARED = "erklaeret", _("I gang")
        SUBMITTED = "indsendt", _("Indsendt")
        DECLINED = "afslaaet", _("Afslået")

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(_("frist for bedømmelse"))
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.ASSIGNED)
    declared_at = models.DateTimeField(_("erklæret uden interessekonflikt"), null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("begrundelse for at afslå"), blank=True)
    decision = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("tildeling til bedømmer")
        verbose_name_plural = _("tildelinger til bedømmere")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "reviewer"],
                condition=Q(decision__isnull=True),
                name="assignment_one_per_round",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state", "due_date"], name="assignment_reviewer_due"),
            # "Mine bedømmelser", the all/done tabs: newest first without a sort (make bench).
            models.Index(fields=["reviewer", "-assigned_at", "-id"], name="assignment_reviewer_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.initiative_id}"

    @property
    def is_open(self) -> bool:
        return self.decision_id is None and self.state in (self.State.ASSIGNED, self.State.DECLARED)


class Review(models.Model):
    """One reviewer's scores under the criteria set it was made under (never the newest
    one by accident). Saved as a draft until submitted; submitted reviews are locked."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="reviews")
    recommendation = models.CharField(_("samlet anbefaling"), max_length=20, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("bedømmelse")
        verbose_name_plural = _("bedømmelser")

    def __str__(self) -> str:
        return f"{_('Bedømmelse')} {self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("vurdering"), max_length=20, choices=Verdict.choices, blank=True)
    justification = models.TextField(_("begrundelse"), blank=True)

    class Meta:
        ordering = ["criterion__order"]
        verbose_name = _("vurdering af princip")
        verbose_name_plural = _("vurderinger af principper")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.verdict}"


class Decision(models.Model):
    """The coordinator's decision on one round, published with a reason per criterion.
    `override_reason` is set when the decision rule (DECISION_MIN_REVIEWS) did not hold."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="decisions")
    # Empty only for a direct decision without reasons per principle when no set exists.
    criteria_set = models.ForeignKey(
        CriteriaSet, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("afgørelse"), max_length=20, choices=Recommendation.choices)
    summary = models.TextField(_("samlet begrundelse"))
    override_reason = models.TextField(_("begrundelse for at afgøre uden nok bedømmelser"), blank=True)
    reviews_submitted = models.PositiveSmallIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")
        indexes = [models.Index(fields=["initiative", "-decided_at"], name="decision_initiative_latest")]

    def __str__(self) -> str:
        return f"{self.outcome_label} ({self.initiative_id})"

    @property
    def outcome_label(self) -> str:
        return str(DECISION_LABELS[Recommendation(self.outcome)])

    @property
    def is_override(self) -> bool:
        return bool(self.override_reason)


class DecisionReason(models.Model):
    """The public verdict and reason for one criterion."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reasons")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("vurdering"), max_length=20, choices=Verdict.choices)
    reason = models.TextField(_("begrundelse"))

    class Meta:
        ordering = ["criterion__order"]
        verbose_name = _("begrundelse for princip")
        verbose_name_plural = _("begrundelser for principper")
        constraints = [models.UniqueConstraint(fields=["decision", "criterion"], name="decision_reason_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.verdict}"


class TrialAgreement(models.Model):
    """What the evaluation is later held to: a snapshot taken when the trial is approved.
    Copies, not references, so later edits to the application do not change it."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="trial_agreement"
    )
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="trial_agreement")
    title = models.CharField(_("titel"), max_length=200)
    hypothesis = models.TextField(_("hypotese"))
    expected_effect = models.TextField(_("forventet effekt for borgerne"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(_("ejer"), max_length=300)
    owning_unit_name = models.CharField(_("ansvarlig enhed"), max_length=200)
    start_date = models.DateField(_("startdato"), null=True)
    end_date = models.DateField(_("slutdato"), null=True)
    evaluation_date = models.DateField(_("evalueringsdato"), null=True)
    # [{"name", "unit", "baseline", "target"}] with the numbers as decimal strings.
    indicators = models.JSONField(_("indikatorer"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prøvehandlingsaftale")
        verbose_name_plural = _("prøvehandlingsaftaler")

    def __str__(self) -> str:
        return self.title
