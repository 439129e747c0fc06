"""Meeting and calendar views: plan, agenda, participants, minutes, attach to a trial, .ics."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dialogrum import ical, selectors, services
from dialogrum.exceptions import DomainError
from dialogrum.forms import (
    AgendaItemForm,
    MeetingForm,
    MinutesAttachForm,
    MinutesForm,
    ParticipantForm,
)
from dialogrum.models import AgendaItem, Meeting
from dialogrum.permissions import (
    get_meeting_for_owner,
    get_meeting_for_user,
    get_room_for_owner,
    is_room_owner,
)
from initiatives.models import Initiative
from initiatives.permissions import visible_initiatives


def _meeting_data(form) -> dict:
    return {key: form.cleaned_data.get(key) for key in services.MEETING_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    room = get_room_for_owner(request.user, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(room_id=room.pk, actor=request.user, data=_meeting_data(form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dialogmødet er oprettet."))
            return redirect(meeting)
    return render(request, "dialogrum/meeting_form.html", {"room": room, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = get_meeting_for_owner(request.user, pk)
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting_id=meeting.pk, actor=request.user, data=_meeting_data(form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dialogmødet er gemt."))
            return redirect(meeting)
    return render(request, "dialogrum/meeting_form.html", {"room": meeting.room, "form": form, "meeting": meeting})


def _meeting_context(request, pk: int, **forms) -> dict:
    meeting = selectors.meeting_detail(pk=pk)
    user = request.user
    owner = is_room_owner(user, meeting.room)
    linked = [item.initiative_id for item in meeting.agenda.all() if item.initiative_id]
    linked += [link.initiative_id for link in meeting.initiative_links.all()]
    # Agenda items and minutes links may point at trials the reader cannot see: show those
    # without title or link, so a public meeting never leaks a draft's name.
    visible = set(visible_initiatives(user).filter(pk__in=linked).values_list("pk", flat=True)) if linked else set()
    participant_ids = {p.user_id for p in meeting.participations.all()}
    may_attach = user.is_authenticated and (user.is_coordinator or Initiative.objects.involving(user).exists())
    return {
        "meeting": meeting,
        "room": meeting.room,
        "is_owner": owner,
        "visible_initiatives": visible,
        "attending": user.is_authenticated and user.pk in participant_ids,
        "agenda_form": forms.get("agenda_form") or (AgendaItemForm(user=user) if owner else None),
        "participant_form": forms.get("participant_form") or (ParticipantForm() if owner else None),
        "attach_form": forms.get("attach_form") or (MinutesAttachForm(user=user) if may_attach else None),
    }


@require_GET
def meeting_detail(request, pk: int):
    get_meeting_for_user(request.user, pk)
    return render(request, "dialogrum/meeting_detail.html", _meeting_context(request, pk))


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = get_meeting_for_owner(request.user, pk)
    form = AgendaItemForm(request.POST, user=request.user)
    added = False
    if form.is_valid():
        try:
            services.agenda_item_add(meeting_id=meeting.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            added = True
    context = _meeting_context(request, pk, agenda_form=None if added else form)
    if request.htmx:
        return render(request, "dialogrum/meeting_detail.html#agenda", context)
    if added:
        return redirect("dialogrum:meeting_detail", pk=pk)
    return render(request, "dialogrum/meeting_detail.html", context)


@login_required
@require_POST
def agenda_remove(request, pk: int, item_id: int):
    meeting = get_meeting_for_owner(request.user, pk)
    get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)  # unknown or another meeting's: 404
    try:
        services.agenda_item_remove(meeting_id=meeting.pk, actor=request.user, item_id=item_id)
    except DomainError as error:
        messages.error(request, error.message)
    if request.htmx:
        return render(request, "dialogrum/meeting_detail.html#agenda", _meeting_context(request, pk))
    return redirect("dialogrum:meeting_detail", pk=pk)


@login_required
@require_POST
def participation(request, pk: int):
    """Sign up or off yourself; owners may add or remove another person (`user`)."""
    meeting = get_meeting_for_user(request.user, pk)
    form = None
    attending = request.POST.get("attending") == "1"
    user = request.user
    if "user" in request.POST:
        if not is_room_owner(request.user, meeting.room):
            raise PermissionDenied  # only the room's owners sign others up (issue 13.13)
        form = ParticipantForm(request.POST)
        user = form.cleaned_data["user"] if form.is_valid() else None
    if user is not None:
        try:
            services.meeting_participation_set(
                meeting_id=meeting.pk, actor=request.user, user=user, attending=attending
            )
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
            else:
                form.add_error(None, error.message)
        else:
            form = None
    context = _meeting_context(request, pk, participant_form=form)
    if request.htmx:
        return render(request, "dialogrum/meeting_detail.html#participants", context)
    if form is not None:
        return render(request, "dialogrum/meeting_detail.html", context)
    return redirect("dialogrum:meeting_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk: int):
    meeting = get_meeting_for_owner(request.user, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_minutes_save(
                meeting_id=meeting.pk, actor=request.user, minutes=form.cleaned_data["minutes"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Referatet er gemt."))
            return redirect(meeting)
    return render(request, "dialogrum/minutes_form.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def minutes_attach(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    form = MinutesAttachForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.meeting_minutes_attach(meeting_id=meeting.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Referatet er knyttet til “%(title)s”.") % {"title": form.cleaned_data["initiative"].title}
            )
            return redirect(meeting)
    return render(request, "dialogrum/meeting_detail.html", _meeting_context(request, pk, attach_form=form))


# Calendar -------------------------------------------------------------------------------


def _ical_event(meeting: Meeting) -> ical.Event:
    url = settings.SITE_URL + meeting.get_absolute_url()
    parts = [meeting.description.strip(), _("Dialogrum: %(room)s") % {"room": meeting.room.display_title}]
    if meeting.online_url:
        parts.append(_("Onlinelink: %(url)s") % {"url": meeting.online_url})
    parts.append(url)
    return ical.Event(
        uid=f"dialogmoede-{meeting.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}",
        stamp=meeting.updated_at,
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        description="\n\n".join(p for p in parts if p),
        location=meeting.location or meeting.online_url,
        url=url,
        sequence=meeting.sequence,
    )


def _ical_response(text: str, *, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A calendar with members-only meetings must not sit in a shared cache.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@require_GET
def meeting_ics(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    text = ical.calendar([_ical_event(meeting)], name=meeting.title)
    return _ical_response(text, filename=f"dialogmoede-{meeting.pk}.ics", private=request.user.is_authenticated)


@require_GET
def calendar_feed(request):
    meetings = selectors.meetings_for_user(user=request.user)[:500]
    text = ical.calendar([_ical_event(m) for m in meetings], name=_("Dialogmøder – Slagelse Kommune"))
    return _ical_response(text, filename="dialogmoeder.ics", private=request.user.is_authenticated)
