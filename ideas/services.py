"""Every write to an idea. Views, tasks and commands call these; nothing else saves an Idea.

Triage steps lock the idea row, check the actor and the status, write an append-only
IdeaEvent and queue an e-mail to the submitter (IdeaMail outbox, handed to Celery on
commit). E-mails go only to confirmed addresses (double opt-in), except the confirmation
request itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Idea,
    IdeaEvent,
    IdeaMail,
    IdeaStatus,
    PersonalDataRequest,
    normalise_email,
)
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired
from initiatives.services import initiative_create, initiative_event_record
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User
from slagelse_ou.outbox import Outbox, mail_domain
from slagelse_ou.services import notifications_create

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

CONFIRM_SALT = "ideas.confirm-email"
IDEA_FIELDS = ("title", "description", "area", "submitter_kind", "submitter_name", "email")


class IdeaTransitionNotAllowed(DomainError):
    def __init__(self, *, idea: Idea, action_label: str):
        super().__init__(
            _("Handlingen “%(action)s” kan ikke udføres, når idéen har status “%(status)s”.")
            % {"action": action_label, "status": idea.get_status_display()}
        )


@dataclass(frozen=True)
class TriageAction:
    label: StrOrPromise
    sources: tuple[str, ...]
    target: str
    mail: str


# The allowed triage moves, next to nothing else (STYLE.md §4). Only coordinators triage.
TRIAGE = {
    "publish": TriageAction(
        gettext_lazy("Offentliggør"), (IdeaStatus.RECEIVED,), IdeaStatus.PUBLISHED, IdeaMail.Kind.PUBLISHED
    ),
    "convert": TriageAction(
        gettext_lazy("Gør til prøvehandling"), OPEN_STATUSES, IdeaStatus.CONVERTED, IdeaMail.Kind.CONVERTED
    ),
    "merge": TriageAction(
        gettext_lazy("Læg sammen med en anden idé"), OPEN_STATUSES, IdeaStatus.MERGED, IdeaMail.Kind.MERGED
    ),
    "decline": TriageAction(gettext_lazy("Afvis"), OPEN_STATUSES, IdeaStatus.DECLINED, IdeaMail.Kind.DECLINED),
}


def token_hash(token: str) -> str:
    """SHA-256 of a status token. A plain hash suffices: the token has 256 random bits, so
    there is nothing to brute-force, and equal hashes are looked up by a unique index."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_digest(email: str) -> str:
    """HMAC of an address under SECRET_KEY: matches requests about the same address without
    keeping the address."""
    return hmac.new(settings.SECRET_KEY.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def confirmation_code(idea: Idea) -> str:
    """The signed, expiring code in the confirmation link. It names the idea by id only and
    is bound to the address it was sent to, so it cannot confirm a changed address."""
    return signing.dumps({"idea": idea.pk, "to": email_digest(idea.email)[:16]}, salt=CONFIRM_SALT, compress=True)


def _event(
    *,
    idea: Idea,
    action: str,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> IdeaEvent:
    return IdeaEvent.objects.create(
        idea=idea, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note, data=data or {}
    )


def _mail(*, idea: Idea, kind: str, status_token: str = "") -> IdeaMail:
    """Write the outbox row now; hand it to a worker once the transaction commits.

    robust=True: a dead broker must not fail the citizen's request; the row stays pending
    and `ideas_mail_sweep` sends it later. The status token travels only in the task's
    message (never in PostgreSQL), so a swept mail goes without the link."""
    mail = IdeaMail.objects.create(idea=idea, kind=kind)

    def hand_off() -> None:
        from ideas.tasks import idea_mail_deliver

        idea_mail_deliver.apply_async(kwargs={"mail_id": mail.pk, "status_token": status_token}, retry=False)

    transaction.on_commit(hand_off, robust=True)
    return mail


def _tell_coordinators(*, idea: Idea) -> None:
    # No idea text in the notification: it outlives an erasure of the idea.
    coordinators = User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True)
    notifications_create(
        recipients=coordinators,
        subject=_("Ny idé til behandling"),
        body=_("En borger, virksomhed eller forening har sendt en idé. Den venter på at blive behandlet."),
        url=reverse("ideas:triage_detail", args=[idea.pk]),
    )


class FormAlreadyUsed(DomainError):
    """The shown form's start-time token has already made an idea."""

    def __init__(self) -> None:
        super().__init__(
            _("Formularen er allerede brugt til at sende en idé. Det du har skrevet, er bevaret – send igen.")
        )


@transaction.atomic
def idea_submit(*, data: dict[str, Any], form_nonce: str | None = None) -> tuple[Idea, str]:
    """Store a new idea and return it with its status token (shown once, stored hashed).

    `form_nonce` (from the form's start-time token) can make one idea only: a second post
    with the same shown form is refused, whatever IP it comes from.

    With an e-mail address the idea waits for the address to be confirmed (double opt-in)
    before it reaches the coordinators; without one it goes straight to triage."""
    fields = {key: (data.get(key) or "") for key in IDEA_FIELDS}
    fields["email"] = normalise_email(fields["email"])
    if not fields["title"].strip() or not fields["description"].strip():
        raise DomainError(_("Skriv en titel og en beskrivelse af idéen."))
    token = secrets.token_urlsafe(32)
    status = IdeaStatus.AWAITING_CONFIRMATION if fields["email"] else IdeaStatus.RECEIVED
    if form_nonce and Idea.objects.filter(form_nonce=form_nonce).exists():
        raise FormAlreadyUsed()
    try:
        with transaction.atomic():
            idea = Idea.objects.create(
                **fields,
                status=status,
                consent_at=timezone.now(),
                status_token_hash=token_hash(token),
                form_nonce=form_nonce or None,
            )
    except IntegrityError as error:  # the same form posted twice at the same moment
        raise FormAlreadyUsed() from error
    _event(idea=idea, action="submit", to_status=status)
    if fields["email"]:
        _mail(idea=idea, kind=IdeaMail.Kind.CONFIRM, status_token=token)
    else:
        _tell_coordinators(idea=idea)
    return idea, token


def idea_by_token(token: str) -> Idea | None:
    """The idea behind a status link, or None. Unknown and malformed tokens look the same."""
    if not token or len(token) > 100:
        return None
    return Idea.objects.select_related("initiative", "merged_into").filter(status_token_hash=token_hash(token)).first()


def idea_for_confirmation(code: str) -> Idea | None:
    """The idea a confirmation code was issued for, if the code is genuine, unexpired and
    the address is unchanged; else None."""
    try:
        payload = signing.loads(code, salt=CONFIRM_SALT, max_age=timedelta(days=settings.IDEA_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    idea = Idea.objects.filter(pk=payload.get("idea")).first()
    if idea is None or not idea.email or not hmac.compare_digest(email_digest(idea.email)[:16], payload.get("to", "")):
        return None
    return idea


@transaction.atomic
def idea_confirm_email(*, idea_id: int) -> Idea:
    """Double opt-in: the address is confirmed and the idea goes to triage. Repeating it (a
    second click, a mail scanner after the person) changes nothing."""
    idea = Idea.objects.select_for_update().get(pk=idea_id)
    if idea.email_confirmed_at is not None or not idea.email:
        return idea
    idea.email_confirmed_at = timezone.now()
    update_fields = ["email_confirmed_at", "updated_at"]
    if idea.status == IdeaStatus.AWAITING_CONFIRMATION:
        idea.status = IdeaStatus.RECEIVED
        update_fields.append("status")
        _event(idea=idea, action="confirm", from_status=IdeaStatus.AWAITING_CONFIRMATION, to_status=idea.status)
        _tell_coordinators(idea=idea)
    idea.save(update_fields=update_fields)
    _mail(idea=idea, kind=IdeaMail.Kind.RECEIVED)
    return idea


def _locked(idea_id: int) -> Idea:
    # select_for_update: two coordinators acting at once queue on the row lock; the second
    # sees the first's result and fails the status guard instead of overwriting it.
    return Idea.objects.select_for_update().get(pk=idea_id)


def _triage(
    *,
    idea_id: int,
    action: str,
    actor: User,
    note: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    guard=None,
) -> Idea:
    spec = TRIAGE[action]
    if not actor.is_coordinator:
        raise ActionForbidden(_("Kun sekretariatet kan behandle idéer."))
    idea = _locked(idea_id)
    if idea.status == spec.target:
        return idea  # a double click repeats nothing
    if idea.status not in spec.sources:
        raise IdeaTransitionNotAllowed(idea=idea, action_label=str(spec.label))
    if guard:
        guard(idea)
    from_status, now = idea.status, timezone.now()
    idea.status = spec.target
    update_fields = ["status", "updated_at"]
    for key, value in (changes or {}).items():
        setattr(idea, key, value)
        update_fields.append(key)
    if spec.target == IdeaStatus.PUBLISHED:
        idea.published_at = now
        update_fields.append("published_at")
    if spec.target in CLOSED_STATUSES:
        idea.closed_at = now
        update_fields.append("closed_at")
    idea.save(update_fields=update_fields)
    _event(idea=idea, action=action, actor=actor, from_status=from_status, to_status=spec.target, note=note, data=data)
    _mail(idea=idea, kind=spec.mail)
    return idea


@transaction.atomic
def idea_publish(*, idea_id: int, actor: User) -> Idea:
    """Show the idea on the public pages (title, description, area and kind of submitter)."""
    return _triage(idea_id=idea_id, action="publish", actor=actor)


@transaction.atomic
def idea_decline(*, idea_id: int, actor: User, reason: str) -> Idea:
    """Decline with a reason the submitter is told. A published idea is taken down."""
    if not reason.strip():
        raise NoteRequired()
    return _triage(
        idea_id=idea_id, action="decline", actor=actor, note=reason, changes={"decline_reason": reason.strip()}
    )


@transaction.atomic
def idea_merge(*, idea_id: int, actor: User, into_id: int, note: str = "") -> Idea:
    """Merge into a similar open idea; the submitter is pointed to it."""
    if into_id == idea_id:
        raise DomainError(_("En idé kan ikke lægges sammen med sig selv."))
    # Lock both rows in id order, so two merges of the same pair in opposite directions
    # cannot deadlock; the guard then sees the other's committed status.
    first, second = sorted((idea_id, into_id))
    list(Idea.objects.select_for_update().filter(pk__in=(first, second)).order_by("pk"))
    target = Idea.objects.filter(pk=into_id).first()

    def open_target(idea: Idea) -> None:
        if target is None or target.status not in OPEN_STATUSES:
            raise DomainError(_("Vælg en idé, der stadig er åben (modtaget eller offentliggjort)."))

    return _triage(
        idea_id=idea_id,
        action="merge",
        actor=actor,
        note=note,
        guard=open_target,
        changes={"merged_into": target},
        data={"into": into_id},
    )


@transaction.atomic
def idea_convert(*, idea_id: int, actor: User, owner: User, owning_unit: OrgUnit | None = None) -> Idea:
    """Turn the idea into a draft prøvehandling owned by `owner`, linked both ways
    (Idea.initiative and Initiative.source_idea). The owner is told in the portal."""
    idea = _locked(idea_id)
    if idea.status == IdeaStatus.CONVERTED:
        return idea
    if not actor.is_coordinator:
        raise ActionForbidden(_("Kun sekretariatet kan behandle idéer."))
    if idea.status not in TRIAGE["convert"].sources:
        raise IdeaTransitionNotAllowed(idea=idea, action_label=str(TRIAGE["convert"].label))
    if not owner.is_active or not owner.is_staff_member:
        raise DomainError(_("Vælg en medarbejder som ejer af prøvehandlingen."))
    unit = owning_unit or owner.unit
    if unit is None:
        raise DomainError(_("Vælg den enhed, der skal være ansvarlig for prøvehandlingen."))
    initiative = initiative_create(
        owner=owner, data={"title": idea.title, "idea": idea.description, "owning_unit": unit}
    )
    idea = _triage(
        idea_id=idea_id,
        action="convert",
        actor=actor,
        changes={"initiative": initiative},
        data={"initiative": initiative.pk},
    )
    # The trial's own history says where it came from ("Oprettet fra en borgeridé"); only the
    # idea's id, so an erasure of the idea leaves nothing personal behind in it.
    initiative_event_record(initiative=initiative, actor=actor, action="convert", data={"idea": idea.pk})
    notifications_create(
        recipients=[owner] if owner.pk != actor.pk else [],
        subject=_("Du er ejer af en ny kladde: “%(title)s”") % {"title": initiative.title},
        body=_(
            "%(actor)s har gjort en idé fra en borger, virksomhed eller forening til en prøvehandling "
            "og gjort dig til ejer. Kladden venter på, at du udfylder ansøgningen."
        )
        % {"actor": actor},
        url=initiative.get_absolute_url(),
    )
    return idea


# --- e-mail ---------------------------------------------------------------------------


# The idea-mail outbox: sent at `sent_at`, claimed at `claimed_at` (slagelse_ou/outbox.py
# has the claim, the lease and the release on failure).
IDEA_MAIL_OUTBOX = Outbox(
    IdeaMail, sent_field="sent_at", claimed_field="claimed_at", failures_field="failures", error_field="error"
)


def idea_mail_deliver(*, mail_id: int, status_token: str = "") -> bool:
    """Send one outbox e-mail at most once; True if a message went out.

    The conditional UPDATE claims the row (a second worker or a sweep updates nothing). The
    address and text are read now, so a mail to an idea anonymised or erased since is not
    sent. Only the confirmation request goes to an unconfirmed address."""
    claimed_at = IDEA_MAIL_OUTBOX.claim(mail_id)
    if claimed_at is None:
        return False
    mail = IdeaMail.objects.select_related("idea", "idea__initiative", "idea__merged_into").filter(pk=mail_id).first()
    if mail is None:
        return False
    idea = mail.idea
    may_send = bool(idea.email) and (mail.kind == IdeaMail.Kind.CONFIRM or idea.email_confirmed_at is not None)
    if may_send and mail.kind == IdeaMail.Kind.CONFIRM and idea.email_confirmed_at is not None:
        may_send = False  # confirmed already (a late retry)
    if not may_send:
        IDEA_MAIL_OUTBOX.mark_sent([mail_id], at=claimed_at)
        return False
    context = {
        "idea": idea,
        "kind": mail.kind,
        "site_url": settings.SITE_URL,
        "status_url": settings.SITE_URL + reverse("ideas:status", args=[status_token]) if status_token else "",
        "confirm_url": settings.SITE_URL + reverse("ideas:confirm", args=[confirmation_code(idea)])
        if mail.kind == IdeaMail.Kind.CONFIRM
        else "",
        "confirm_days": settings.IDEA_CONFIRM_DAYS,
    }
    message = EmailMessage(
        subject=str(IdeaMail.Kind(mail.kind).label),
        body=render_to_string("ideas/emails/idea_mail.txt", context),
        to=[idea.email],
        headers={"Message-ID": f"<ide-mail-{mail.pk}@{mail_domain()}>", "Auto-Submitted": "auto-generated"},
    )
    IDEA_MAIL_OUTBOX.send(message, pks=[mail_id], claimed_at=claimed_at)
    return True


def idea_mails_pending_ids(*, older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = IDEA_MAIL_OUTBOX.claimable(IdeaMail.objects.filter(created_at__lt=cutoff))
    return list(pending.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


# --- retention and GDPR ---------------------------------------------------------------


@transaction.atomic
def idea_anonymise_expired(*, now=None) -> int:
    """Blank the contact details of ideas closed more than IDEA_RETENTION_DAYS ago.

    One set-based UPDATE; running it twice (two beats, a retry) finds nothing the second
    time. The history gets an event per idea without any personal data."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IDEA_RETENTION_DAYS)
    ids = list(
        Idea.objects.select_for_update(skip_locked=True)
        .filter(status__in=CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Idea.objects.filter(pk__in=ids).update(submitter_name="", email="", email_confirmed_at=None, anonymised_at=now)
    IdeaEvent.objects.bulk_create([IdeaEvent(idea_id=pk, action="anonymise") for pk in ids])
    return len(ids)


def idea_delete_unconfirmed(*, now=None) -> int:
    """Ideas whose address was never confirmed are deleted after IDEA_CONFIRM_DAYS: they
    never reached anyone, and we keep no unconfirmed addresses."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IDEA_CONFIRM_DAYS)
    _total, per_model = Idea.objects.filter(status=IdeaStatus.AWAITING_CONFIRMATION, created_at__lt=cutoff).delete()
    return per_model.get("ideas.Idea", 0)


def personal_data_export(*, email: str, actor: User) -> dict[str, Any]:
    """Everything the portal holds about `email` (GDPR art. 15), as JSON-ready data."""
    if not actor.is_coordinator:
        raise ActionForbidden(_("Kun sekretariatet kan udtrække persondata."))
    ideas = list(Idea.objects.with_email(email).prefetch_related("events", "mails").order_by("created_at", "pk"))
    accounts = list(User.objects.filter(email__iexact=email.strip()).order_by("pk"))
    PersonalDataRequest.objects.create(
        kind=PersonalDataRequest.Kind.EXPORT, email_digest=email_digest(email), actor=actor, ideas_count=len(ideas)
    )
    return {
        "e-mail": normalise_email(email),
        "udtrukket": timezone.now().isoformat(),
        "idéer": [_idea_export(idea) for idea in ideas],
        "brugerkonti": [
            {
                "brugernavn": u.username,
                "fornavn": u.first_name,
                "efternavn": u.last_name,
                "e-mail": u.email,
                "oprettet": u.date_joined.isoformat(),
                "aktiv": u.is_active,
            }
            for u in accounts
        ],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _idea_export(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "titel": idea.title,
        "beskrivelse": idea.description,
        "område": idea.get_area_display(),
        "indsendt_af": idea.get_submitter_kind_display(),
        "navn": idea.submitter_name,
        "e-mail": idea.email,
        "e-mail_bekræftet": _iso(idea.email_confirmed_at),
        "samtykke_givet": _iso(idea.consent_at),
        "status": idea.get_status_display(),
        "begrundelse_for_afvisning": idea.decline_reason,
        "prøvehandling": idea.initiative_id,
        "lagt_sammen_med": idea.merged_into_id,
        "indsendt": _iso(idea.created_at),
        "offentliggjort": _iso(idea.published_at),
        "afsluttet": _iso(idea.closed_at),
        "historik": [
            {
                "tidspunkt": _iso(e.created_at),
                "handling": e.action,
                "fra": e.from_status,
                "til": e.to_status,
                "note": e.note,
            }
            for e in idea.events.all()
        ],
        "e-mails": [
            {"type": m.get_kind_display(), "oprettet": _iso(m.created_at), "sendt": _iso(m.sent_at)}
            for m in idea.mails.all()
        ],
    }


@transaction.atomic
def personal_data_erase(*, email: str, actor: User) -> int:
    """Erase every idea sent from `email` with its history and outbox (GDPR art. 17).

    A prøvehandling made from such an idea stays (it is the municipality's own work); only
    its link to the idea goes. Ideas merged into an erased idea keep their own data. The
    request is recorded by a keyed digest of the address, never the address."""
    if not actor.is_coordinator:
        raise ActionForbidden(_("Kun sekretariatet kan slette persondata."))
    ids = list(Idea.objects.select_for_update().with_email(email).values_list("pk", flat=True))
    Idea.objects.filter(pk__in=ids).delete()  # cascades to IdeaEvent and IdeaMail
    PersonalDataRequest.objects.create(
        kind=PersonalDataRequest.Kind.ERASE, email_digest=email_digest(email), actor=actor, ideas_count=len(ids)
    )
    return len(ids)
