"""Threads, posts, the edit window, reports and moderation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogrum.exceptions import ActionForbidden, DomainError, EditWindowClosed
from dialogrum.markdown import render_markdown
from dialogrum.models import (
    Follow,
    Post,
    PostReport,
    Room,
    Thread,
    participant_role,
)
from dialogrum.permissions import can_moderate
from dialogrum.services._common import (
    _event,
    _notify,
    _require_reader,
    _require_text,
    _room_followers,
    _thread_followers,
    edit_window,
)
from slagelse_ou import roles
from slagelse_ou.models import User


def _new_post(*, thread: Thread, author: User, body: str, is_opening: bool) -> Post:
    return Post.objects.create(
        thread=thread,
        author=author,
        author_role=participant_role(author),
        is_opening=is_opening,
        body=body,
        body_html=render_markdown(body),
    )


@transaction.atomic
def thread_create(*, room_id: int, author: User, title: str, body: str) -> Thread:
    """Open a thread with its first post. The author follows it; the room's followers are told."""
    room = Room.objects.select_related("initiative").get(pk=room_id)
    _require_reader(author, room)
    title = _require_text(title, _("Skriv en overskrift."))
    body = _require_text(body, _("Skriv dit indlæg."))
    now = timezone.now()
    thread = Thread.objects.create(room=room, title=title, author=author, post_count=1, last_post_at=now)
    _new_post(thread=thread, author=author, body=body, is_opening=True)
    Room.objects.filter(pk=room.pk).update(last_activity_at=now)
    Follow.objects.get_or_create(user=author, thread=thread)
    _notify(
        room=room,
        recipients=_room_followers(room),
        exclude=author,
        subject=_("Ny tråd i “%(room)s”: %(title)s") % {"room": room.display_title, "title": title},
        body=_("%(author)s har startet tråden “%(title)s”.") % {"author": author, "title": title},
        url=thread.get_absolute_url(),
    )
    return thread


@transaction.atomic
def post_reply(*, thread_id: int, author: User, body: str) -> Post:
    """Reply in a thread; the thread's followers are told."""
    thread = Thread.objects.select_related("room", "room__initiative").get(pk=thread_id)
    _require_reader(author, thread.room)
    if thread.hidden:
        raise DomainError(_("Tråden er skjult af en moderator og kan ikke få nye svar."))
    body = _require_text(body, _("Skriv dit svar."))
    post = _new_post(thread=thread, author=author, body=body, is_opening=False)
    # F() increments: two replies at once both count, without locking the thread row.
    Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_post_at=post.created_at)
    Room.objects.filter(pk=thread.room_id).update(last_activity_at=post.created_at)
    _notify(
        room=thread.room,
        recipients=_thread_followers(thread),
        exclude=author,
        subject=_("Nyt svar i “%(title)s”") % {"title": thread.title},
        body=_("%(author)s har svaret i tråden “%(title)s”.") % {"author": author, "title": thread.title},
        url=reverse("dialogrum:post_permalink", args=[post.pk]),
    )
    return post


def can_still_edit(post: Post, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) <= post.created_at + edit_window()


@transaction.atomic
def post_edit(*, post_id: int, actor: User, body: str) -> Post:
    """The author may change a post for `DIALOGRUM_EDIT_WINDOW_MINUTES` after writing it.
    The post then shows as edited; the earlier text is kept in the audit trail."""
    post = Post.objects.select_for_update().get(pk=post_id)
    room = Thread.objects.select_related("room", "room__initiative").get(pk=post.thread_id).room
    _require_reader(actor, room)
    if post.author_id != actor.pk:
        raise ActionForbidden(_("Du kan kun redigere dine egne indlæg."))
    if post.is_hidden:
        raise ActionForbidden(_("Et skjult indlæg kan ikke redigeres."))
    if not can_still_edit(post):
        raise EditWindowClosed(
            _("Et indlæg kan kun redigeres i %(minutes)s minutter, efter det er skrevet.")
            % {"minutes": settings.DIALOGRUM_EDIT_WINDOW_MINUTES}
        )
    body = _require_text(body, _("Skriv dit indlæg."))
    if body == post.body:
        return post
    previous = post.body
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _event(action="post_edit", actor=actor, room=room, post=post, data={"previous_body": previous})
    return post


@transaction.atomic
def post_report(*, post_id: int, reporter: User, reason: str) -> PostReport:
    """Anyone logged in who can read the post may report it, once while it is open;
    the coordinators are told."""
    post = Post.objects.select_related("thread", "thread__room", "thread__room__initiative").get(pk=post_id)
    room = post.thread.room
    _require_reader(reporter, room)
    reason = _require_text(reason, _("Skriv, hvorfor du anmelder indlægget."))
    try:
        # A savepoint: the unique constraint on open reports decides a double submit.
        with transaction.atomic():
            report = PostReport.objects.create(post=post, reporter=reporter, reason=reason)
    except IntegrityError:
        raise ActionForbidden(_("Du har allerede anmeldt dette indlæg. Sekretariatet ser på det.")) from None
    _event(action="post_report", actor=reporter, room=room, post=post, note=reason, data={"report": report.pk})
    coordinators = User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True).distinct()
    _notify(
        room=room,
        recipients=coordinators,
        exclude=reporter,
        subject=_("Et indlæg er anmeldt i “%(room)s”") % {"room": room.display_title},
        body=_("Begrundelse: %(reason)s") % {"reason": reason},
        url=reverse("dialogrum:moderation"),
    )
    return report


def _require_moderator(actor: User) -> None:
    if not can_moderate(actor):
        raise ActionForbidden(_("Kun sekretariatet kan moderere indlæg."))


@transaction.atomic
def post_hide(*, post_id: int, actor: User, reason: str) -> Post:
    """Hide a post with a reason. It stays in the thread as "skjult" (never deleted), its
    open reports are resolved, the author is told why. Repeating is a no-op."""
    _require_moderator(actor)
    reason = _require_text(reason, _("Skriv en begrundelse for at skjule indlægget."))
    # The row lock makes hide and restore by two coordinators at once apply in order.
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.is_hidden:
        return post
    now = timezone.now()
    post.hidden_at, post.hidden_by, post.hidden_reason = now, actor, reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    thread = Thread.objects.select_related("room", "room__initiative").get(pk=post.thread_id)
    if post.is_opening:
        Thread.objects.filter(pk=thread.pk).update(hidden=True)
    resolved = PostReport.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, resolution="skjult"
    )
    _event(
        action="post_hide",
        actor=actor,
        room=thread.room,
        post=post,
        subject_user=post.author,
        note=reason,
        data={"reports_resolved": resolved},
    )
    _notify(
        room=thread.room,
        recipients=[post.author],
        exclude=actor,
        subject=_("Dit indlæg i “%(title)s” er skjult") % {"title": thread.title},
        body=_("Sekretariatet har skjult dit indlæg. Begrundelse: %(reason)s") % {"reason": reason},
        url=reverse("dialogrum:post_permalink", args=[post.pk]),
    )
    return post


@transaction.atomic
def post_restore(*, post_id: int, actor: User, reason: str) -> Post:
    _require_moderator(actor)
    reason = _require_text(reason, _("Skriv en begrundelse for at gendanne indlægget."))
    post = Post.objects.select_for_update().get(pk=post_id)
    if not post.is_hidden:
        return post
    previous = {"hidden_reason": post.hidden_reason, "hidden_by": post.hidden_by_id}
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    thread = Thread.objects.select_related("room").get(pk=post.thread_id)
    if post.is_opening:
        Thread.objects.filter(pk=thread.pk).update(hidden=False)
    _event(
        action="post_restore",
        actor=actor,
        room=thread.room,
        post=post,
        subject_user=post.author,
        note=reason,
        data=previous,
    )
    return post


@transaction.atomic
def report_dismiss(*, report_id: int, actor: User, note: str = "") -> PostReport:
    """Close a report without hiding the post."""
    _require_moderator(actor)
    report = PostReport.objects.select_for_update().get(pk=report_id)
    if report.resolved_at:
        return report
    report.resolved_at, report.resolved_by, report.resolution = timezone.now(), actor, "afvist"
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    post = Post.objects.select_related("thread__room").get(pk=report.post_id)
    _event(
        action="report_dismiss", actor=actor, room=post.thread.room, post=post, note=note, data={"report": report.pk}
    )
    return report
