"""The front page: it combines every app's public face, so it lives in the top layer."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from criteria.selectors import active_criteria
from ideas.services import IDEA_MAIL_OUTBOX
from initiatives.selectors import initiative_public_counts, initiative_public_latest
from rounds.services import rounds_open
from slagelse_ou.services import NOTIFICATION_OUTBOX


@require_http_methods(["GET"])
def home(request):
    return render(
        request,
        "home.html",
        {
            "latest": initiative_public_latest(limit=6),
            "counts": initiative_public_counts(),
            "principles": active_criteria(),
            "open_rounds": rounds_open(),
        },
    )


@login_required
@require_http_methods(["GET"])
def failed_mails(request):
    """E-mails the outbox gave up on after OUTBOX_MAX_FAILURES attempts (slagelse_ou/outbox.py),
    from every outbox: the secretariat sees what did not reach whom, and why."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    notifications = NOTIFICATION_OUTBOX.parked().select_related("recipient").order_by("-created_at")
    idea_mails = IDEA_MAIL_OUTBOX.parked().order_by("-created_at")
    response = render(
        request,
        "portal/failed_mails.html",
        {
            "notifications": Paginator(notifications, 50).get_page(request.GET.get("side")),
            "idea_mails": idea_mails[:50],
            "idea_mail_count": idea_mails.count(),
            "max_failures": settings.OUTBOX_MAX_FAILURES,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
