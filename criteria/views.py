"""Thin function views: fetch and authorise (criteria/permissions.py), bind the form, call
the service, render. A service refusal becomes a Danish form error and the page is shown
again with everything typed (status 200, so htmx would swap it too)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from criteria import services
from criteria.forms import (
    AssignForm,
    DecisionForm,
    DeclareForm,
    DeclineForm,
    EndorsementForm,
    EscalateForm,
    ReviewForm,
)
from criteria.models import Decision, ManagerEndorsement, ReviewAssignment
from criteria.permissions import (
    can_decide,
    get_assignment_for_coordinator,
    get_assignment_for_reviewer,
    get_initiative_for_applicant,
    get_initiative_for_coordinator,
    get_initiative_for_manager,
    get_initiative_for_review_overview,
)
from criteria.selectors import (
    active_criteria,
    current_endorsement,
    decision_initial,
    endorsement_needs_reason,
    is_overdue,
    manager_others,
    manager_waiting,
    review_matrix,
    reviewer_assignments,
    reviewer_counts,
    round_progress,
)
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Initiative, Status
from slagelse_ou import roles
from slagelse_ou.lib.paginator import TailPaginator

# --- Ledelsens kø and the manager's view -------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def manager_queue(request):
    if not (request.user.has_role(roles.LEDER) or request.user.managed_units.exists()):
        raise PermissionDenied
    waiting = manager_waiting(user=request.user)
    page = Paginator(manager_others(user=request.user, waiting=waiting), settings.PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "criteria/manager_queue.html",
        {
            "waiting": waiting,
            "page": page,
            "enabled": settings.MANAGER_ENDORSEMENT_ENABLED,
            "verdicts": dict(ManagerEndorsement.Verdict.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request, pk: int):
    initiative = get_initiative_for_manager(request.user, pk)
    endorsement = current_endorsement(initiative=initiative)
    form = EndorsementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_record(
                initiative_id=pk,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except ActionForbidden as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Din vurdering er registreret."))
            return redirect("criteria:manager_queue")
    return render(
        request,
        "criteria/endorsement_form.html",
        {
            "initiative": _with_details(pk),
            "endorsement": endorsement,
            "form": form,
            "open": settings.MANAGER_ENDORSEMENT_ENABLED and initiative.status == Status.SUBMITTED and not endorsement,
        },
    )


@login_required
@require_POST
def escalate(request, pk: int):
    get_initiative_for_applicant(request.user, pk)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.endorsement_escalate(initiative_id=pk, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Sekretariatet har fået din anmodning."))
    else:
        messages.error(request, str(form.errors["note"][0]))  # an ErrorList item is the message
    return redirect("initiatives:detail", pk=pk)


def _with_details(pk: int) -> Initiative:
    return (
        Initiative.objects.select_related("owning_unit", "owner")
        .prefetch_related("indicators", "pejlemaerker", "attachments")
        .get(pk=pk)
    )


# --- Mine bedømmelser and the review ---------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def my_reviews(request):
    if not request.user.is_staff_member:
        raise PermissionDenied
    view = request.GET.get("vis", "aabne")
    if view not in ("aabne", "forfaldne", "faerdige", "afslaaede", "alle"):
        view = "aabne"
    # TailPaginator: the later pages of a reviewer with a thousand assignments are read from the
    # end (OFFSET 950 made PostgreSQL join and sort them all: 55 ms at 100,000; `make bench`).
    page = TailPaginator(reviewer_assignments(user=request.user, view=view), settings.PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    progress = round_progress(assignments=list(page.object_list))
    today = timezone.localdate()
    rows = [(a, progress[a.pk], is_overdue(a, today)) for a in page.object_list]
    return render(
        request,
        "criteria/review_mine.html",
        {
            "page": page,
            "rows": rows,
            "view": view,
            "counts": reviewer_counts(user=request.user),
        },
    )


def _render_review(request, assignment: ReviewAssignment, *, form=None, declare_form=None, decline_form=None):
    review = assignment.review
    criteria = list(review.criteria_set.criteria.all())
    if form is None and assignment.state == ReviewAssignment.State.DECLARED and not review.is_locked:
        form = ReviewForm(initial=ReviewForm.initial_from(review), criteria=criteria)
    scores = {s.criterion_id: s for s in review.scores.all()} if review.is_locked else {}
    return render(
        request,
        "criteria/review_form.html",
        {
            "assignment": assignment,
            "review": review,
            "initiative": _with_details(assignment.initiative_id),
            "endorsement": current_endorsement(initiative=assignment.initiative),
            "form": form,
            "declare_form": declare_form or DeclareForm(),
            "decline_form": decline_form or DeclineForm(),
            "locked_rows": [(c, scores.get(c.pk)) for c in criteria] if review.is_locked else [],
            "open": assignment.is_open and assignment.initiative.status == Status.IN_REVIEW,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, assignment_id: int):
    assignment = get_assignment_for_reviewer(request.user, assignment_id)
    if request.method == "GET":
        return _render_review(request, assignment)
    criteria = list(assignment.review.criteria_set.criteria.all())
    submitting = "submit" in request.POST
    form = ReviewForm(request.POST, criteria=criteria, submitting=submitting)
    if form.is_valid():
        try:
            services.review_save(
                assignment_id=assignment.pk,
                actor=request.user,
                scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"] or "",
                comment=form.cleaned_data["comment"],
                submit=submitting,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if submitting:
                messages.success(request, _("Din bedømmelse er indsendt. Tak!"))
                return redirect("criteria:my_reviews")
            messages.success(request, _("Kladden er gemt."))
            return redirect("criteria:review", assignment_id=assignment.pk)
    assignment.refresh_from_db()
    return _render_review(request, assignment, form=form)


@login_required
@require_POST
def review_declare(request, assignment_id: int):
    assignment = get_assignment_for_reviewer(request.user, assignment_id)
    form = DeclareForm(request.POST)
    if form.is_valid():
        try:
            services.review_declare(assignment_id=assignment.pk, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("criteria:review", assignment_id=assignment.pk)
    return _render_review(request, assignment, declare_form=form)


@login_required
@require_POST
def review_decline(request, assignment_id: int):
    assignment = get_assignment_for_reviewer(request.user, assignment_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.review_decline(assignment_id=assignment.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Du har afslået bedømmelsen. Sekretariatet har fået besked."))
            return redirect("criteria:my_reviews")
    return _render_review(request, assignment, decline_form=form)


# --- The coordinator: assignment, matrix, decision --------------------------------------------


def _render_overview(request, initiative: Initiative, *, assign_form=None, decision_form=None):
    decision_id = request.GET.get("afgoerelse")
    decisions = list(Decision.objects.filter(initiative=initiative).select_related("decided_by"))
    shown = next((d for d in decisions if str(d.pk) == decision_id), None)
    deciding = initiative.status in (Status.SUBMITTED, Status.IN_REVIEW)
    if shown is None and not deciding and decisions:
        shown = decisions[0]
    matrix = review_matrix(initiative=initiative, decision=shown)
    endorsement = current_endorsement(initiative=initiative)
    coordinator = can_decide(request.user)
    needs_reason = endorsement_needs_reason(initiative=initiative, endorsement=endorsement)
    if coordinator and deciding and shown is None:
        assign_form = assign_form or AssignForm(
            initiative=initiative,
            needs_reason=needs_reason,
            initial={"due_date": timezone.localdate() + dt.timedelta(days=14)},
        )
        criteria = [row.criterion for row in matrix.rows] or active_criteria()
        decision_form = decision_form or DecisionForm(
            initial=decision_initial(matrix=matrix), criteria=criteria, rule_holds=matrix.rule_holds
        )
    else:
        assign_form = decision_form = None
    return render(
        request,
        "criteria/review_overview.html",
        {
            "initiative": initiative,
            "matrix": matrix,
            "endorsement": endorsement,
            "decisions": decisions,
            "shown": shown,
            "assign_form": assign_form,
            "decision_form": decision_form,
            "coordinator": coordinator,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET"])
def overview(request, pk: int):
    initiative = get_initiative_for_review_overview(request.user, pk)
    return _render_overview(request, initiative)


@login_required
@require_POST
def assign(request, pk: int):
    initiative = get_initiative_for_coordinator(request.user, pk)
    needs_reason = endorsement_needs_reason(
        initiative=initiative, endorsement=current_endorsement(initiative=initiative)
    )
    form = AssignForm(request.POST, initiative=initiative, needs_reason=needs_reason)
    if form.is_valid():
        try:
            services.reviewers_assign(
                initiative_id=pk,
                actor=request.user,
                reviewers=form.cleaned_data["reviewers"],
                due_date=form.cleaned_data["due_date"],
                note=form.cleaned_data.get("note", ""),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Bedømmerne er tildelt og har fået besked."))
            return redirect("criteria:overview", pk=pk)
    initiative.refresh_from_db()
    return _render_overview(request, initiative, assign_form=form)


@login_required
@require_POST
def unassign(request, assignment_id: int):
    assignment = get_assignment_for_coordinator(request.user, assignment_id)
    try:
        services.reviewer_unassign(assignment_id=assignment.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bedømmeren er fjernet."))
    return redirect("criteria:overview", pk=assignment.initiative_id)


@login_required
@require_POST
def decide(request, pk: int):
    initiative = get_initiative_for_coordinator(request.user, pk)
    matrix = review_matrix(initiative=initiative)
    criteria = [row.criterion for row in matrix.rows] or active_criteria()
    form = DecisionForm(request.POST, criteria=criteria, rule_holds=matrix.rule_holds)
    if form.is_valid():
        try:
            services.decision_record(
                initiative_id=pk,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                summary=form.cleaned_data["summary"],
                reasons=form.reasons(),
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Afgørelsen er truffet og offentliggjort med begrundelser."))
            return redirect("initiatives:detail", pk=pk)
    initiative.refresh_from_db()
    return _render_overview(request, initiative, decision_form=form)
