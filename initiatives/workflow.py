"""The lifecycle as data: which action moves which status to which, who may take it, which
service carries out each action, and the points where other apps react.

`initiatives.services` has one function per action; all of them go through
`_transition`, which reads this table. To add a transition: add a row here, a service
function that calls `_transition`, and a test in tests/initiatives/test_transitions.py.

Apps above `initiatives` never get called back by it. They react at the hook points below
(Django signals, connected in their `AppConfig.ready`) and register the service behind an
action that is theirs (`action_service_register`): criteria owns approve, reject and
request_changes (a decision with reasons per principle); results owns conclude (the team's
evaluation must be in first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from initiatives.models import Status

# Who may act: the owner alone, an editor (owner or team), or a coordinator (sekretariat).
OWNER = "owner"
EDITOR = "editor"
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    label: object
    needs_note: bool = False
    button_class: str = "button-secondary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            (Status.DRAFT, Status.CHANGES_REQUESTED),
            Status.SUBMITTED,
            (EDITOR,),
            _("Indsend"),
            button_class="button-primary",
        ),
        Transition("start_review", (Status.SUBMITTED,), Status.IN_REVIEW, (COORDINATOR,), _("Start bedømmelse")),
        Transition(
            "request_changes",
            (Status.SUBMITTED, Status.IN_REVIEW),
            Status.CHANGES_REQUESTED,
            (COORDINATOR,),
            _("Send tilbage til ansøger"),
            needs_note=True,
        ),
        Transition(
            "approve",
            (Status.SUBMITTED, Status.IN_REVIEW),
            Status.APPROVED,
            (COORDINATOR,),
            _("Godkend"),
            needs_note=True,
            button_class="button-primary",
        ),
        Transition(
            "reject", (Status.SUBMITTED, Status.IN_REVIEW), Status.REJECTED, (COORDINATOR,), _("Afvis"), needs_note=True
        ),
        Transition(
            "start",
            (Status.APPROVED,),
            Status.RUNNING,
            (EDITOR, COORDINATOR),
            _("Start prøvehandlingen"),
            button_class="button-primary",
        ),
        Transition(
            "begin_evaluation", (Status.RUNNING,), Status.EVALUATION, (EDITOR, COORDINATOR), _("Gå til evaluering")
        ),
        Transition(
            "conclude",
            (Status.EVALUATION,),
            Status.CONCLUDED,
            (COORDINATOR,),
            _("Afslut"),
            needs_note=True,
            button_class="button-primary",
        ),
        Transition(
            "withdraw",
            (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED),
            Status.WITHDRAWN,
            (OWNER,),
            _("Træk tilbage"),
            needs_note=True,
        ),
    ]
}


def actor_kinds(*, initiative, user) -> set[str]:
    """The capacities in which `user` stands towards `initiative` (uses prefetched team)."""
    kinds: set[str] = set()
    if not user.is_authenticated:
        return kinds
    if initiative.owner_id == user.pk:
        kinds |= {OWNER, EDITOR}
    elif any(member.user_id == user.pk for member in initiative.team.all()):
        kinds.add(EDITOR)
    if user.is_coordinator:
        kinds.add(COORDINATOR)
    return kinds


def available_transitions(*, initiative, user) -> list[Transition]:
    kinds = actor_kinds(initiative=initiative, user=user)
    return [t for t in TRANSITIONS.values() if initiative.status in t.sources and kinds & set(t.actors)]


# --- Hook points ---------------------------------------------------------------------------
# Each is sent inside the transition's transaction, after the status change and its audit
# row, with sender=Initiative and the keyword arguments initiative, actor, action, note.
# A receiver that raises rolls the whole transition back.

initiative_submitted = Signal()  # draft or "tilbage til ansøger" → indsendt
initiative_decided = Signal()  # approve, reject or request_changes
initiative_concluded = Signal()  # evaluering → afsluttet

HOOKS: dict[str, Signal] = {
    "submit": initiative_submitted,
    "approve": initiative_decided,
    "reject": initiative_decided,
    "request_changes": initiative_decided,
    "conclude": initiative_concluded,
}


# --- The service behind each action -------------------------------------------------------
# The trial page's buttons, demo data and test fixtures act through this table.
# `initiatives.services` registers its own; criteria and results register theirs at start-up.

ACTION_SERVICES: dict[str, Callable[..., Any]] = {}


def action_service_register(action: str, service: Callable[..., Any]) -> None:
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown action {action!r}")
    ACTION_SERVICES[action] = service
