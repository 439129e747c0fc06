"""Thin function views: the public idea form, receipt, status link and e-mail confirmation;
the public list of published ideas; the coordinators' triage and GDPR requests; and the
"Er det prøvet før?" suggestions."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ideas import services, spam
from ideas.forms import ConvertForm, DeclineForm, IdeaFilterForm, IdeaForm, MergeForm, PersonalDataForm
from ideas.models import IdeaStatus
from ideas.permissions import get_idea_for_triage, get_public_idea, require_coordinator
from ideas.selectors import idea_events, idea_public_list, idea_triage_list, similar_items
from initiatives.exceptions import ActionForbidden, DomainError

RECEIPT_COOKIE, RECEIPT_SALT, RECEIPT_MAX_AGE = "idea_receipt", "ideas.receipt", 3600
TRIAGE_STATUSES = [s for s in IdeaStatus if s != IdeaStatus.AWAITING_CONFIRMATION]


def _private(response: HttpResponse, *, referrer: str = "no-referrer") -> HttpResponse:
    """Pages that carry a token or personal data: never cached, never indexed, and their URL
    never sent on as a Referer. Pages with a form keep "same-origin" (the site's default):
    under "no-referrer" browsers post `Origin: null`, which Django's CSRF check refuses."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _results_or_page(request, template: str) -> str:
    return f"{template}#results" if request.htmx and request.htmx.target == "results" else template


# --- the public form ------------------------------------------------------------------


def _form_page(request, form: IdeaForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "retention_days": settings.IDEA_RETENTION_DAYS}
    return render(request, "ideas/idea_form.html", context, status=status)


def _spam_errors(request, form: IdeaForm) -> bool:
    """Add a Danish message for each spam defence the post fails; True if any failed."""
    failed = False
    if request.POST.get(spam.HONEYPOT_FIELD, "").strip():
        form.add_error(None, _("Feltet “Lad dette felt være tomt” skal være tomt. Slet indholdet, og send igen."))
        failed = True
    problem = spam.fill_time_problem(request.POST.get(spam.STARTED_FIELD, ""))
    if problem == "too_fast":
        form.add_error(
            None,
            _(
                "Formularen blev sendt meget hurtigt, efter at den blev åbnet. "
                "Kontrollér det, du har skrevet, og send igen."
            ),
        )
        failed = True
    elif problem:
        form.add_error(None, _("Formularen er udløbet. Det du har skrevet, er bevaret – send igen."))
        form.restart_clock()
        failed = True
    return failed


@require_http_methods(["GET", "POST"])
def idea_create_view(request):
    if request.method == "GET":
        return _form_page(request, IdeaForm())
    form = IdeaForm(request.POST)
    valid = form.is_valid()
    if _spam_errors(request, form):
        return _form_page(request, form, status=400)
    if not valid:
        return _form_page(request, form)
    # Counted only for posts that would create an idea, so fixing a typo costs nothing.
    if not spam.rate_limit_take(spam.client_ip(request)):
        form.add_error(
            None,
            _(
                "Der er sendt mange idéer fra din internetforbindelse på kort tid. "
                "Vent lidt, og prøv igen – det du har skrevet, er bevaret."
            ),
        )
        response = _form_page(request, form, status=429)
        response["Retry-After"] = str(spam.retry_after_seconds())
        return response
    try:
        idea, token = services.idea_submit(
            data=form.cleaned_data, form_nonce=spam.form_nonce(request.POST.get(spam.STARTED_FIELD, ""))
        )
    except DomainError as error:
        form.add_error(None, error.message)
        if isinstance(error, services.FormAlreadyUsed):
            form.restart_clock()
        return _form_page(request, form)
    # The token goes to the receipt in a short-lived signed cookie, not in the session
    # table: only its hash is ever written to the database.
    response = redirect("ideas:receipt")
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        token,
        salt=RECEIPT_SALT,
        max_age=RECEIPT_MAX_AGE,
        path=reverse("ideas:receipt"),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_http_methods(["GET"])
def idea_receipt_view(request):
    token = request.get_signed_cookie(RECEIPT_COOKIE, default="", salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    idea = services.idea_by_token(token)
    if idea is None:
        return redirect("ideas:create")
    status_url = request.build_absolute_uri(reverse("ideas:status", args=[token]))
    return _private(render(request, "ideas/idea_receipt.html", {"idea": idea, "status_url": status_url}))


@require_http_methods(["GET"])
def idea_status_view(request, token: str):
    idea = services.idea_by_token(token)
    if idea is None:
        raise Http404
    events = [e for e in idea.events.all() if e.to_status and e.from_status != e.to_status]
    return _private(render(request, "ideas/idea_status.html", {"idea": idea, "events": events}))


@require_http_methods(["GET", "POST"])
def idea_confirm_view(request, code: str):
    """GET shows a button; only the POST confirms — mail scanners that open links must not
    confirm an address on its owner's behalf."""
    idea = services.idea_for_confirmation(code)
    if idea is None:
        return _private(render(request, "ideas/idea_confirm.html", {"invalid": True}, status=404))
    if request.method == "POST":
        idea = services.idea_confirm_email(idea_id=idea.pk)
    return _private(render(request, "ideas/idea_confirm.html", {"idea": idea}), referrer="same-origin")


# --- public pages ---------------------------------------------------------------------


@require_http_methods(["GET"])
def idea_public_list_view(request):
    form = IdeaFilterForm(request.GET or None)
    page = Paginator(idea_public_list(**form.values()), settings.PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, _results_or_page(request, "ideas/idea_public_list.html"), {"form": form, "page": page})


@require_http_methods(["GET"])
def idea_public_detail_view(request, pk: int):
    return render(request, "ideas/idea_public_detail.html", {"idea": get_public_idea(pk)})


# --- triage (coordinators) ------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def triage_list_view(request):
    require_coordinator(request.user)
    form = IdeaFilterForm(request.GET or None, statuses=TRIAGE_STATUSES)
    values = form.values()
    qs = idea_triage_list(status=values["status"], q=values["q"])
    if values["area"]:
        qs = qs.filter(area=values["area"])
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, _results_or_page(request, "ideas/idea_triage_list.html"), {"form": form, "page": page})


def _triage_page(request, idea, *, forms: dict | None = None, failed: str = "", status: int = 200):
    forms = forms or {}
    context = {
        "idea": idea,
        "events": idea_events(idea=idea),
        "failed": failed,
        "decline_form": forms.get("decline") or DeclineForm(),
        "merge_form": forms.get("merge") or MergeForm(idea=idea),
        "convert_form": forms.get("convert") or ConvertForm(),
        "actions": [name for name, spec in services.TRIAGE.items() if idea.status in spec.sources],
    }
    return render(request, "ideas/idea_triage_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def triage_detail_view(request, pk: int):
    return _triage_page(request, get_idea_for_triage(request.user, pk))


@login_required
@require_POST
def triage_action_view(request, pk: int, action: str):
    idea = get_idea_for_triage(request.user, pk)
    if action not in services.TRIAGE:
        raise Http404
    form_class = {"decline": DeclineForm, "convert": ConvertForm}.get(action)
    form: Form | None = (
        MergeForm(request.POST, idea=idea) if action == "merge" else form_class(request.POST) if form_class else None
    )
    if form is not None and not form.is_valid():
        return _triage_page(request, idea, forms={action: form}, failed=action)
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "publish":
            services.idea_publish(idea_id=idea.pk, actor=request.user)
        elif action == "decline":
            services.idea_decline(idea_id=idea.pk, actor=request.user, reason=data["reason"])
        elif action == "merge":
            services.idea_merge(idea_id=idea.pk, actor=request.user, into_id=data["into"].pk, note=data["note"])
        else:
            services.idea_convert(
                idea_id=idea.pk, actor=request.user, owner=data["owner"], owning_unit=data["owning_unit"]
            )
    except ActionForbidden as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("ideas:triage_detail", pk=idea.pk)
        form.add_error(None, error.message)
        return _triage_page(request, get_idea_for_triage(request.user, pk), forms={action: form}, failed=action)
    messages.success(request, _("Idéen er behandlet: %(label)s.") % {"label": services.TRIAGE[action].label})
    return redirect("ideas:triage_detail", pk=idea.pk)


@login_required
@require_http_methods(["GET", "POST"])
def personal_data_view(request):
    """GDPR requests about an e-mail address: download everything (art. 15) or erase it (art. 17)."""
    require_coordinator(request.user)
    form = PersonalDataForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if "erase" in request.POST:
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Sæt kryds for at bekræfte, at alt om adressen skal slettes."))
            else:
                count = services.personal_data_erase(email=email, actor=request.user)
                # The message names no address: messages may be stored in the session.
                messages.success(request, _("Slettet: %(count)d idé(er) med historik og e-mails.") % {"count": count})
                return redirect("ideas:personal_data")
        else:
            data = services.personal_data_export(email=email, actor=request.user)
            response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="persondata-{stamp}.json"'
            return _private(response)
    return _private(render(request, "ideas/personal_data.html", {"form": form}), referrer="same-origin")


# --- "Er det prøvet før?" -------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def similar_view(request):
    if not request.user.is_staff_member:
        raise PermissionDenied
    texts = [request.GET.get(name, "")[:5000] for name in ("title", "summary", "problem", "idea")]
    exclude = request.GET.get("initiative", "")
    items = similar_items(texts=texts, exclude_initiative=int(exclude) if exclude.isdigit() else None)
    return render(request, "ideas/_similar.html#similar-results", {"similar": items})
