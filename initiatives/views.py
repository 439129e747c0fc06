"""Thin function views: fetch and authorise, bind the form, call the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives import services
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.forms import (
    FORMSETS,
    AttachmentForm,
    FilterForm,
    InitiativeForm,
    TeamMemberForm,
    TransitionForm,
    formset_rows,
)
from initiatives.models import PUBLIC_STATUSES, Attachment, Outcome, Status, TeamMember
from initiatives.permissions import (
    authorise_view,
    can_edit,
    can_view_private,
    get_initiative_for_editor,
    get_initiative_for_user,
)
from initiatives.selectors import (
    initiative_detail,
    initiative_detail_lists,
    initiative_for_detail,
    initiative_list_for_user,
    initiative_mine,
    initiative_public_list,
    sorted_after_filtering,
)
from initiatives.workflow import ACTION_SERVICES, TRANSITIONS, available_transitions
from slagelse_ou.lib.paginator import CappedPaginator


def _page(request, qs, *, few=None):
    from django.conf import settings

    paginator = CappedPaginator(qs, request_page_size(request), cap=settings.LIST_COUNT_CAP, few=few)
    return paginator.get_page(request.GET.get("side"))


def request_page_size(request) -> int:
    from django.conf import settings

    return settings.PAGE_SIZE


def _list_template(request, template: str) -> str:
    # htmx filter requests swap only the results region (an inline partial).
    return f"{template}#results" if request.htmx and request.htmx.target == "results" else template


@require_http_methods(["GET"])
def public_list(request):
    form = FilterForm(request.GET or None, statuses=[(s, Status(s).label) for s in PUBLIC_STATUSES])
    page = _page(request, initiative_public_list(filters=form.to_filters()), few=sorted_after_filtering)
    return render(
        request, _list_template(request, "initiatives/initiative_public_list.html"), {"form": form, "page": page}
    )


@login_required
@require_http_methods(["GET"])
def staff_list(request):
    if not request.user.is_staff_member:
        raise PermissionDenied
    form = FilterForm(request.GET or None)
    page = _page(
        request, initiative_list_for_user(user=request.user, filters=form.to_filters()), few=sorted_after_filtering
    )
    return render(
        request, _list_template(request, "initiatives/initiative_staff_list.html"), {"form": form, "page": page}
    )


@login_required
@require_http_methods(["GET"])
def mine(request):
    page = _page(request, initiative_mine(user=request.user))
    return render(request, "initiatives/initiative_mine.html", {"page": page})


def _render_detail(
    request,
    pk: int,
    *,
    transition_form=None,
    failed_action: str = "",
    team_form=None,
    attachment_form=None,
    status: int = 200,
    initiative=None,
):
    initiative = initiative or initiative_detail(pk=pk)
    private = can_view_private(request.user, initiative)
    editable = can_edit(request.user, initiative)
    context = {
        "initiative": initiative,
        "private": private,
        "editable": editable,
        # Owner, team and coordinators all see the private parts: no one else has an action
        # (and the team, which `available_transitions` reads, is not read for them).
        "transitions": available_transitions(initiative=initiative, user=request.user) if private else [],
        "transition_form": transition_form,
        "failed_action": failed_action,
        "outcomes": Outcome.choices,
        "team_form": team_form or (TeamMemberForm(initiative=initiative) if editable else None),
        "attachment_form": attachment_form or AttachmentForm(),
        "events": initiative.events.all() if private else [],
    }
    return render(request, "initiatives/initiative_detail.html", context, status=status)


@require_http_methods(["GET"])
def detail(request, pk: int):
    initiative = authorise_view(request.user, initiative_for_detail(user=request.user, pk=pk))
    # What the reader may see decides what is read: no private row for the others.
    initiative_detail_lists(initiative, private=can_view_private(request.user, initiative))
    return _render_detail(request, pk, initiative=initiative)


def _bind_formsets(request, initiative=None):
    formsets = {}
    for prefix, (formset_class, fields) in FORMSETS.items():
        if request.method == "POST":
            data = request.POST.copy()
            if request.POST.get("add_row") == prefix:
                key = f"{prefix}-TOTAL_FORMS"
                data[key] = str(int(data.get(key, "0") or 0) + 1)
            formsets[prefix] = formset_class(data, prefix=prefix)
        else:
            initial = list(getattr(initiative, prefix).values(*fields)) if initiative else []
            formsets[prefix] = formset_class(initial=initial, prefix=prefix)
    return formsets


def _edit_response(request, form, formsets, initiative=None, status: int = 200):
    context = {"form": form, "formsets": formsets, "initiative": initiative}
    template = "initiatives/initiative_form.html"
    if request.htmx and request.POST.get("add_row") in FORMSETS:
        template += f"#formset-{request.POST['add_row']}"
        context["formset"] = formsets[request.POST["add_row"]]
        context["prefix"] = request.POST["add_row"]
    return render(request, template, context, status=status)


def _save(request, form, formsets, initiative=None):
    """Create or update through the services; returns the initiative or None on a refusal."""
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("pejlemaerker", "mantras")}
    children = {prefix: formset_rows(fs) for prefix, fs in formsets.items()}
    try:
        if initiative is None:
            return services.initiative_create(
                owner=request.user,
                data=data,
                pejlemaerker=form.cleaned_data["pejlemaerker"],
                mantras=form.cleaned_data["mantras"],
                **children,
            )
        return services.initiative_update(
            initiative_id=initiative.pk,
            actor=request.user,
            data=data,
            pejlemaerker=form.cleaned_data["pejlemaerker"],
            mantras=form.cleaned_data["mantras"],
            **children,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None


def _after_save(request, initiative):
    if "submit" in request.POST:
        try:
            services.initiative_submit(initiative_id=initiative.pk, actor=request.user)
        except DomainError as error:
            messages.error(
                request,
                _("Kladden er gemt, men kunne ikke indsendes. %(error)s") % {"error": error.message},
            )
            return redirect("initiatives:edit", pk=initiative.pk)
        messages.success(request, _("Prøvehandlingen er indsendt."))
        return redirect(initiative)
    messages.success(request, _("Kladden er gemt."))
    return redirect("initiatives:edit", pk=initiative.pk)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create_view(request):
    if not request.user.is_staff_member:
        raise PermissionDenied
    # ?runde=<id>: "Søg i denne runde" on a round's page preselects the round.
    initial = {"owning_unit": request.user.unit_id, "round": request.GET.get("runde")}
    form = InitiativeForm(request.POST or None, initial=initial, validate_url=reverse("initiatives:validate"))
    formsets = _bind_formsets(request)
    if request.method == "POST" and "add_row" not in request.POST:
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            initiative = _save(request, form, formsets)
            if initiative:
                return _after_save(request, initiative)
    return _edit_response(request, form, formsets)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit_view(request, pk: int):
    initiative = get_initiative_for_editor(request.user, pk)
    if not initiative.is_editable:
        messages.error(
            request,
            _("Prøvehandlingen kan ikke redigeres, når den har status “%(status)s”.")
            % {"status": initiative.get_status_display()},
        )
        return redirect(initiative)
    form = InitiativeForm(request.POST or None, instance=initiative, validate_url=reverse("initiatives:validate"))
    formsets = _bind_formsets(request, initiative)
    if request.method == "POST" and "add_row" not in request.POST:
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            saved = _save(request, form, formsets, initiative)
            if saved:
                return _after_save(request, saved)
    return _edit_response(request, form, formsets, initiative)


@login_required
@require_POST
def transition_view(request, pk: int, action: str):
    get_initiative_for_user(request.user, pk)  # 404 for a trial the reader may not see
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise Http404
    form = TransitionForm(request.POST, outcome_choices=Outcome.choices if action == "conclude" else None)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    kwargs = {"initiative_id": pk, "actor": request.user}
    if spec.needs_note or note:
        kwargs["note"] = note
    if action == "conclude":
        kwargs["outcome"] = form.cleaned_data.get("outcome", "")
    # The service behind the action decides everything (who, when, what input): the
    # lifecycle's own, or the one another app registered (initiatives.workflow).
    try:
        ACTION_SERVICES[action](**kwargs)
    except ActionForbidden as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        form.add_error(None, error.message)
        return _render_detail(request, pk, transition_form=form, failed_action=action, status=200)
    messages.success(request, _("Status er ændret."))
    return redirect("initiatives:detail", pk=pk)


@login_required
@require_POST
def team_add_view(request, pk: int):
    initiative = get_initiative_for_editor(request.user, pk)
    form = TeamMemberForm(request.POST, initiative=initiative)
    if form.is_valid():
        try:
            services.team_member_add(
                initiative_id=pk, actor=request.user, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
    if form.errors:
        if request.htmx:
            return _team_partial(request, pk, form)
        return _render_detail(request, pk, team_form=form)
    if request.htmx:
        return _team_partial(request, pk, None)
    messages.success(request, _("Teammedlemmet er tilføjet."))
    return redirect("initiatives:detail", pk=pk)


@login_required
@require_http_methods(["GET"])
def team_matches_view(request, pk: int):
    """The colleagues matching what the editor has typed so far (htmx, while typing)."""
    form = TeamMemberForm(request.GET, initiative=get_initiative_for_editor(request.user, pk))
    return render(request, "initiatives/initiative_detail.html#team-matches", {"team_form": form, "typing": True})


def _team_partial(request, pk, form):
    initiative = initiative_detail(pk=pk)
    return render(
        request,
        "initiatives/initiative_detail.html#team",
        {
            "initiative": initiative,
            "private": True,
            "editable": True,
            "team_form": form or TeamMemberForm(initiative=initiative),
        },
    )


@login_required
@require_POST
def team_remove_view(request, pk: int, member_id: int):
    get_initiative_for_editor(request.user, pk)
    get_object_or_404(TeamMember, pk=member_id, initiative_id=pk)  # unknown or another trial's: 404
    try:
        services.team_member_remove(initiative_id=pk, actor=request.user, member_id=member_id)
    except DomainError as error:
        messages.error(request, error.message)
    if request.htmx:
        return _team_partial(request, pk, None)
    return redirect("initiatives:detail", pk=pk)


@login_required
@require_POST
def attachment_upload_view(request, pk: int):
    get_initiative_for_editor(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, pk, attachment_form=form)
    services.attachment_add(
        initiative_id=pk, actor=request.user, upload=form.cleaned_data["file"], content_type=form.content_type
    )
    messages.success(request, _("Bilaget er gemt."))
    return redirect("initiatives:detail", pk=pk)


@login_required
@require_http_methods(["GET"])
def attachment_download_view(request, attachment_id: int):
    attachment = get_object_or_404(Attachment.objects.select_related("initiative__owning_unit"), pk=attachment_id)
    initiative = get_initiative_for_user(request.user, attachment.initiative_id)
    if not can_view_private(request.user, initiative):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def validate_field_view(request):
    """Inline validation: re-render the one field the user just left, with its errors."""
    if not request.user.is_staff_member:
        raise PermissionDenied
    name = request.htmx.trigger_name if request.htmx else request.POST.get("field", "")
    form = InitiativeForm(request.POST, validate_url=reverse("initiatives:validate"))
    if name not in InitiativeForm.INLINE_VALIDATED:
        raise Http404
    form.is_valid()
    return render(request, "_field.html", {"field": form[name]})
