"""`can_view` and `can_view_private` are one rule: the page is open to everyone when the trial
is public, and otherwise to exactly those who may see the private fields (checked against
the rule written out plainly in test_permissions.may_see, for every persona and status)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from initiatives.models import Initiative
from initiatives.permissions import can_view, can_view_private
from tests.initiatives.test_permissions import PERSONAS, PUBLIC, canary_titles, may_see

__all__ = ["canary_titles"]  # a fixture, used by name


def may_see_private(persona: str, unit_key: str, status: str) -> bool:
    """The private fields follow the non-public rule whatever the status: being public opens
    the page, not the team, the risks or the notes. "indsendt" stands for any submitted,
    non-public status (the plain rule only tells a draft from the rest)."""
    return may_see(persona, unit_key, "indsendt" if status in PUBLIC else status)


def test_the_page_and_the_private_fields_follow_one_rule_for_every_persona_and_status(request, canary_titles):
    initiatives = {i.title: i for i in Initiative.objects.filter(title__in=canary_titles).select_related("owning_unit")}
    for persona in PERSONAS:
        user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
        for title, (unit_key, status) in canary_titles.items():
            initiative = initiatives[title]
            assert can_view(user, initiative) == may_see(persona, unit_key, status), (persona, title)
            assert can_view_private(user, initiative) == may_see_private(persona, unit_key, status), (persona, title)
