"""Dialogrum: rooms, threads, posts, reports, meetings, follows, the audit trail and the
room object permissions.

Who may see a room is one queryset rule (`dialogrum.permissions.visible_rooms`); the only
stored grants are room memberships and ownerships (django-guardian, direct FK tables),
written by `dialogrum.services` so every grant and revocation is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from slagelse_ou import roles


class Visibility(models.TextChoices):
    PUBLIC = "offentlig", _("Offentligt – alle kan læse")
    STAFF = "medarbejdere", _("Kun medarbejdere og politikere")
    MEMBERS = "medlemmer", _("Kun inviterede medlemmer")


class ParticipantRole(models.TextChoices):
    """The badge a participant carries, as the issue names them."""

    POLITICIAN = "politiker", _("Politiker")
    COORDINATOR = "sekretariat", _("Sekretariat")
    MANAGER = "leder", _("Leder")
    EMPLOYEE = "medarbejder", _("Medarbejder")
    CITIZEN = "borger", _("Borger")


# First match wins: a politician who is also an employee speaks as a politician here.
_ROLE_PRECEDENCE = (
    (roles.UDVALGSMEDLEM, ParticipantRole.POLITICIAN),
    (roles.SEKRETARIAT, ParticipantRole.COORDINATOR),
    (roles.ADMINISTRATOR, ParticipantRole.COORDINATOR),
    (roles.LEDER, ParticipantRole.MANAGER),
    (roles.MEDARBEJDER, ParticipantRole.EMPLOYEE),
    (roles.KRITERIEBEDOMMER, ParticipantRole.EMPLOYEE),
    (roles.BORGER, ParticipantRole.CITIZEN),
)


def participant_role(user) -> str:
    names = user.role_names
    for group, role in _ROLE_PRECEDENCE:
        if group in names:
            return role
    return ParticipantRole.CITIZEN


class Room(models.Model):
    class Kind(models.TextChoices):
        THEME = "tema", _("Tematisk rum")
        INITIATIVE = "proevehandling", _("Prøvehandlingens rum")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.THEME)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    visibility = models.CharField(_("synlighed"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        verbose_name=_("prøvehandling"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dialog_room",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dialogrum")
        verbose_name_plural = _("dialogrum")
        ordering = ["-last_activity_at", "-pk"]
        permissions = [("manage_room", _("Kan administrere dialogrummet og invitere medlemmer"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="tema", initiative__isnull=True) | Q(kind="proevehandling", initiative__isnull=False),
                name="room_kind_matches_initiative",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("dialogrum:room_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        # A trial's room follows the trial's (possibly renamed) title.
        return self.initiative.title if self.initiative is not None else self.title


class Thread(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("overskrift"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(auto_now_add=True)
    post_count = models.PositiveIntegerField(default=0)
    # Set when the opening post is hidden, so lists can hide the title without a join.
    hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("tråd")
        verbose_name_plural = _("tråde")
        ordering = ["-last_post_at", "-pk"]
        indexes = [models.Index(fields=["room", "-last_post_at", "-id"], name="thread_room_activity")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogrum:thread_detail", args=[self.pk])


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dialog_posts")
    # The badge is stored as it was when the post was written; it is what readers saw.
    author_role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    is_opening = models.BooleanField(default=False)
    body = models.TextField(_("tekst"))
    # Rendered once at write time by dialogrum.markdown.render_markdown (Markdown + nh3).
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("indlæg")
        verbose_name_plural = _("indlæg")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "is_opening", "created_at", "id"], name="post_thread_order")]
        constraints = [
            models.UniqueConstraint(fields=["thread"], condition=Q(is_opening=True), name="post_one_opening_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.author} i {self.thread_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostReport(models.Model):
    """A reader's report of a post. One open report per reader and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("begrundelse"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("anmeldelse")
        verbose_name_plural = _("anmeldelser")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], condition=Q(resolved_at__isnull=True), name="report_one_open_per_reader"
            )
        ]
        indexes = [
            models.Index(fields=["created_at"], name="report_open", condition=Q(resolved_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Anmeldelse af {self.post_id}"


class Follow(models.Model):
    """A user follows a room (new threads, meetings, minutes) or a thread (replies)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialog_follows")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(room__isnull=False, thread__isnull=True) | Q(room__isnull=True, thread__isnull=False),
                name="follow_room_xor_thread",
            ),
            models.UniqueConstraint(fields=["user", "room"], name="follow_room_once"),
            models.UniqueConstraint(fields=["user", "thread"], name="follow_thread_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.room_id or self.thread_id}"


class Meeting(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    location = models.CharField(_("sted"), max_length=300, blank=True)
    online_url = models.URLField(_("onlinelink"), blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    minutes_html = models.TextField(blank=True, editable=False)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # iCalendar SEQUENCE: raised on each change of time or place so calendars update.
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeetingParticipant",
        through_fields=("meeting", "user"),
        related_name="dialog_meetings",
        blank=True,
    )

    class Meta:
        verbose_name = _("dialogmøde")
        verbose_name_plural = _("dialogmøder")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogrum:meeting_detail", args=[self.pk])


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_participant_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(_("punkt"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("prøvehandling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialog_agenda_items",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")

    def __str__(self) -> str:
        return self.title


class MinutesLink(models.Model):
    """A meeting's minutes attached to a prøvehandling as input to its decision or evaluation."""

    class Purpose(models.TextChoices):
        DECISION = "beslutning", _("Input til beslutning")
        EVALUATION = "evaluering", _("Input til evaluering")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="initiative_links")
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="dialog_minutes")
    purpose = models.CharField(_("formål"), max_length=20, choices=Purpose.choices, default=Purpose.DECISION)
    note = models.TextField(_("bemærkning"), blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "initiative"], name="minutes_link_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.initiative_id}"


class DialogEvent(models.Model):
    """Append-only audit trail for the dialogrum: grants, visibility, edits, reports,
    moderation, meetings and minutes. `data` keeps what is needed to see what changed
    (e.g. the text before an edit)."""

    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["room", "created_at"], name="dialogevent_room_created")]

    def __str__(self) -> str:
        return self.action

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("DialogEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("DialogEvent is append-only")


class RoomUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission table (django-guardian's performance guidance)."""

    content_object = models.ForeignKey(Room, on_delete=models.CASCADE)


class RoomGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Room, on_delete=models.CASCADE)
