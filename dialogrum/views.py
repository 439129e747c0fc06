"""Thin function views: fetch and authorise (dialogrum.permissions), bind the form, call
the service, render. htmx requests get an inline partial; everything also works as plain
links and forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from dialogrum import selectors, services
from dialogrum.exceptions import DomainError
from dialogrum.forms import (
    InviteForm,
    PostForm,
    ReasonForm,
    RoomForm,
    ThreadForm,
)
from dialogrum.models import DialogEvent, PostReport, Room
from dialogrum.permissions import (
    can_create_room,
    can_moderate,
    can_view_room,
    get_post_for_user,
    get_room_for_owner,
    get_room_for_user,
    get_thread_for_user,
    is_room_owner,
    may_open_initiative_room,
)
from initiatives.permissions import get_initiative_for_user
from slagelse_ou.models import User

THREADS_PER_PAGE = 25


def _edit_cutoff():
    return timezone.now() - services.edit_window()


# Rooms ----------------------------------------------------------------------------------


@require_GET
def room_list(request):
    rooms = list(selectors.room_list_for_user(user=request.user)[:200])
    return render(
        request,
        "dialogrum/room_list.html",
        {
            "theme_rooms": [r for r in rooms if r.kind == Room.Kind.THEME],
            "initiative_rooms": [r for r in rooms if r.kind == Room.Kind.INITIATIVE],
            "can_create": can_create_room(request.user),
            "can_moderate": can_moderate(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_create(request):
    if not can_create_room(request.user):
        raise PermissionDenied
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dialogrummet er oprettet."))
            return redirect(room)
    return render(request, "dialogrum/room_form.html", {"form": form})


def _room_context(request, room: Room, **extra) -> dict:
    page = Paginator(selectors.room_threads(room=room), THREADS_PER_PAGE).get_page(request.GET.get("side"))
    return {
        "room": room,
        "page": page,
        "meetings": selectors.room_meetings(room=room),
        "following": selectors.is_following(user=request.user, room=room),
        "is_owner": is_room_owner(request.user, room),
        "thread_form": ThreadForm() if request.user.is_authenticated else None,
        **extra,
    }


@require_GET
def room_detail(request, pk: int):
    room = get_room_for_user(request.user, pk)
    return render(request, "dialogrum/room_detail.html", _room_context(request, room))


@require_http_methods(["GET", "POST"])
def initiative_room(request, initiative_pk: int):
    """The prøvehandling's room. A GET never creates it (issue 13.13): with no room yet, the
    trial's owner, team and the secretariat are offered a button that POSTs; others get 404."""
    initiative = get_initiative_for_user(request.user, initiative_pk)
    room = getattr(initiative, "dialog_room", None)
    if room is not None:
        if not can_view_room(request.user, room):
            raise Http404
        return redirect(room)
    if not may_open_initiative_room(request.user, initiative):
        raise Http404
    if request.method == "POST":
        room = services.room_for_initiative_ensure(initiative=initiative)
        return redirect(room)
    return render(request, "dialogrum/initiative_room_open.html", {"initiative": initiative})


@login_required
@require_http_methods(["GET", "POST"])
def room_edit(request, pk: int):
    room = get_room_for_owner(request.user, pk)
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.room_update(
                room_id=room.pk,
                actor=request.user,
                title=data.get("title", room.title),
                description=data["description"],
                visibility=data["visibility"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Rummet er gemt."))
            return redirect("dialogrum:room_detail", pk=room.pk)
    return render(request, "dialogrum/room_form.html", {"form": form, "room": room})


@login_required
@require_http_methods(["GET", "POST"])
def room_members(request, pk: int):
    room = get_room_for_owner(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_member_invite(
                room_id=room.pk,
                actor=request.user,
                user=form.cleaned_data["user"],
                as_owner=form.cleaned_data["as_owner"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(user)s er inviteret.") % {"user": form.cleaned_data["user"]})
            return redirect("dialogrum:room_members", pk=room.pk)
    return render(
        request,
        "dialogrum/room_members.html",
        {
            "room": room,
            "form": form,
            "members": selectors.room_members(room=room),
        },
    )


@login_required
@require_POST
def room_member_remove(request, pk: int, user_id: int):
    room = get_room_for_owner(request.user, pk)
    user = get_object_or_404(User, pk=user_id)
    try:
        services.room_member_remove(room_id=room.pk, actor=request.user, user=user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(user)s er fjernet fra rummet.") % {"user": user})
    return redirect("dialogrum:room_members", pk=room.pk)


@login_required
@require_POST
def room_follow(request, pk: int):
    room = get_room_for_user(request.user, pk)
    following = services.room_follow_set(room_id=room.pk, user=request.user, follow=request.POST.get("follow") == "1")
    if request.htmx:
        return render(request, "dialogrum/room_detail.html#follow", {"room": room, "following": following})
    return redirect(room)


# Threads and posts ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request, pk: int):
    room = get_room_for_user(request.user, pk)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(room_id=room.pk, author=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if request.htmx:
                return render(
                    request,
                    "dialogrum/room_detail.html#thread-created",
                    {"room": room, "thread": thread, "thread_form": ThreadForm(), "oob": True},
                )
            messages.success(request, _("Tråden er oprettet."))
            return redirect(thread)
    if request.htmx:
        response = render(request, "dialogrum/room_detail.html#thread-form", {"room": room, "thread_form": form})
        return reswap(retarget(response, "#thread-form"), "outerHTML")
    return render(request, "dialogrum/thread_form.html", {"room": room, "form": form})


def _thread_context(request, thread, *, page_number=None, reply_form=None) -> dict:
    return {
        "thread": thread,
        "room": thread.room,
        "opening": selectors.thread_opening_post(thread=thread),
        "page": selectors.reply_page(thread=thread, number=page_number),
        "reply_form": reply_form or (PostForm() if request.user.is_authenticated else None),
        "following": selectors.is_following(user=request.user, thread=thread),
        "can_moderate": can_moderate(request.user),
        "edit_cutoff": _edit_cutoff(),
    }


@require_GET
def thread_detail(request, pk: int):
    thread = get_thread_for_user(request.user, pk)
    context = _thread_context(request, thread, page_number=request.GET.get("side"))
    if request.htmx and request.GET.get("aeldre"):
        return render(request, "dialogrum/thread_detail.html#older", context)
    return render(request, "dialogrum/thread_detail.html", context)


@login_required
@require_POST
def thread_reply(request, pk: int):
    thread = get_thread_for_user(request.user, pk)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_reply(thread_id=thread.pk, author=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if request.htmx:
                return render(
                    request,
                    "dialogrum/thread_detail.html#reply-created",
                    {
                        "thread": thread,
                        "post": post,
                        "reply_form": PostForm(),
                        "oob": True,
                        "can_moderate": can_moderate(request.user),
                        "edit_cutoff": _edit_cutoff(),
                    },
                )
            messages.success(request, _("Dit svar er sendt."))
            return redirect("dialogrum:post_permalink", pk=post.pk)
    if request.htmx:
        response = render(request, "dialogrum/thread_detail.html#reply-form", {"thread": thread, "reply_form": form})
        return reswap(retarget(response, "#reply-form"), "outerHTML")
    return render(request, "dialogrum/thread_detail.html", _thread_context(request, thread, reply_form=form))


@login_required
@require_POST
def thread_follow(request, pk: int):
    thread = get_thread_for_user(request.user, pk)
    following = services.thread_follow_set(
        thread_id=thread.pk, user=request.user, follow=request.POST.get("follow") == "1"
    )
    if request.htmx:
        return render(request, "dialogrum/thread_detail.html#follow", {"thread": thread, "following": following})
    return redirect(thread)


@require_GET
def post_permalink(request, pk: int):
    post = get_post_for_user(request.user, pk)
    page = selectors.page_of_post(post=post)
    url = reverse("dialogrum:thread_detail", args=[post.thread_id])
    return redirect(f"{url}?side={page}#post-{post.pk}" if not post.is_opening else f"{url}#post-{post.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    post = get_post_for_user(request.user, pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    form = PostForm(
        request.POST or None, initial={"body": post.body}, label=_("Ret dit indlæg"), auto_id=f"id_post{post.pk}_%s"
    )  # unique ids when edited inside the thread page
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_edit(post_id=post.pk, actor=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if request.htmx:
                return render(
                    request,
                    "dialogrum/thread_detail.html#post",
                    {
                        "post": post,
                        "thread": post.thread,
                        "edit_cutoff": _edit_cutoff(),
                        "can_moderate": can_moderate(request.user),
                    },
                )
            messages.success(request, _("Indlægget er rettet."))
            return redirect("dialogrum:post_permalink", pk=post.pk)
    template = "dialogrum/post_edit.html#edit-form" if request.htmx else "dialogrum/post_edit.html"
    return render(request, template, {"post": post, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request, pk: int):
    post = get_post_for_user(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(post_id=post.pk, reporter=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tak. Sekretariatet ser på din anmeldelse."))
            return redirect("dialogrum:post_permalink", pk=post.pk)
    return render(request, "dialogrum/post_report.html", {"post": post, "form": form})


def _moderate(request, pk: int, *, hide: bool):
    post = get_post_for_user(request.user, pk)
    if not can_moderate(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.post_hide if hide else services.post_restore
        try:
            service(post_id=post.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Indlægget er skjult.") if hide else _("Indlægget er gendannet."))
            return redirect("dialogrum:post_permalink", pk=post.pk)
    return render(request, "dialogrum/post_moderate.html", {"post": post, "form": form, "hide": hide})


@login_required
@require_http_methods(["GET", "POST"])
def post_hide(request, pk: int):
    return _moderate(request, pk, hide=True)


@login_required
@require_http_methods(["GET", "POST"])
def post_restore(request, pk: int):
    return _moderate(request, pk, hide=False)


@login_required
@require_GET
def moderation(request):
    if not can_moderate(request.user):
        raise PermissionDenied
    events = (
        DialogEvent.objects.filter(action__in=["post_hide", "post_restore", "report_dismiss", "post_report"])
        .select_related("actor", "post", "room", "room__initiative")
        .order_by("-created_at", "-pk")[:50]
    )
    return render(request, "dialogrum/moderation.html", {"reports": selectors.open_reports(), "events": events})


@login_required
@require_POST
def report_dismiss(request, pk: int):
    if not can_moderate(request.user):
        raise PermissionDenied
    get_object_or_404(PostReport, pk=pk)
    try:
        services.report_dismiss(report_id=pk, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Anmeldelsen er afvist. Indlægget forbliver synligt."))
    return redirect("dialogrum:moderation")
