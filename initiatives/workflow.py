"""The lifecycle as data: which action moves which status to which, and who may take it.

`initiatives.services` has one function per action; all of them go through
`_transition`, which reads this table. To add a transition: add a row here, a service
function that calls `_transition`, and a test in tests/initiatives/test_transitions.py.
"""

from __future__ import annotations

from dataclasses import dataclass

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
