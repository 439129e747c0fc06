"""The front page: it combines every app's public face, so it lives in the top layer."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from criteria.selectors import active_criteria
from initiatives.selectors import initiative_public_counts, initiative_public_latest
from rounds.services import rounds_open


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
