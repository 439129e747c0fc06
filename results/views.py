"""Thin function views: fetch and authorise, bind the form, call the service, render."""

from __future__ import annotations

import hashlib
from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from redis import RedisError

from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import RuleChallenge
from initiatives.permissions import can_view_private, get_initiative_for_user
from results import report_data, selectors, services
from results.forms import (
    ConcludeForm,
    DashboardFilterForm,
    EvaluationForm,
    ExemptionAnswerForm,
    KnowledgeFilterForm,
    PortfolioReportForm,
    RoundReportForm,
    StatusReportForm,
)
from results.models import Evaluation, EvaluationIndicator, GeneratedReport
from results.pdf import html_to_pdf
from results.permissions import (
    can_answer_exemptions,
    can_conclude,
    get_initiative_for_evaluator,
    get_initiative_for_reporter,
    get_report_for_user,
    require_committee_reader,
)


def _detail(initiative, anchor: str = "resultater") -> str:
    return f"{reverse('initiatives:detail', args=[initiative.pk])}#{anchor}"


# --- Status reports, evaluation, conclusion -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def status_report_create_view(request, pk: int):
    initiative = get_initiative_for_reporter(request.user, pk)
    form = StatusReportForm(request.POST or None, indicators=initiative.indicators.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.status_report_create(
                initiative_id=pk,
                actor=request.user,
                measurements=form.measurements(),
                **{k: form.cleaned_data[k] for k in ("reported_on", "narrative", "obstacles", "help_needed")},
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Statusrapporten er gemt."))
            return redirect(_detail(initiative))
    return render(request, "results/statusreport_form.html", {"initiative": initiative, "form": form})


def _evaluation_form(request, initiative):
    evaluation = Evaluation.objects.filter(initiative=initiative).prefetch_related("indicator_results").first()
    if evaluation is not None:
        rows = list(evaluation.indicator_results.all())
    else:  # nothing is written on GET: unsaved rows from the trial agreement
        rows = [EvaluationIndicator(**row) for row in services._agreement_indicators(initiative)]
    rules = list(RuleChallenge.objects.filter(initiative=initiative).select_related("exemption_answer"))
    initial = {key: getattr(evaluation, key) for key in services.EVALUATION_FIELDS} if evaluation else {}
    for row in rows:
        initial[f"effekt_{row.order}"], initial[f"effekt_{row.order}_kommentar"] = row.achieved, row.comment
    for rule in rules:
        answer = getattr(rule, "exemption_answer", None)
        if answer:
            initial |= {
                f"regel_{rule.pk}": answer.answer,
                f"regel_{rule.pk}_til": answer.extended_until,
                f"regel_{rule.pk}_note": answer.note,
            }
    return evaluation, EvaluationForm(request.POST or None, initial=initial, results=rows, rules=rules)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit_view(request, pk: int):
    initiative = get_initiative_for_evaluator(request.user, pk)
    evaluation, form = _evaluation_form(request, initiative)
    if request.method == "POST" and form.is_valid():
        kwargs = {
            "initiative_id": pk,
            "actor": request.user,
            "data": form.evaluation_data(),
            "indicator_results": form.indicator_results(),
            "exemption_answers": form.exemption_answers(),
        }
        submit = "submit" in request.POST
        try:
            if submit:
                # Keep the draft even if the submission is refused: nothing typed is lost.
                services.evaluation_save(**kwargs)
            services.evaluation_save(**kwargs, submit=submit)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Evalueringen er afleveret.") if submit else _("Evalueringen er gemt."))
            return redirect(_detail(initiative) if submit else reverse("results:evaluation_edit", args=[pk]))
    return render(
        request, "results/evaluation_form.html", {"initiative": initiative, "evaluation": evaluation, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def conclude_view(request, pk: int):
    initiative = get_initiative_for_user(request.user, pk)
    if not can_conclude(request.user, initiative):
        raise PermissionDenied
    evaluation = Evaluation.objects.filter(initiative=initiative).prefetch_related("indicator_results").first()
    initial = {"outcome": evaluation.recommended_outcome} if evaluation else {}
    form = ConcludeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_conclude(
                initiative_id=pk,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ActionForbidden as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Prøvehandlingen er afsluttet."))
            return redirect(_detail(initiative))
    return render(
        request, "results/conclude_form.html", {"initiative": initiative, "evaluation": evaluation, "form": form}
    )


@login_required
@require_POST
def exemption_answer_view(request, rule_id: int):
    """The coordinator answers one exemption from the trial's page (the team answers in
    the evaluation form)."""
    rule = get_object_or_404(RuleChallenge, pk=rule_id)
    initiative = get_initiative_for_user(request.user, rule.initiative_id)
    if not can_answer_exemptions(request.user, initiative):
        raise PermissionDenied
    form = ExemptionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.exemption_answer_set(rule_challenge_id=rule.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Svaret på dispensationen er gemt."))
    else:
        # An ErrorList yields each message as a str (its stubs say ValidationError | str).
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_detail(initiative))


# --- The one-pager and the knowledge base ---------------------------------------------------------


@require_http_methods(["GET"])
def initiative_pdf_view(request, pk: int):
    """One page about one trial, for anyone who may open it; internal fields only for people
    who see private fields (never reviews).

    Issue 13.10: the PDF was rendered on every request (~150 ms of WeasyPrint against ~25 ms
    for the HTML). The HTML is rendered each time (cheap, and always current); its hash is the
    ETag (304 when the browser has it) and the key of the PDF in the cache, so the same
    content is rendered once and a change shows on the next request."""
    initiative = get_initiative_for_user(request.user, pk)
    private = can_view_private(request.user, initiative)
    html = report_data.initiative_onepager_html(initiative_id=pk, private=private)
    digest = hashlib.sha256(html.encode()).hexdigest()[:40]
    etag = f'"{digest}"'
    response: HttpResponse
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        key = f"results:onepager:{digest}"
        with suppress(RedisError):
            content = cache.get(key)
        if content is None:
            content = html_to_pdf(html).content
            with suppress(RedisError):
                cache.set(key, content, settings.ONEPAGER_CACHE_SECONDS)
        response = HttpResponse(content, content_type="application/pdf")
        filename = f"{slugify(initiative.title)[:80] or 'proevehandling'}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    # Private readers' copies are never stored; the public one may be kept but is revalidated.
    response["Cache-Control"] = "private, no-store" if private or request.user.is_authenticated else "no-cache"
    return response


@require_http_methods(["GET"])
def knowledge_view(request):
    form = KnowledgeFilterForm(request.GET or None)
    page = Paginator(selectors.knowledge_list(user=request.user, filters=form.to_filters()), 25).get_page(
        request.GET.get("side")
    )
    template = "results/knowledge_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "can_copy": request.user.is_authenticated and request.user.is_staff_member},
    )


@login_required
@require_POST
def copy_view(request, pk: int):
    get_initiative_for_user(request.user, pk)
    try:
        copy = services.initiative_copy(initiative_id=pk, actor=request.user)
    except ActionForbidden as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Der er oprettet en ny kladde ud fra den afsluttede prøvehandling. Ret den til."))
    return redirect("initiatives:edit", pk=copy.pk)


# --- Dashboard and reports -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def dashboard_view(request):
    require_committee_reader(request.user)
    form = DashboardFilterForm(request.GET or None)
    round_id = form.cleaned_data["runde"].pk if form.is_valid() and form.cleaned_data.get("runde") else None
    return render(
        request, "results/dashboard.html", {"form": form, "dashboard": selectors.dashboard(round_id=round_id)}
    )


def _report_list(request, *, round_form=None, portfolio_form=None, status: int = 200):
    return render(
        request,
        "results/report_list.html",
        {
            "reports": selectors.report_list(),
            "round_form": round_form or RoundReportForm(prefix="runde"),
            "portfolio_form": portfolio_form or PortfolioReportForm(prefix="periode"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def report_list_view(request):
    require_committee_reader(request.user)
    return _report_list(request)


@login_required
@require_POST
def report_create_view(request):
    require_committee_reader(request.user)
    kind = request.POST.get("kind")
    forms = {
        GeneratedReport.Kind.ROUND: ("round_form", RoundReportForm, "runde"),
        GeneratedReport.Kind.PORTFOLIO: ("portfolio_form", PortfolioReportForm, "periode"),
    }
    if kind not in forms:
        raise Http404
    name, form_class, prefix = forms[kind]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                actor=request.user,
                kind=kind,
                round_id=data["runde"].pk if data.get("runde") else None,
                date_from=data.get("fra"),
                date_to=data.get("til"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(report)
    return _report_list(request, **{name: form})


@login_required
@require_http_methods(["GET"])
def report_detail_view(request, pk: int):
    report = get_report_for_user(request.user, pk)
    template = "results/report_detail.html"
    if request.htmx and request.htmx.target == "report-progress":
        template += "#progress"
    response = render(request, template, {"report": report})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def report_download_view(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if report.state != GeneratedReport.State.DONE or not report.file:
        raise Http404
    assert report.file.name is not None  # a FieldFile is truthy only when it has a name
    filename = report.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_regenerate_view(request, pk: int):
    report = get_report_for_user(request.user, pk)
    try:
        new = services.report_regenerate(report_id=report.pk, actor=request.user)
    except ActionForbidden as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Rapporten dannes igen med dagens data."))
    return redirect(new)
