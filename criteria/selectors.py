"""Reads for criteria, reviews and decisions. Each page's query count is fixed: the
coordinator's matrix is three queries whatever the number of reviewers or principles."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from criteria.models import (
    CriteriaSet,
    Criterion,
    Decision,
    DecisionReason,
    ManagerEndorsement,
    Review,
    ReviewAssignment,
    ReviewScore,
    TrialAgreement,
    Verdict,
)
from criteria.permissions import REVIEWER_ROLES
from initiatives.models import Initiative, Status, TeamMember
from slagelse_ou.models import User


def active_criteria() -> list[Criterion]:
    criteria_set = CriteriaSet.objects.active().first()
    return list(criteria_set.criteria.all()) if criteria_set else []


def current_endorsement(*, initiative: Initiative) -> ManagerEndorsement | None:
    """The manager's view of the current submission (a resubmission needs a fresh one)."""
    if initiative.submitted_at is None:
        return None
    return (
        ManagerEndorsement.objects.select_related("manager")
        .filter(initiative=initiative, submission=initiative.submitted_at)
        .first()
    )


def endorsement_pending(*, initiative: Initiative, endorsement: ManagerEndorsement | None) -> bool:
    return settings.MANAGER_ENDORSEMENT_ENABLED and initiative.status == Status.SUBMITTED and endorsement is None


def endorsement_needs_reason(*, initiative: Initiative, endorsement: ManagerEndorsement | None) -> bool:
    """Taking a submitted application into review without the manager's endorsement (none
    yet, sent back, or declined) needs the coordinator's reason (issue 3 item 1)."""
    return (
        settings.MANAGER_ENDORSEMENT_ENABLED
        and initiative.status == Status.SUBMITTED
        and (endorsement is None or endorsement.verdict != ManagerEndorsement.Verdict.ENDORSED)
    )


def round_criteria_set(*, initiative: Initiative) -> CriteriaSet | None:
    """The set the open round's reviews use: fixed by its first assignment, so all reviews
    in one round answer the same principles even if a new version is published meanwhile."""
    review = (
        Review.objects.select_related("criteria_set")
        .filter(assignment__initiative=initiative, assignment__decision__isnull=True)
        .order_by("pk")
        .first()
    )
    return review.criteria_set if review else None


@dataclass
class PanelRows:
    decision: Decision | None = None
    endorsement: ManagerEndorsement | None = None
    assignment: ReviewAssignment | None = None
    agreement: TrialAgreement | None = None


def initiative_panel_rows(*, initiative: Initiative, user, private: bool) -> PanelRows:
    """The rows of the criteria panel on a trial's page: the latest decision with its reasons;
    for readers of the private parts also the manager's view of the current submission, this
    user's latest assignment and the trial agreement (not read for anyone else)."""
    rows = PanelRows(
        decision=Decision.objects.filter(initiative=initiative)
        .select_related("decided_by", "criteria_set")
        .prefetch_related(Prefetch("reasons", queryset=DecisionReason.objects.select_related("criterion")))
        .first()
    )
    if not private:
        return rows
    rows.endorsement = current_endorsement(initiative=initiative)
    if user.is_authenticated:
        rows.assignment = (
            ReviewAssignment.objects.filter(initiative=initiative, reviewer=user)
            .order_by("-assigned_at", "-pk")
            .first()
        )
    rows.agreement = TrialAgreement.objects.filter(initiative=initiative).first()
    return rows


def latest_decision(*, initiative: Initiative) -> Decision | None:
    return (
        Decision.objects.filter(initiative=initiative)
        .select_related("decided_by")
        .prefetch_related(Prefetch("reasons", queryset=DecisionReason.objects.select_related("criterion")))
        .first()
    )


# --- The coordinator's matrix ---------------------------------------------------------------


@dataclass
class MatrixRow:
    criterion: Criterion
    cells: list[ReviewScore | None]
    counts: dict[str, int]
    suggested_verdict: str = ""

    @property
    def summary(self) -> list[tuple[str, int]]:
        return [(str(Verdict(v).label), n) for v, n in self.counts.items() if n]


@dataclass
class ReviewMatrix:
    criteria_set: CriteriaSet | None
    assignments: list[ReviewAssignment]
    columns: list[ReviewAssignment]  # submitted reviews, one column each
    rows: list[MatrixRow] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return len(self.columns)

    @property
    def counting(self) -> int:
        return sum(1 for a in self.assignments if a.state != ReviewAssignment.State.DECLINED)

    @property
    def required(self) -> int:
        return settings.DECISION_MIN_REVIEWS

    @property
    def rule_holds(self) -> bool:
        return self.submitted >= self.required


# Least favourable first: a tie between reviewers is resolved conservatively.
_VERDICT_ORDER = [Verdict.NOT_MET, Verdict.PARTLY, Verdict.MET, Verdict.NOT_RELEVANT]


def verdict_suggest(counts: Counter) -> str:
    if not counts:
        return ""
    best = max(counts.values())
    return next(v for v in _VERDICT_ORDER if counts.get(v) == best)


def review_matrix(*, initiative: Initiative, decision: Decision | None = None) -> ReviewMatrix:
    """All reviews of one round side by side (the open round, or `decision`'s round).

    Three queries: assignments with reviewer, unit and review; their scores; the criteria.
    Only submitted reviews are shown: a draft is its reviewer's until they submit it.
    """
    assignments_qs = ReviewAssignment.objects.filter(initiative=initiative)
    assignments_qs = assignments_qs.filter(decision=decision) if decision else assignments_qs.current()
    assignments = list(
        assignments_qs.select_related("reviewer__unit", "review__criteria_set").prefetch_related(
            Prefetch("review__scores", queryset=ReviewScore.objects.order_by())
        )
    )
    criteria_set = next((a.review.criteria_set for a in assignments), None)
    if criteria_set is None and decision is not None:
        criteria_set = decision.criteria_set
    columns = [a for a in assignments if a.review.is_locked]
    matrix = ReviewMatrix(criteria_set=criteria_set, assignments=assignments, columns=columns)
    if criteria_set is None:
        return matrix
    by_review = {a.pk: {s.criterion_id: s for s in a.review.scores.all()} for a in columns}
    for criterion in criteria_set.criteria.all():
        cells = [by_review[a.pk].get(criterion.pk) for a in columns]
        counts = Counter(cell.verdict for cell in cells if cell and cell.verdict)
        matrix.rows.append(
            MatrixRow(
                criterion=criterion,
                cells=cells,
                counts={v: counts.get(v, 0) for v in Verdict.values},
                suggested_verdict=verdict_suggest(counts),
            )
        )
    return matrix


def decision_initial(*, matrix: ReviewMatrix) -> dict[str, str]:
    """The decision form pre-filled from the reviews: per principle the prevailing verdict
    and a reason that states it. Reviewers' own words are shown beside the form, not copied
    into it, so nothing private is published unless the coordinator writes it."""
    initial: dict[str, str] = {}
    for row in matrix.rows:
        if not row.suggested_verdict:
            continue
        initial[f"c{row.criterion.pk}-verdict"] = row.suggested_verdict
        label = str(Verdict(row.suggested_verdict).label)
        initial[f"c{row.criterion.pk}-reason"] = f"{label} ({row.counts[row.suggested_verdict]}/{matrix.submitted})."
    return initial


# --- Assignment ------------------------------------------------------------------------------


def eligible_reviewers(*, initiative: Initiative) -> QuerySet[User]:
    """Reviewers without a conflict of interest who are not already in the open round —
    the rules of `criteria.permissions.conflict_of_interest`, as one query."""
    qs = User.objects.filter(is_active=True, groups__name__in=REVIEWER_ROLES)
    qs = qs.exclude(pk=initiative.owner_id)
    qs = qs.exclude(pk__in=TeamMember.objects.filter(initiative=initiative).values("user_id"))
    qs = qs.exclude(pk__in=ReviewAssignment.objects.current().filter(initiative=initiative).values("reviewer_id"))
    if settings.REVIEW_EXCLUDE_OWNING_UNIT:
        path = initiative.owning_unit.path
        above_and_self = [int(part) for part in path.strip("/").split("/") if part]
        qs = qs.exclude(unit__path__startswith=path).exclude(managed_units__in=above_and_self)
    return qs.distinct().select_related("unit").order_by("first_name", "last_name", "pk")


# --- Mine bedømmelser --------------------------------------------------------------------------

REVIEW_FILTERS = {
    "aabne": Q(decision__isnull=True, state__in=[ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.DECLARED]),
    "faerdige": Q(state=ReviewAssignment.State.SUBMITTED),
    "afslaaede": Q(state=ReviewAssignment.State.DECLINED),
}


def reviewer_counts(*, user) -> dict[str, int]:
    today = timezone.localdate()
    return ReviewAssignment.objects.filter(reviewer=user).aggregate(
        aabne=Count("pk", filter=REVIEW_FILTERS["aabne"]),
        forfaldne=Count("pk", filter=REVIEW_FILTERS["aabne"] & Q(due_date__lt=today)),
        faerdige=Count("pk", filter=REVIEW_FILTERS["faerdige"]),
        afslaaede=Count("pk", filter=REVIEW_FILTERS["afslaaede"]),
    )


def reviewer_assignments(*, user, view: str = "aabne") -> QuerySet[ReviewAssignment]:
    """One reviewer's assignments; open ones by due date (overdue first), the rest newest first."""
    qs = ReviewAssignment.objects.filter(reviewer=user).select_related("initiative__owning_unit", "review")
    if view == "forfaldne":
        return qs.filter(REVIEW_FILTERS["aabne"], due_date__lt=timezone.localdate()).order_by("due_date", "pk")
    if view in REVIEW_FILTERS:
        qs = qs.filter(REVIEW_FILTERS[view])
    if view == "aabne":
        return qs.order_by("due_date", "pk")
    return qs.order_by("-assigned_at", "-pk")


def round_progress(*, assignments: list[ReviewAssignment]) -> dict[int, tuple[int, int]]:
    """ "2/3 færdige" for each assignment's round, in one grouped query for the whole page."""
    initiative_ids = {a.initiative_id for a in assignments}
    if not initiative_ids:
        return {}
    rows = (
        ReviewAssignment.objects.filter(initiative_id__in=initiative_ids)
        .exclude(state=ReviewAssignment.State.DECLINED)
        .values("initiative_id", "decision_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(state=ReviewAssignment.State.SUBMITTED)))
        .order_by()
    )
    by_round: dict[tuple[int, int | None], tuple[int, int]] = {
        (r["initiative_id"], r["decision_id"]): (r["done"], r["total"]) for r in rows
    }
    return {a.pk: by_round.get((a.initiative_id, a.decision_id), (0, 0)) for a in assignments}


def is_overdue(assignment: ReviewAssignment, today: dt.date | None = None) -> bool:
    return assignment.is_open and assignment.due_date < (today or timezone.localdate())


# --- Ledelsens kø ---------------------------------------------------------------------------


def manager_queue(*, user) -> QuerySet:
    """The user's units' applications (subtree, not drafts), those waiting on a manager's
    view first. `endorsement_verdict` is the view of the current submission, if any."""
    current = ManagerEndorsement.objects.filter(initiative=OuterRef("pk"), submission=OuterRef("submitted_at"))
    qs = (
        Initiative.objects.in_units_managed_by(user)
        .not_draft()
        .select_related("owning_unit", "owner")
        .annotate(
            endorsement_verdict=Subquery(current.values("verdict")[:1]),
            has_endorsement=Exists(current),
        )
    )
    return qs


def manager_waiting(*, user) -> list[Initiative]:
    if not settings.MANAGER_ENDORSEMENT_ENABLED:
        return []
    return list(
        manager_queue(user=user)
        .filter(status=Status.SUBMITTED, has_endorsement=False)
        .exclude(owner=user)
        .exclude(team__user=user)
        .order_by("submitted_at", "pk")
    )


def manager_others(*, user, waiting: list[Initiative]) -> QuerySet[Initiative]:
    return manager_queue(user=user).exclude(pk__in=[i.pk for i in waiting]).order_by("-updated_at", "-pk")


def trial_agreement_for(*, initiative: Initiative) -> TrialAgreement | None:
    """The trial agreement fixed when the application was approved, or None (approved before
    agreements existed). Results holds the evaluation to it."""
    return TrialAgreement.objects.filter(initiative=initiative).first()
