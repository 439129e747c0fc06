"""Every write to a prøvehandling. Views, tasks, admin and commands call these; nothing else
saves an Initiative. Each state change locks the row, checks the actor, writes an
append-only InitiativeEvent and queues notifications on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from initiatives.exceptions import (
    ActionForbidden,
    DomainError,
    IncompleteApplication,
    NoteRequired,
    SubmissionClosed,
    TransitionNotAllowed,
)
from initiatives.models import (
    TEAM_PERMISSION,
    Attachment,
    ExternalPartner,
    Indicator,
    Initiative,
    InitiativeEvent,
    Mantra,
    Outcome,
    Pejlemaerke,
    RuleChallenge,
    Status,
    TeamMember,
)
from initiatives.workflow import HOOKS, TRANSITIONS, action_service_register, actor_kinds
from slagelse_ou import roles
from slagelse_ou.models import User
from slagelse_ou.services import notifications_create

OBJECT_PERMS = ("view_initiative", TEAM_PERMISSION)

INITIATIVE_FIELDS = (
    "title",
    "summary",
    "problem",
    "idea",
    "hypothesis",
    "expected_effect",
    "owning_unit",
    "resources",
    "start_date",
    "end_date",
    "evaluation_date",
    "risks",
    "round",
    "status_report_interval_weeks",
    "target_group",
)


def initiative_event_record(
    *,
    initiative: Initiative,
    actor: User | None,
    action: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> InitiativeEvent:
    """The one way to write a row of a trial's history (append-only InitiativeEvent). Every app
    that changes something about a trial records it here; an app with its own actions
    registers their labels in `initiatives.models.EVENT_LABELS` (see results.apps)."""
    return InitiativeEvent.objects.create(
        initiative=initiative,
        actor=actor,
        action=action,
        note=note,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def _grant(*, initiative: Initiative, user: User) -> None:
    for perm in OBJECT_PERMS:
        assign_perm(perm, user, initiative)


def _revoke(*, initiative: Initiative, user: User) -> None:
    for perm in OBJECT_PERMS:
        remove_perm(perm, user, initiative)


def initiative_lock(initiative_id: int) -> Initiative:
    """The trial's row, locked for the rest of the transaction. Every write about one trial,
    in every app, locks this row first: writes queue behind each other in one order, so
    they cannot deadlock, and the second sees the first's result and fails its guard
    instead of overwriting it."""
    return (
        Initiative.objects.select_for_update(of=("self",)).select_related("owner", "owning_unit").get(pk=initiative_id)
    )


def initiative_require_editor(*, initiative: Initiative, actor: User) -> None:
    """Refuse anyone but the owner and the team (ActionForbidden)."""
    team = TeamMember.objects.filter(initiative=initiative, user=actor).exists()
    if initiative.owner_id != actor.pk and not team:
        raise ActionForbidden(_("Du kan ikke redigere denne prøvehandling."))


def _replace_children(*, initiative: Initiative, model, rows: Iterable[dict[str, Any]] | None) -> None:
    if rows is None:
        return
    model.objects.filter(initiative=initiative).delete()
    model.objects.bulk_create([model(initiative=initiative, **row) for row in rows])


@transaction.atomic
def initiative_create(
    *,
    owner: User,
    data: dict[str, Any],
    pejlemaerker: Iterable[Pejlemaerke] = (),
    mantras: Iterable[Mantra] = (),
    indicators: Iterable[dict] | None = None,
    partners: Iterable[dict] | None = None,
    rule_challenges: Iterable[dict] | None = None,
    copied_from: Initiative | None = None,
) -> Initiative:
    """Create a draft owned by `owner`; the owner gets object permissions to view and edit."""
    if not data.get("title"):
        raise IncompleteApplication([_("titel")])
    fields = {key: data[key] for key in INITIATIVE_FIELDS if key in data}
    fields.setdefault("owning_unit", owner.unit)
    if fields["owning_unit"] is None:
        raise IncompleteApplication([_("ansvarlig enhed")])
    initiative = Initiative.objects.create(owner=owner, status=Status.DRAFT, copied_from=copied_from, **fields)
    initiative.pejlemaerker.set(pejlemaerker)
    initiative.mantras.set(mantras)
    _replace_children(initiative=initiative, model=Indicator, rows=indicators)
    _replace_children(initiative=initiative, model=ExternalPartner, rows=partners)
    _replace_children(initiative=initiative, model=RuleChallenge, rows=rule_challenges)
    _grant(initiative=initiative, user=owner)
    initiative_event_record(
        initiative=initiative,
        actor=owner,
        action="create",
        to_status=Status.DRAFT,
        data={"copied_from": copied_from.pk} if copied_from else None,
    )
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative_id: int,
    actor: User,
    data: dict[str, Any],
    pejlemaerker: Iterable[Pejlemaerke] | None = None,
    mantras: Iterable[Mantra] | None = None,
    indicators: Iterable[dict] | None = None,
    partners: Iterable[dict] | None = None,
    rule_challenges: Iterable[dict] | None = None,
) -> Initiative:
    """Save the application's content. Only the owner or team, only while editable."""
    initiative = initiative_lock(initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    if not initiative.is_editable:
        raise ActionForbidden(
            _("Prøvehandlingen kan ikke redigeres, når den har status “%(status)s”.")
            % {"status": initiative.get_status_display()}
        )
    changed = [key for key in INITIATIVE_FIELDS if key in data and getattr(initiative, key) != data[key]]
    for key in changed:
        setattr(initiative, key, data[key])
    initiative.save(update_fields=[*changed, "updated_at"])
    if pejlemaerker is not None:
        initiative.pejlemaerker.set(pejlemaerker)
    if mantras is not None:
        initiative.mantras.set(mantras)
    _replace_children(initiative=initiative, model=Indicator, rows=indicators)
    _replace_children(initiative=initiative, model=ExternalPartner, rows=partners)
    _replace_children(initiative=initiative, model=RuleChallenge, rows=rule_challenges)
    initiative_event_record(initiative=initiative, actor=actor, action="update", data={"fields": changed})
    return initiative


def _verbose_name(name: str) -> str:
    field = Initiative._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of the row, not a reverse relation
    return str(field.verbose_name)


def initiative_missing_fields(*, initiative: Initiative) -> list[str]:
    """What a submission still lacks, in Danish, in form order."""
    missing = []
    for field in ("title", "summary", "problem", "idea", "hypothesis", "expected_effect"):
        if not getattr(initiative, field).strip():
            missing.append(_verbose_name(field))
    if not initiative.pejlemaerker.exists():
        missing.append(_("mindst ét pejlemærke"))
    if not initiative.indicators.exists():
        missing.append(_("mindst én indikator"))
    for field in ("start_date", "end_date", "evaluation_date"):
        if getattr(initiative, field) is None:
            missing.append(_verbose_name(field))
    if initiative.start_date and initiative.end_date and initiative.end_date < initiative.start_date:
        missing.append(_("en slutdato efter startdatoen"))
    return missing


def _transition(
    *,
    initiative_id: int,
    action: str,
    actor: User,
    note: str = "",
    extra: dict[str, Any] | None = None,
    guard=None,
    authorise=None,
    event_data: dict[str, Any] | None = None,
) -> Initiative:
    # `authorise(initiative) -> bool` replaces the actor check of the TRANSITIONS table for
    # an actor acting in another capacity (the owning unit's manager sending back).
    spec = TRANSITIONS[action]
    with transaction.atomic():
        initiative = initiative_lock(initiative_id)
        kinds = actor_kinds(initiative=initiative, user=actor)
        if not (authorise(initiative) if authorise else kinds & set(spec.actors)):
            raise ActionForbidden(
                _("Du har ikke adgang til at udføre handlingen “%(action)s”.") % {"action": spec.label}
            )
        # After the actor check: a double click by someone allowed to act repeats nothing, but
        # someone who may not act is refused even when the status is already the target.
        if initiative.status == spec.target:
            return initiative
        if initiative.status not in spec.sources:
            raise TransitionNotAllowed(current_label=initiative.get_status_display(), action_label=str(spec.label))
        if spec.needs_note and not note.strip():
            raise NoteRequired()
        if guard:
            guard(initiative)
        from_status = initiative.status
        initiative.status = spec.target
        update_fields = ["status", "updated_at"]
        for key, value in (extra or {}).items():
            setattr(initiative, key, value)
            update_fields.append(key)
        initiative.save(update_fields=update_fields)
        initiative_event_record(
            initiative=initiative,
            actor=actor,
            action=action,
            note=note,
            from_status=from_status,
            to_status=spec.target,
            data=event_data,
        )
        _notify_transition(initiative=initiative, actor=actor, action=action, note=note)
        hook = HOOKS.get(action)
        if hook is not None:
            hook.send(sender=Initiative, initiative=initiative, actor=actor, action=action, note=note)
    return initiative


def _notify_transition(*, initiative: Initiative, actor: User, action: str, note: str) -> None:
    url = reverse("initiatives:detail", args=[initiative.pk])
    status = initiative.get_status_display()
    subject = _("“%(title)s” har nu status %(status)s") % {
        "title": initiative.title,
        "status": status,
    }
    body = _("%(actor)s ændrede status til “%(status)s”.") % {"actor": actor, "status": status}
    if note:
        body += "\n\n" + _("Begrundelse: %(note)s") % {"note": note}
    people = [initiative.owner, *[m.user for m in initiative.team.select_related("user")]]
    if action == "submit":
        people += list(User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True))
    notifications_create(recipients=[p for p in people if p.pk != actor.pk], subject=subject, body=body, url=url)


def _check_intake(initiative: Initiative) -> None:
    """A first submission only while its ansøgningsrunde is open; without a round only with
    continuous intake. Raised inside the transition, so the draft is left exactly as saved.
    A resubmission after "tilbage til ansøger" belongs to the review and is not refused."""
    if initiative.status != Status.DRAFT:
        return
    round_, today = initiative.round, timezone.localdate()
    if round_ is None:
        if not settings.CONTINUOUS_INTAKE:
            raise SubmissionClosed(_("Vælg den ansøgningsrunde, du søger i – der er ikke løbende optag."))
        return
    names = {
        "round": round_.title,
        "opens": formats.date_format(round_.opens_on, "j. F Y"),
        "deadline": formats.date_format(round_.application_deadline, "j. F Y"),
    }
    if today < round_.opens_on:
        raise SubmissionClosed(
            _(
                "Ansøgningsrunden “%(round)s” åbner først %(opens)s. Din kladde er gemt, "
                "og du kan indsende den, når runden er åben."
            )
            % names
        )
    if today > round_.application_deadline:
        raise SubmissionClosed(
            _(
                "Ansøgningsfristen for “%(round)s” var %(deadline)s, så ansøgningen kan ikke "
                "længere indsendes i den runde. Din kladde er gemt – vælg en anden runde."
            )
            % names
        )


def initiative_submit(*, initiative_id: int, actor: User, note: str = "") -> Initiative:
    def complete(initiative: Initiative) -> None:
        _check_intake(initiative)
        missing = initiative_missing_fields(initiative=initiative)
        if missing:
            raise IncompleteApplication(missing)

    return _transition(
        initiative_id=initiative_id,
        action="submit",
        actor=actor,
        note=note,
        guard=complete,
        extra={"submitted_at": timezone.now()},
    )


def initiative_start_review(*, initiative_id: int, actor: User, note: str = "") -> Initiative:
    return _transition(initiative_id=initiative_id, action="start_review", actor=actor, note=note)


def initiative_decide(
    *, initiative_id: int, actor: User, action: str, note: str, event_data: dict[str, Any] | None = None
) -> Initiative:
    """The lifecycle half of a decision: approve, reject or request_changes. Called by
    `criteria.services.decision_record`, which first records the decision with its reasons
    per principle and closes the review round, and afterwards fixes the trial agreement."""
    if action not in ("approve", "reject", "request_changes"):
        raise ValueError(action)
    extra = {"decided_at": timezone.now(), "decision_reason": note} if action != "request_changes" else None
    return _transition(
        initiative_id=initiative_id, action=action, actor=actor, note=note, extra=extra, event_data=event_data
    )


def initiative_manager_send_back(
    *, initiative_id: int, actor: User, note: str, authorise: Callable[[Initiative], bool]
) -> Initiative:
    """The owning unit's manager sends a submitted application back for changes. Called by
    `criteria.services.endorsement_record`, which records the manager's view and passes its
    rule for who may endorse (`criteria.permissions.can_endorse`) as `authorise`."""

    def submitted_only(initiative: Initiative) -> None:
        if initiative.status != Status.SUBMITTED:
            raise TransitionNotAllowed(
                current_label=initiative.get_status_display(), action_label=str(TRANSITIONS["request_changes"].label)
            )

    return _transition(
        initiative_id=initiative_id,
        action="request_changes",
        actor=actor,
        note=note,
        guard=submitted_only,
        authorise=authorise,
    )


def initiative_start(*, initiative_id: int, actor: User, note: str = "") -> Initiative:
    return _transition(initiative_id=initiative_id, action="start", actor=actor, note=note)


def initiative_begin_evaluation(*, initiative_id: int, actor: User, note: str = "") -> Initiative:
    return _transition(initiative_id=initiative_id, action="begin_evaluation", actor=actor, note=note)


def initiative_conclude(
    *,
    initiative_id: int,
    actor: User,
    outcome: str,
    note: str,
    guard: Callable[[Initiative], None] | None = None,
) -> Initiative:
    """The lifecycle half of concluding: skaleret, videreført med justering or stoppet.
    `guard(initiative)` runs under the row lock after the actor, status and note checks —
    `results.services.evaluation_conclude` passes its rule that the evaluation is in."""

    def ready(initiative: Initiative) -> None:
        if outcome not in Outcome.values:
            raise DomainError(_("Vælg et udfald: skaleret, videreført med justering eller stoppet."))
        if guard:
            guard(initiative)

    return _transition(
        initiative_id=initiative_id,
        action="conclude",
        actor=actor,
        note=note,
        guard=ready,
        extra={"outcome": outcome},
    )


def initiative_withdraw(*, initiative_id: int, actor: User, note: str) -> Initiative:
    return _transition(initiative_id=initiative_id, action="withdraw", actor=actor, note=note)


# The lifecycle's own actions. criteria registers approve, reject and request_changes and
# results registers conclude when they are ready (initiatives.workflow.ACTION_SERVICES).
_LIFECYCLE_SERVICES: dict[str, Callable[..., Any]] = {
    "submit": initiative_submit,
    "start_review": initiative_start_review,
    "start": initiative_start,
    "begin_evaluation": initiative_begin_evaluation,
    "conclude": initiative_conclude,
    "withdraw": initiative_withdraw,
}
for _action, _service in _LIFECYCLE_SERVICES.items():
    action_service_register(_action, _service)


@transaction.atomic
def team_member_add(*, initiative_id: int, actor: User, user: User, role: str = TeamMember.Role.MEMBER) -> TeamMember:
    """Add a colleague from any unit and grant them view/change on this initiative."""
    initiative = initiative_lock(initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    if user.pk == initiative.owner_id:
        raise ActionForbidden(_("Ejeren er allerede med i teamet."))
    member, created = TeamMember.objects.get_or_create(initiative=initiative, user=user, defaults={"role": role})
    if not created:
        raise ActionForbidden(_("%(user)s er allerede med i teamet.") % {"user": user})
    _grant(initiative=initiative, user=user)
    initiative_event_record(initiative=initiative, actor=actor, action="team_add", data={"user": user.pk, "role": role})
    notifications_create(
        recipients=[user],
        subject=_("Du er tilføjet til teamet bag “%(title)s”") % {"title": initiative.title},
        body=_("%(actor)s har tilføjet dig som %(role)s.") % {"actor": actor, "role": member.get_role_display()},
        url=reverse("initiatives:detail", args=[initiative.pk]),
    )
    return member


@transaction.atomic
def team_member_remove(*, initiative_id: int, actor: User, member_id: int) -> None:
    initiative = initiative_lock(initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    member = TeamMember.objects.select_related("user").get(pk=member_id, initiative=initiative)
    member.delete()
    _revoke(initiative=initiative, user=member.user)
    initiative_event_record(initiative=initiative, actor=actor, action="team_remove", data={"user": member.user_id})


@transaction.atomic
def attachment_add(*, initiative_id: int, actor: User, upload, content_type: str) -> Attachment:
    initiative = initiative_lock(initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    attachment = Attachment(
        initiative=initiative,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    initiative_event_record(
        initiative=initiative,
        actor=actor,
        action="attachment_add",
        data={"name": attachment.original_name},
    )
    return attachment
