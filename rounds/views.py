"""Views for ansøgningsrunder and milestones (thin: fetch and authorise, form, service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Milestone, Round
from initiatives.permissions import can_edit, can_view_private, get_initiative_for_editor, get_initiative_for_user
from rounds import services
from rounds.forms import MilestoneForm, RoundForm


@require_http_methods(["GET"])
def round_list(request):
    return render(request, "rounds/round_list.html", {"groups": services.rounds_overview()})


@require_http_methods(["GET"])
def round_detail(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    return render(request, "rounds/round_detail.html", {"round": round_, "groups": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk: int | None = None):
    if not request.user.is_coordinator:
        raise PermissionDenied
    round_ = get_object_or_404(Round, pk=pk) if pk else None
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            if round_ is None:
                round_ = services.round_create(actor=request.user, data=form.cleaned_data)
            else:
                services.round_update(round_id=round_.pk, actor=request.user, data=form.cleaned_data)
        except ActionForbidden as error:
            raise PermissionDenied(error.message) from error
        messages.success(request, _("Ansøgningsrunden er gemt."))
        return redirect(round_)
    return render(request, "rounds/round_form.html", {"form": form, "round": round_})


@login_required
@require_http_methods(["GET", "POST"])
def milestone_list(request, pk: int):
    initiative = get_initiative_for_user(request.user, pk)
    if not can_view_private(request.user, initiative):
        raise Http404  # the milestones are private: who may not see them is told nothing (issue 13.13)
    editable = can_edit(request.user, initiative)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.milestone_add(initiative_id=pk, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Milepælen er tilføjet."))
                return redirect("rounds:milestones", pk=pk)
    context = {"initiative": initiative, "milestones": initiative.milestones.all(), "form": form, "editable": editable}
    return render(request, "rounds/milestone_list.html", context)


@login_required
@require_POST
def milestone_done(request, pk: int, milestone_id: int):
    get_initiative_for_editor(request.user, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_id, initiative_id=pk)
    try:
        services.milestone_complete(milestone_id=milestone.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Milepælen er markeret som nået."))
    return redirect("rounds:milestones", pk=pk)
