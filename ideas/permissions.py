"""Who may see and triage ideas. Published ideas are public; everything else about an idea
is for coordinators (sekretariatet) and, through the private status link, the submitter."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ideas.models import Idea
from ideas.selectors import idea_public_detail, idea_triage_detail


def can_triage(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def require_coordinator(user) -> None:
    """403 for a logged-in person who is not a coordinator (login_required runs first)."""
    if not can_triage(user):
        raise PermissionDenied


def get_idea_for_triage(user, pk: int) -> Idea:
    require_coordinator(user)
    idea = idea_triage_detail(pk=pk)
    if idea is None:
        raise Http404
    return idea


def get_public_idea(pk: int) -> Idea:
    idea = idea_public_detail(pk=pk)
    if idea is None:
        raise Http404
    return idea
