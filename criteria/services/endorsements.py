"""The manager's endorsement of a submitted application."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import (
    ManagerEndorsement,
)
from criteria.permissions import can_endorse, can_escalate, escalation_open, is_applicant
from criteria.selectors import current_endorsement
from criteria.services._common import (
    applicants,
    coordinators,
    criteria_event_record,
    detail_url,
    overview_url,
)
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired
from initiatives.models import Initiative, Status, TeamMember
from slagelse_ou.models import OrgUnit, User
from slagelse_ou.services import notifications_create


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
    initiative = lifecycle.initiative_lock(initiative_id)
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
    assert initiative.submitted_at is not None  # set by the submission (initiatives.services)
    reason = reason.strip()
    if verdict != ManagerEndorsement.Verdict.ENDORSED and not reason:
        raise NoteRequired()
    endorsement = ManagerEndorsement.objects.create(
        initiative=initiative, submission=initiative.submitted_at, manager=actor, verdict=verdict, reason=reason
    )
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="endorsement",
        note=reason,
        data={"endorsement": endorsement.pk, "verdict": verdict},
    )
    if verdict == ManagerEndorsement.Verdict.RETURNED:
        # The lifecycle notifies owner and team and writes the status change to the history.
        lifecycle.initiative_manager_send_back(
            initiative_id=initiative.pk,
            actor=actor,
            note=reason,
            authorise=lambda locked: can_endorse(actor, locked),
        )
        return endorsement
    label = endorsement.get_verdict_display()
    subject = _("Ledelsens vurdering af “%(title)s”: %(verdict)s") % {"title": initiative.title, "verdict": label}
    body = _("%(manager)s: %(verdict)s.") % {"manager": actor, "verdict": label}
    if reason:
        body += "\n\n" + _("Begrundelse: %(reason)s") % {"reason": reason}
    if verdict == ManagerEndorsement.Verdict.DECLINED:
        body += "\n\n" + _("Ansøgeren kan bede sekretariatet om at gå videre med ansøgningen alligevel.")
    notifications_create(recipients=applicants(initiative), subject=subject, body=body, url=detail_url(initiative))
    notifications_create(recipients=coordinators(), subject=subject, body=body, url=overview_url(initiative))
    return endorsement


@transaction.atomic
def endorsement_escalate(*, initiative_id: int, actor: User, note: str) -> ManagerEndorsement:
    """The applicant asks the coordinators to take the application forward although the
    manager declined to endorse it. The manager's view stays on record for the reviewers."""
    initiative = lifecycle.initiative_lock(initiative_id)
    endorsement = current_endorsement(initiative=initiative)
    if endorsement is None or not can_escalate(actor, initiative, endorsement=endorsement):
        # The rule is can_escalate's; here only why not, in the order the answer matters.
        if not is_applicant(actor, initiative):
            raise ActionForbidden(_("Kun ansøgeren kan bede sekretariatet om at gå videre."))
        if endorsement is None or not escalation_open(initiative, endorsement=endorsement):
            raise DomainError(_("Det er kun muligt, når ledelsen har afvist at anbefale ansøgningen."))
        return endorsement  # asked already (a repeated click): nothing more to do
    if not note.strip():
        raise NoteRequired()
    endorsement.escalated_at = timezone.now()
    endorsement.save(update_fields=["escalated_at"])
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="endorsement_escalate",
        note=note.strip(),
        data={"endorsement": endorsement.pk},
    )
    notifications_create(
        recipients=coordinators(),
        subject=_("Ansøgeren beder sekretariatet gå videre med “%(title)s”") % {"title": initiative.title},
        body=_("Ledelsen har ikke anbefalet ansøgningen. Ansøgerens begrundelse: %(note)s") % {"note": note.strip()},
        url=overview_url(initiative),
    )
    return endorsement
