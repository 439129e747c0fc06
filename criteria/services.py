"""Every write for criteria sets, the manager's endorsement, reviews and decisions.

Views, admin actions and `initiatives.services` call these. Each function that touches an
application locks its Initiative row first (`_lock`), so writes about one application
queue behind each other in one order and cannot deadlock or both pass a guard. Status
changes go through the lifecycle services in `initiatives.services`; everything else is
audited here in `CriteriaEvent`. Notifications are outbox rows written in the same
transaction (`notifications_create`) and handed to the worker on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from criteria.exceptions import (
    ConflictOfInterest,
    DecisionRuleNotMet,
    EndorsementMissing,
    IncompleteDecision,
    IncompleteReview,
    ReviewLocked,
)
from criteria.models import (
    DECISION_ACTIONS,
    CriteriaEvent,
    CriteriaSet,
    Criterion,
    Decision,
    DecisionReason,
    ManagerEndorsement,
    Recommendation,
    Review,
    ReviewAssignment,
    ReviewScore,
    TrialAgreement,
    Verdict,
)
from criteria.permissions import can_endorse, conflict_of_interest, is_applicant, is_reviewer_candidate
from criteria.selectors import current_endorsement, round_criteria_set
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired, TransitionNotAllowed
from initiatives.models import Initiative, Status, TeamMember
from initiatives.workflow import TRANSITIONS
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User
from slagelse_ou.services import notifications_create

# The object permission an assignment grants: it opens the application (private fields and
# attachments included) through the rules in initiatives/permissions.py.
REVIEWER_PERM = "view_initiative"


def _event(*, initiative: Initiative | None, actor: User | None, action: str, note: str = "",
           data: dict | None = None) -> CriteriaEvent:  # fmt: skip
    return CriteriaEvent.objects.create(initiative=initiative, actor=actor, action=action, note=note, data=data or {})


def _lock(initiative_id: int) -> Initiative:
    # One lock order for every criteria write: the initiative row first.
    return (
        Initiative.objects.select_for_update(of=("self",)).select_related("owner", "owning_unit").get(pk=initiative_id)
    )


def _coordinators() -> list[User]:
    return list(User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True).distinct())


def _applicants(initiative: Initiative) -> list[User]:
    return [
        initiative.owner,
        *[m.user for m in TeamMember.objects.filter(initiative=initiative).select_related("user")],
    ]


def _detail_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


def _overview_url(initiative: Initiative) -> str:
    return reverse("criteria:overview", args=[initiative.pk])


# --- Criteria sets --------------------------------------------------------------------------


@transaction.atomic
def criteria_set_create(*, actor: User | None, name: str, approved_by: str, approved_on: dt.date,
                        texts: Sequence[str]) -> CriteriaSet:  # fmt: skip
    """A new, unpublished version with the next version number. Publishing is separate, so
    an administrator can check the texts first."""
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise DomainError(_("Et kriteriesæt skal have mindst ét kriterium."))
    # Locking the existing sets serialises two administrators creating versions at once;
    # the unique constraint on version is the backstop.
    list(CriteriaSet.objects.select_for_update().values_list("pk", flat=True))
    version = (CriteriaSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    criteria_set = CriteriaSet.objects.create(name=name, version=version, approved_by=approved_by,
                                              approved_on=approved_on, active=False)  # fmt: skip
    Criterion.objects.bulk_create(
        [Criterion(criteria_set=criteria_set, order=order, text=text) for order, text in enumerate(texts, start=1)]
    )
    _event(initiative=None, actor=actor, action="criteria_set_create",
           data={"criteria_set": criteria_set.pk, "version": version})  # fmt: skip
    return criteria_set


def criteria_set_copy(*, actor: User | None, criteria_set_id: int) -> CriteriaSet:
    """Start a new version from an existing one (same texts, to be edited before publishing)."""
    source = CriteriaSet.objects.get(pk=criteria_set_id)
    texts = list(source.criteria.order_by("order").values_list("text", flat=True))
    return criteria_set_create(actor=actor, name=source.name, approved_by=source.approved_by,
                               approved_on=source.approved_on, texts=texts)  # fmt: skip


@transaction.atomic
def criterion_update(*, actor: User | None, criterion_id: int, text: str) -> Criterion:
    """Change a criterion's text — only while its set is unpublished: reviews and decisions
    refer to the texts of published sets, which therefore never change."""
    criterion = Criterion.objects.select_related("criteria_set").select_for_update().get(pk=criterion_id)
    if criterion.criteria_set.is_published:
        raise DomainError(_("Et offentliggjort kriteriesæt kan ikke ændres. Opret en ny version."))
    if not text.strip():
        raise DomainError(_("Skriv kriteriets tekst."))
    criterion.text = text.strip()
    criterion.save(update_fields=["text"])
    return criterion


@transaction.atomic
def criteria_set_publish(*, actor: User | None, criteria_set_id: int) -> CriteriaSet:
    """Make a set the active one. New review rounds use it; rounds already under way keep
    theirs (`round_criteria_set`), and every review keeps the set it was made under."""
    sets = {s.pk: s for s in CriteriaSet.objects.select_for_update()}
    target = sets[criteria_set_id]
    if target.active:
        return target
    if not target.criteria.exists():
        raise DomainError(_("Et kriteriesæt uden kriterier kan ikke offentliggøres."))
    previous = [s for s in sets.values() if s.active]
    # Deactivate first: the partial unique index allows one active set at any moment.
    CriteriaSet.objects.filter(active=True).update(active=False)
    target.active = True
    target.published_at = target.published_at or timezone.now()
    target.save(update_fields=["active", "published_at"])
    _event(initiative=None, actor=actor, action="criteria_set_publish",
           data={"criteria_set": target.pk, "version": target.version,
                 "previous": [s.pk for s in previous]})  # fmt: skip
    return target


# --- The manager's endorsement ----------------------------------------------------------------


def endorsing_managers(*, initiative: Initiative) -> list[User]:
    """The managers nearest the owning unit: its own, else those of the closest unit above."""
    ids = [int(part) for part in initiative.owning_unit.path.strip("/").split("/") if part]
    units = OrgUnit.objects.filter(pk__in=ids).prefetch_related("managers")
    by_id = {unit.pk: unit for unit in units}
    applicants = {
        initiative.owner_id,
        *TeamMember.objects.filter(initiative=initiative).values_list("user_id", flat=True),
    }
    for unit_id in reversed(ids):
        managers = [m for m in by_id[unit_id].managers.all() if m.is_active and m.pk not in applicants]
        if managers:
            return managers
    return []


def endorsement_request_notify(*, initiative: Initiative) -> None:
    """Called by the lifecycle on submit: the owning unit's manager looks first."""
    if not settings.MANAGER_ENDORSEMENT_ENABLED:
        return
    notifications_create(
        recipients=endorsing_managers(initiative=initiative),
        subject=_("“%(title)s” venter på ledelsens vurdering") % {"title": initiative.title},
        body=_("En ansøgning fra %(unit)s er indsendt. Anbefal den, send den tilbage, eller afvis at anbefale den.")
        % {"unit": initiative.owning_unit},
        url=reverse("criteria:endorse", args=[initiative.pk]),
    )


@transaction.atomic
def endorsement_record(*, initiative_id: int, actor: User, verdict: str, reason: str = "") -> ManagerEndorsement:
    """The owning unit's manager endorses a submitted application, sends it back for
    changes, or declines to endorse it with a reason.

    One view per submission (unique constraint); a repeated identical click is a no-op.
    Sending back moves the application to "tilbage til ansøger" through the lifecycle.
    Notifies the applicants; an endorsement or a refusal also tells the coordinators.
    """
    if not settings.MANAGER_ENDORSEMENT_ENABLED:
        raise DomainError(_("Ledelsens vurdering er slået fra."))
    initiative = _lock(initiative_id)
    if not can_endorse(actor, initiative):
        raise ActionForbidden(_("Kun lederen af den ansvarlige enhed kan vurdere ansøgningen."))
    existing = current_endorsement(initiative=initiative)
    if existing is not None:
        if existing.verdict == verdict and existing.manager_id == actor.pk:
            return existing
        raise DomainError(_("Ansøgningen er allerede vurderet af %(manager)s.") % {"manager": existing.manager})
    if initiative.status != Status.SUBMITTED:
        raise DomainError(
            _("Ledelsen kan kun vurdere en indsendt ansøgning; denne har status “%(status)s”.")
            % {"status": initiative.get_status_display()}
        )
    if verdict not in ManagerEndorsement.Verdict.values:
        raise DomainError(_("Vælg en vurdering."))
    reason = reason.strip()
    if verdict != ManagerEndorsement.Verdict.ENDORSED and not reason:
        raise NoteRequired()
    endorsement = ManagerEndorsement.objects.create(
        initiative=initiative, submission=initiative.submitted_at, manager=actor, verdict=verdict, reason=reason
    )
    _event(initiative=initiative, actor=actor, action="endorsement", note=reason,
           data={"endorsement": endorsement.pk, "verdict": verdict})  # fmt: skip
    if verdict == ManagerEndorsement.Verdict.RETURNED:
        # The lifecycle notifies owner and team and writes the status change to the history.
        lifecycle.initiative_manager_send_back(initiative_id=initiative.pk, actor=actor, note=reason)
        return endorsement
    label = endorsement.get_verdict_display()
    subject = _("Ledelsens vurdering af “%(title)s”: %(verdict)s") % {"title": initiative.title, "verdict": label}
    body = _("%(manager)s: %(verdict)s.") % {"manager": actor, "verdict": label}
    if reason:
        body += "\n\n" + _("Begrundelse: %(reason)s") % {"reason": reason}
    if verdict == ManagerEndorsement.Verdict.DECLINED:
        body += "\n\n" + _("Ansøgeren kan bede sekretariatet om at gå videre med ansøgningen alligevel.")
    notifications_create(recipients=_applicants(initiative), subject=subject, body=body, url=_detail_url(initiative))
    notifications_create(recipients=_coordinators(), subject=subject, body=body, url=_overview_url(initiative))
    return endorsement


@transaction.atomic
def endorsement_escalate(*, initiative_id: int, actor: User, note: str) -> ManagerEndorsement:
    """The applicant asks the coordinators to take the application forward although the
    manager declined to endorse it. The manager's view stays on record for the reviewers."""
    initiative = _lock(initiative_id)
    if not is_applicant(actor, initiative):
        raise ActionForbidden(_("Kun ansøgeren kan bede sekretariatet om at gå videre."))
    endorsement = current_endorsement(initiative=initiative)
    if (
        initiative.status != Status.SUBMITTED
        or endorsement is None
        or endorsement.verdict != ManagerEndorsement.Verdict.DECLINED
    ):
        raise DomainError(_("Det er kun muligt, når ledelsen har afvist at anbefale ansøgningen."))
    if endorsement.escalated_at:
        return endorsement
    if not note.strip():
        raise NoteRequired()
    endorsement.escalated_at = timezone.now()
    endorsement.save(update_fields=["escalated_at"])
    _event(initiative=initiative, actor=actor, action="endorsement_escalate", note=note.strip(),
           data={"endorsement": endorsement.pk})  # fmt: skip
    notifications_create(
        recipients=_coordinators(),
        subject=_("Ansøgeren beder sekretariatet gå videre med “%(title)s”") % {"title": initiative.title},
        body=_("Ledelsen har ikke anbefalet ansøgningen. Ansøgerens begrundelse: %(note)s") % {"note": note.strip()},
        url=_overview_url(initiative),
    )
    return endorsement


# --- Assigning reviewers ---------------------------------------------------------------------


def _grant(*, initiative: Initiative, user: User, actor: User, assignment: ReviewAssignment) -> None:
    assign_perm(REVIEWER_PERM, user, initiative)
    _event(initiative=initiative, actor=actor, action="permission_grant",
           data={"user": user.pk, "perm": REVIEWER_PERM, "assignment": assignment.pk})  # fmt: skip


def _revoke(*, initiative: Initiative, user: User, actor: User, assignment_id: int) -> None:
    """Take back the reviewer's view grant — unless they hold it for another reason: owner
    or team (whose grant the lifecycle services manage) or another review of this application."""
    if is_applicant(user, initiative):
        return
    other = (
        ReviewAssignment.objects.filter(initiative=initiative, reviewer=user)
        .exclude(pk=assignment_id)
        .exclude(state=ReviewAssignment.State.DECLINED)
    )
    if other.exists():
        return
    remove_perm(REVIEWER_PERM, user, initiative)
    _event(initiative=initiative, actor=actor, action="permission_revoke",
           data={"user": user.pk, "perm": REVIEWER_PERM, "assignment": assignment_id})  # fmt: skip


@transaction.atomic
def reviewers_assign(*, initiative_id: int, actor: User, reviewers: Iterable[User], due_date: dt.date,
                     note: str = "") -> list[ReviewAssignment]:  # fmt: skip
    """Assign reviewers to the open round, each with a draft review under the round's
    criteria set, and move a submitted application to "under bedømmelse".

    Guards: coordinator only; submitted or in review; while the manager's step is on, a
    submitted application that the manager has not endorsed needs `note` (why the
    coordinator takes it forward); every reviewer is a criteria reviewer or manager with no
    conflict of interest and not already in the round — otherwise nothing is assigned.
    Side effects: each reviewer is granted view on the application (audited) and notified.
    """
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan tildele bedømmere."))
    initiative = _lock(initiative_id)
    if initiative.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise DomainError(
            _(
                "Der kan kun tildeles bedømmere, når ansøgningen er indsendt eller under bedømmelse; den har status “%(status)s”."
            )
            % {"status": initiative.get_status_display()}
        )
    reviewers = list({user.pk: user for user in reviewers}.values())
    if not reviewers:
        raise DomainError(_("Vælg mindst én bedømmer."))
    if due_date < timezone.localdate():
        raise DomainError(_("Fristen for bedømmelsen skal være i dag eller senere."))
    note = note.strip()
    if initiative.status == Status.SUBMITTED and settings.MANAGER_ENDORSEMENT_ENABLED:
        endorsement = current_endorsement(initiative=initiative)
        if (endorsement is None or endorsement.verdict != ManagerEndorsement.Verdict.ENDORSED) and not note:
            raise EndorsementMissing()
    already = set(
        ReviewAssignment.objects.current().filter(initiative=initiative).values_list("reviewer_id", flat=True)
    )
    problems = []
    for reviewer in reviewers:
        if reviewer.pk in already:
            problems.append(_("%(name)s er allerede bedømmer.") % {"name": reviewer})
        elif problem := conflict_of_interest(initiative=initiative, user=reviewer):
            problems.append(problem)
        elif not is_reviewer_candidate(reviewer):
            problems.append(_("%(name)s er hverken kriteriebedømmer eller leder.") % {"name": reviewer})
    if problems:
        raise ConflictOfInterest(problems)
    criteria_set = round_criteria_set(initiative=initiative) or CriteriaSet.objects.active().first()
    if criteria_set is None:
        raise DomainError(_("Der er intet aktivt kriteriesæt."))
    created = []
    for reviewer in reviewers:
        assignment = ReviewAssignment.objects.create(initiative=initiative, reviewer=reviewer, assigned_by=actor,
                                                     due_date=due_date)  # fmt: skip
        Review.objects.create(assignment=assignment, criteria_set=criteria_set)
        _event(initiative=initiative, actor=actor, action="reviewer_assign",
               data={"assignment": assignment.pk, "reviewer": reviewer.pk, "due_date": due_date.isoformat(),
                     "criteria_set": criteria_set.pk})  # fmt: skip
        _grant(initiative=initiative, user=reviewer, actor=actor, assignment=assignment)
        notifications_create(
            recipients=[reviewer],
            subject=_("Du er bedt om at bedømme “%(title)s”") % {"title": initiative.title},
            body=_("Bedøm ansøgningen ud fra %(set)s senest %(date)s. Erklær først, at du ikke er inhabil.")
            % {"set": criteria_set.name, "date": date_format(due_date, "j. F Y")},
            url=reverse("criteria:review", args=[assignment.pk]),
        )
        created.append(assignment)
    if initiative.status == Status.SUBMITTED:
        lifecycle.initiative_start_review(initiative_id=initiative.pk, actor=actor, note=note)
    return created


@transaction.atomic
def reviewer_unassign(*, assignment_id: int, actor: User) -> None:
    """Take a reviewer off the open round; their draft goes with them. A submitted review
    is locked and stays. Revokes the view grant (audited) and tells the reviewer."""
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan fjerne bedømmere."))
    initiative_id = ReviewAssignment.objects.values_list("initiative_id", flat=True).get(pk=assignment_id)
    initiative = _lock(initiative_id)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=assignment_id)
    )
    if assignment.state == ReviewAssignment.State.SUBMITTED:
        raise ReviewLocked()
    if assignment.decision_id is not None:
        raise DomainError(_("Runden er afgjort; bedømmerne kan ikke længere ændres."))
    reviewer = assignment.reviewer
    assignment.delete()
    _event(initiative=initiative, actor=actor, action="reviewer_unassign",
           data={"assignment": assignment_id, "reviewer": reviewer.pk})  # fmt: skip
    _revoke(initiative=initiative, user=reviewer, actor=actor, assignment_id=assignment_id)
    notifications_create(
        recipients=[reviewer],
        subject=_("Du skal ikke længere bedømme “%(title)s”") % {"title": initiative.title},
        body=_("Sekretariatet har taget dig af bedømmelsen."),
        url=reverse("criteria:my_reviews"),
    )


# --- The reviewer ------------------------------------------------------------------------------


def _locked_assignment(*, assignment_id: int, actor: User) -> tuple[Initiative, ReviewAssignment]:
    initiative_id = ReviewAssignment.objects.values_list("initiative_id", flat=True).get(pk=assignment_id)
    initiative = _lock(initiative_id)
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).select_related("review").get(pk=assignment_id)
    if assignment.reviewer_id != actor.pk:
        raise ActionForbidden(_("Bedømmelsen er tildelt en anden."))
    return initiative, assignment


def _require_open(*, initiative: Initiative, assignment: ReviewAssignment) -> None:
    if assignment.state == ReviewAssignment.State.SUBMITTED:
        raise ReviewLocked()
    if assignment.state == ReviewAssignment.State.DECLINED:
        raise DomainError(_("Du har afslået at bedømme denne ansøgning."))
    if assignment.decision_id is not None or initiative.status != Status.IN_REVIEW:
        raise DomainError(_("Bedømmelsen er lukket, fordi der er truffet afgørelse."))


@transaction.atomic
def review_declare(*, assignment_id: int, actor: User) -> ReviewAssignment:
    """The reviewer declares no conflict of interest; only then can they score. The rules
    are checked again here: the team may have changed since the assignment."""
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    if assignment.state == ReviewAssignment.State.DECLARED:
        return assignment
    _require_open(initiative=initiative, assignment=assignment)
    if problem := conflict_of_interest(initiative=initiative, user=actor):
        raise ConflictOfInterest([problem, _("Afslå bedømmelsen med en begrundelse.")])
    assignment.state = ReviewAssignment.State.DECLARED
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["state", "declared_at"])
    _event(initiative=initiative, actor=actor, action="review_declare", data={"assignment": assignment.pk})
    return assignment


@transaction.atomic
def review_decline(*, assignment_id: int, actor: User, reason: str) -> ReviewAssignment:
    """The reviewer declines (a conflict of interest, or no time) with a reason. The view
    grant is revoked and the coordinators are told, so they can assign someone else."""
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    if assignment.state == ReviewAssignment.State.DECLINED:
        return assignment
    _require_open(initiative=initiative, assignment=assignment)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Skriv, hvorfor du afslår at bedømme ansøgningen."))
    assignment.state = ReviewAssignment.State.DECLINED
    assignment.declined_at = timezone.now()
    assignment.decline_reason = reason
    assignment.save(update_fields=["state", "declined_at", "decline_reason"])
    _event(initiative=initiative, actor=actor, action="review_decline", data={"assignment": assignment.pk})
    _revoke(initiative=initiative, user=actor, actor=actor, assignment_id=assignment.pk)
    notifications_create(
        recipients=_coordinators(),
        subject=_("%(reviewer)s har afslået at bedømme “%(title)s”") % {"reviewer": actor, "title": initiative.title},
        body=_("Begrundelse: %(reason)s") % {"reason": reason},
        url=_overview_url(initiative),
    )
    _notify_if_all_in(initiative=initiative)
    return assignment


def review_problems(*, criteria: Sequence[Criterion], scores: Mapping[int, tuple[str, str]],
                    recommendation: str, comment: str) -> dict[str, str]:  # fmt: skip
    """What stops a review from being submitted, keyed by form field name. The form shows
    these beside the fields; the service refuses with the same rules."""
    problems: dict[str, str] = {}
    for criterion in criteria:
        verdict, justification = scores.get(criterion.pk, ("", ""))
        if verdict not in Verdict.values:
            problems[f"c{criterion.pk}-verdict"] = _("Vælg en vurdering af princip %(n)s.") % {"n": criterion.order}
        elif verdict != Verdict.MET and not justification.strip():
            problems[f"c{criterion.pk}-justification"] = _(
                "Begrund vurderingen af princip %(n)s – det skal du, når princippet ikke er opfyldt."
            ) % {"n": criterion.order}
    if recommendation not in Recommendation.values:
        problems["recommendation"] = _("Vælg en samlet anbefaling.")
    if not comment.strip():
        problems["comment"] = _("Skriv en kommentar til din anbefaling.")
    return problems


@transaction.atomic
def review_save(*, assignment_id: int, actor: User, scores: Mapping[int, tuple[str, str]],
                recommendation: str = "", comment: str = "", submit: bool = False) -> Review:  # fmt: skip
    """Save the reviewer's draft (`scores`: criterion id → (verdict, justification)); with
    `submit`, check that it is complete and lock it. A locked review refuses every change.

    Only after the declaration, only while the round is open. Submitting the last review
    of the round tells the coordinators that all reviews are in.
    """
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    _require_open(initiative=initiative, assignment=assignment)
    if assignment.state != ReviewAssignment.State.DECLARED:
        raise DomainError(_("Erklær først, at du ikke er inhabil."))
    review = Review.objects.select_for_update().get(pk=assignment.review.pk)
    criteria = list(review.criteria_set.criteria.all())
    known = {c.pk for c in criteria}
    if set(scores) - known:
        raise DomainError(_("Bedømmelsen indeholder principper fra et andet kriteriesæt."))
    for verdict, _justification in scores.values():
        if verdict and verdict not in Verdict.values:
            raise DomainError(_("Ukendt vurdering."))
    if recommendation and recommendation not in Recommendation.values:
        raise DomainError(_("Ukendt anbefaling."))
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=review, criterion_id=pk, verdict=verdict, justification=justification.strip())
         for pk, (verdict, justification) in scores.items()],
        update_conflicts=True, unique_fields=["review", "criterion"], update_fields=["verdict", "justification"],
    )  # fmt: skip
    review.recommendation = recommendation
    review.comment = comment.strip()
    update_fields = ["recommendation", "comment", "updated_at"]
    if submit:
        stored = {s.criterion_id: (s.verdict, s.justification) for s in review.scores.all()}
        problems = review_problems(criteria=criteria, scores=stored, recommendation=recommendation, comment=comment)
        if problems:
            raise IncompleteReview(list(problems.values()))
        if problem := conflict_of_interest(initiative=initiative, user=actor):
            raise ConflictOfInterest([problem])
        review.submitted_at = timezone.now()
        update_fields.append("submitted_at")
        assignment.state = ReviewAssignment.State.SUBMITTED
        assignment.save(update_fields=["state"])
    review.save(update_fields=update_fields)
    if submit:
        _event(initiative=initiative, actor=actor, action="review_submit",
               data={"assignment": assignment.pk, "review": review.pk, "recommendation": recommendation})  # fmt: skip
        _notify_if_all_in(initiative=initiative)
    return review


def _notify_if_all_in(*, initiative: Initiative) -> None:
    # Runs under the initiative lock, so of two reviewers submitting at once exactly one
    # sees the round complete and the coordinators get one message.
    counting = ReviewAssignment.objects.current().counting().filter(initiative=initiative)
    states = list(counting.values_list("state", flat=True))
    if states and all(state == ReviewAssignment.State.SUBMITTED for state in states):
        notifications_create(
            recipients=_coordinators(),
            subject=_("Alle bedømmelser af “%(title)s” er modtaget") % {"title": initiative.title},
            body=_("%(n)s bedømmelser er indsendt. Afgørelsen kan træffes.") % {"n": len(states)},
            url=_overview_url(initiative),
        )


# --- The decision ------------------------------------------------------------------------------


@transaction.atomic
def decision_record(*, initiative_id: int, actor: User, outcome: str, summary: str,
                    reasons: Mapping[int, tuple[str, str]] | None = None,
                    override_reason: str = "") -> Decision:  # fmt: skip
    """Record the coordinator's decision on the open round and carry it out through the
    lifecycle (approve, reject or send back).

    The decision rule: at least DECISION_MIN_REVIEWS submitted reviews, or an
    `override_reason`. `reasons` (criterion id → (verdict, public reason)) must cover every
    principle of the round's criteria set when given; the direct lifecycle calls
    (`initiative_approve` …) give none and record an override with their note. Closes the
    round (its assignments point at the decision); approval fixes the trial agreement.
    A repeated decision (double click) returns the first one.
    """
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan træffe afgørelse."))
    if outcome not in Recommendation.values:
        raise DomainError(_("Vælg en afgørelse: godkend, afvis eller send tilbage til ansøger."))
    action = DECISION_ACTIONS[Recommendation(outcome)]
    spec = TRANSITIONS[action]
    initiative = _lock(initiative_id)
    if initiative.status == spec.target:
        latest = Decision.objects.filter(initiative=initiative, outcome=outcome).first()
        if latest is not None:
            return latest
    if initiative.status not in spec.sources:
        raise TransitionNotAllowed(current_label=initiative.get_status_display(), action_label=str(spec.label))
    summary = summary.strip()
    if not summary:
        raise NoteRequired()
    round_qs = ReviewAssignment.objects.current().filter(initiative=initiative)
    submitted = round_qs.filter(state=ReviewAssignment.State.SUBMITTED).count()
    rule_holds = submitted >= settings.DECISION_MIN_REVIEWS
    override_reason = "" if rule_holds else override_reason.strip()
    if not rule_holds and not override_reason:
        raise DecisionRuleNotMet(submitted=submitted, required=settings.DECISION_MIN_REVIEWS)
    criteria_set = round_criteria_set(initiative=initiative) or CriteriaSet.objects.active().first()
    if criteria_set is None and reasons is not None:
        raise DomainError(_("Der er intet aktivt kriteriesæt."))
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    if reasons is not None:
        missing = [
            str(c.order) for c in criteria
            if reasons.get(c.pk, ("", ""))[0] not in Verdict.values or not reasons.get(c.pk, ("", ""))[1].strip()
        ]  # fmt: skip
        if missing:
            raise IncompleteDecision(missing)
    decision = Decision.objects.create(
        initiative=initiative, criteria_set=criteria_set, outcome=outcome, summary=summary,
        override_reason=override_reason, reviews_submitted=submitted, decided_by=actor,
    )  # fmt: skip
    if reasons is not None:
        DecisionReason.objects.bulk_create(
            [DecisionReason(decision=decision, criterion=c, verdict=reasons[c.pk][0], reason=reasons[c.pk][1].strip())
             for c in criteria]
        )  # fmt: skip
    round_qs.update(decision=decision)
    _event(initiative=initiative, actor=actor, action="decision_record", note=override_reason,
           data={"decision": decision.pk, "outcome": outcome, "reviews_submitted": submitted,
                 "override": bool(override_reason)})  # fmt: skip
    # The lifecycle locks the row again (same transaction), writes the status change to the
    # history and notifies owner and team of the decision with its summary.
    lifecycle.initiative_decide(initiative_id=initiative.pk, actor=actor, action=action, note=summary,
                                event_data={"decision": decision.pk, "override": bool(override_reason)})  # fmt: skip
    if outcome == Recommendation.APPROVE:
        _trial_agreement_create(initiative_id=initiative.pk, decision=decision)
    return decision


def _trial_agreement_create(*, initiative_id: int, decision: Decision) -> TrialAgreement:
    initiative = (
        Initiative.objects.select_related("owner", "owning_unit").prefetch_related("indicators").get(pk=initiative_id)
    )
    return TrialAgreement.objects.create(
        initiative=initiative,
        decision=decision,
        title=initiative.title,
        hypothesis=initiative.hypothesis,
        expected_effect=initiative.expected_effect,
        owner=initiative.owner,
        owner_name=str(initiative.owner),
        owning_unit_name=initiative.owning_unit.name,
        start_date=initiative.start_date,
        end_date=initiative.end_date,
        evaluation_date=initiative.evaluation_date,
        indicators=[
            {"name": i.name, "unit": i.unit, "baseline": str(i.baseline), "target": str(i.target)}
            for i in initiative.indicators.all()
        ],
    )
