"""Every move of the lifecycle table (initiatives/workflow.py TRANSITIONS), allowed and refused.

The parametrisation is computed from the table itself, so a new transition or a new status is
covered without touching this file: each action from each of its sources by each permitted
persona; each action from every other status; each action by every persona it does not allow.
"""

from __future__ import annotations

import pytest

from criteria import services as criteria_services
from initiatives import services
from initiatives.exceptions import (
    ActionForbidden,
    DomainError,
    IncompleteApplication,
    NoteRequired,
    TransitionNotAllowed,
)
from initiatives.models import InitiativeEvent, Outcome, Pejlemaerke, Status
from initiatives.workflow import ACTION_SERVICES, COORDINATOR, EDITOR, OWNER, TRANSITIONS
from slagelse_ou import roles
from slagelse_ou.models import Notification
from tests.celery_worker import queue_purge, queued_tasks
from tests.factories import UserFactory, complete_data

PERSONAS = (
    "initiator",
    "team_member",
    "manager",
    "reviewer",
    "coordinator",
    "committee_member",
    "citizen",
    "outsider",
)
# Which personas stand in which capacity towards the `draft` fixture (owner: initiator,
# team: team_member); everyone else in PERSONAS has no capacity at all.
CAPACITY = {OWNER: {"initiator"}, EDITOR: {"initiator", "team_member"}, COORDINATOR: {"coordinator"}}


def permitted(action: str) -> list[str]:
    kinds = TRANSITIONS[action].actors
    return [persona for persona in PERSONAS if any(persona in CAPACITY[kind] for kind in kinds)]


ALLOWED = [
    pytest.param(action, source, persona, id=f"{action}-fra-{source}-af-{persona}")
    for action, spec in TRANSITIONS.items()
    for source in spec.sources
    for persona in permitted(action)
]
# For each status, every action that may not start there (repeating the target is a no-op,
# tested separately). The refused and forbidden cases loop inside one test per status or
# action: reaching a status costs several service calls, and a dict of outcomes still shows
# exactly which action misbehaved.
REFUSED = {
    status: [action for action, spec in TRANSITIONS.items() if status not in spec.sources and status != spec.target]
    for status in Status.values
}
FORBIDDEN = {action: [persona for persona in PERSONAS if persona not in permitted(action)] for action in TRANSITIONS}
NEEDS_NOTE = [action for action, spec in TRANSITIONS.items() if spec.needs_note]

NOTE = "Fordi ansøgningen er gennemarbejdet."
DELIVER = "slagelse_ou.tasks.notification_deliver"


@pytest.fixture
def broker():
    """The real broker's queue, empty at the start; `queued_tasks()` reads what was sent."""
    queue_purge()
    yield
    queue_purge()


def act(action: str, *, initiative, actor, note: str = NOTE):
    """Call the action's service with what it needs (submit takes no note, conclude an outcome)."""
    kwargs = {"initiative_id": initiative.pk, "actor": actor}
    if action != "submit":
        kwargs["note"] = note
    if action == "conclude":
        kwargs["outcome"] = Outcome.STOPPED
    # The lifecycle's own conclude; the page's (results) also needs the evaluation.
    service = services.initiative_conclude if action == "conclude" else ACTION_SERVICES[action]
    return service(**kwargs)


def snapshot(initiative) -> dict:
    """Everything a refused or repeated action must leave untouched."""
    initiative.refresh_from_db()
    return {
        "status": initiative.status,
        "updated_at": initiative.updated_at,
        "events": list(InitiativeEvent.objects.filter(initiative=initiative).values_list("pk", flat=True)),
        "notifications": list(Notification.objects.values_list("pk", flat=True)),
    }


def test_the_parametrisation_covers_every_action_from_every_status():
    # A guard against the lists above silently losing cases (e.g. a renamed persona).
    for action, spec in TRANSITIONS.items():
        allowed = {p.values[1] for p in ALLOWED if p.values[0] == action}
        refused = {status for status, actions in REFUSED.items() if action in actions}
        assert allowed == set(spec.sources), action
        assert allowed | refused | {spec.target} == set(Status.values), action
        assert permitted(action) and FORBIDDEN[action], action
    assert FORBIDDEN["withdraw"] == [p for p in PERSONAS if p != "initiator"]  # the owner alone
    assert {"initiator", "team_member"} <= set(FORBIDDEN["approve"])  # decisions: the coordinator's


@pytest.mark.parametrize(("action", "source", "persona"), ALLOWED)
def test_an_allowed_transition_moves_the_status_writes_one_event_and_notifies_after_commit(
    action, source, persona, initiative_in, request, broker, django_capture_on_commit_callbacks
):
    initiative = initiative_in(source)
    actor = request.getfixturevalue(persona)
    spec = TRANSITIONS[action]
    before = snapshot(initiative)

    with django_capture_on_commit_callbacks(execute=True):
        act(action, initiative=initiative, actor=actor)
        assert queued_tasks() == [], "nothing may reach the broker before the transaction commits"

    initiative.refresh_from_db()
    assert initiative.status == spec.target
    new_events = InitiativeEvent.objects.filter(initiative=initiative).exclude(pk__in=before["events"])
    assert list(new_events.values("action", "actor", "from_status", "to_status", "note")) == [
        {
            "action": action,
            "actor": actor.pk,
            "from_status": source,
            "to_status": spec.target,
            "note": "" if action == "submit" else NOTE,
        }
    ]
    # On commit, each new outbox row is handed to the real broker exactly once.
    new_rows = Notification.objects.exclude(pk__in=before["notifications"])
    assert new_rows.exists()
    assert actor.pk not in {row.recipient_id for row in new_rows}
    assert sorted(queued_tasks(), key=str) == sorted(
        [(DELIVER, {"notification_id": pk}) for pk in new_rows.values_list("pk", flat=True)], key=str
    )


def test_submitting_stamps_the_submission_time(draft, initiator):
    services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    draft.refresh_from_db()
    assert draft.submitted_at is not None


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decision_records_when_it_was_made_and_why(action, initiative_in, coordinator):
    initiative = initiative_in(Status.SUBMITTED)
    act(action, initiative=initiative, actor=coordinator, note="Passer til pejlemærke 1.")
    initiative.refresh_from_db()
    assert initiative.decided_at is not None
    assert initiative.decision_reason == "Passer til pejlemærke 1."


def test_concluding_records_the_outcome(initiative_in, coordinator):
    initiative = initiative_in(Status.EVALUATION)
    services.initiative_conclude(
        initiative_id=initiative.pk, actor=coordinator, outcome=Outcome.ADJUSTED, note="Vi justerer og fortsætter."
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.outcome) == (Status.CONCLUDED, Outcome.ADJUSTED)


def test_concluding_without_a_known_outcome_is_refused_as_bad_input_not_as_forbidden(initiative_in, coordinator):
    initiative = initiative_in(Status.EVALUATION)
    before = snapshot(initiative)
    with pytest.raises(DomainError, match="Vælg et udfald"):
        services.initiative_conclude(initiative_id=initiative.pk, actor=coordinator, outcome="", note="Slut.")
    assert snapshot(initiative) == before


def outcome(action: str, *, initiative, actor, note: str = NOTE) -> str:
    """The name of the exception an action raises, or "udført" if it went through."""
    try:
        act(action, initiative=initiative, actor=actor, note=note)
    except Exception as refused:  # noqa: BLE001 — the test compares the names
        return type(refused).__name__
    return "udført"


@pytest.mark.parametrize("status", Status.values)
def test_every_action_that_may_not_start_from_a_status_is_refused_there_and_changes_nothing(
    status, initiative_in, request, broker, django_capture_on_commit_callbacks
):
    initiative = initiative_in(status)
    before = snapshot(initiative)
    actors = {action: request.getfixturevalue(permitted(action)[0]) for action in REFUSED[status]}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcomes = {action: outcome(action, initiative=initiative, actor=actors[action]) for action in REFUSED[status]}

    assert outcomes == dict.fromkeys(REFUSED[status], "TransitionNotAllowed")
    assert snapshot(initiative) == before
    assert callbacks == []
    assert queued_tasks() == []


@pytest.mark.parametrize("action", ["start", "withdraw", "conclude"])
def test_a_refusal_says_in_danish_which_action_and_which_status(action, initiative_in, request):
    initiative = initiative_in(Status.REJECTED)
    actor = request.getfixturevalue(permitted(action)[0])
    with pytest.raises(TransitionNotAllowed) as refused:
        act(action, initiative=initiative, actor=actor)
    assert refused.value.message == (
        f"Handlingen “{TRANSITIONS[action].label}” kan ikke udføres, når prøvehandlingen har status “Afvist”."
    )


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_everyone_without_the_capacity_for_an_action_is_forbidden_it_and_changes_nothing(
    action, initiative_in, request, broker, django_capture_on_commit_callbacks
):
    initiative = initiative_in(TRANSITIONS[action].sources[0])
    personas = {persona: request.getfixturevalue(persona) for persona in FORBIDDEN[action]}
    before = snapshot(initiative)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcomes = {persona: outcome(action, initiative=initiative, actor=user) for persona, user in personas.items()}

    assert outcomes == dict.fromkeys(FORBIDDEN[action], "ActionForbidden")
    assert snapshot(initiative) == before
    assert callbacks == []
    assert queued_tasks() == []


def test_a_team_member_may_not_withdraw_because_that_is_the_owners_choice(draft, team_member, initiator):
    with pytest.raises(ActionForbidden):
        services.initiative_withdraw(initiative_id=draft.pk, actor=team_member, note="Vi stopper.")
    services.initiative_withdraw(initiative_id=draft.pk, actor=initiator, note="Vi stopper.")
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN


def test_a_removed_team_member_loses_the_right_to_act(draft, initiator, team_member):
    member = draft.team.get(user=team_member)
    services.team_member_remove(initiative_id=draft.pk, actor=initiator, member_id=member.pk)
    with pytest.raises(ActionForbidden):
        services.initiative_submit(initiative_id=draft.pk, actor=team_member)


@pytest.mark.parametrize("action", NEEDS_NOTE)
def test_an_action_that_needs_a_reason_is_refused_without_one(action, initiative_in, request):
    initiative = initiative_in(TRANSITIONS[action].sources[0])
    actor = request.getfixturevalue(permitted(action)[0])
    before = snapshot(initiative)

    for blank in ("", "   \n "):
        with pytest.raises(NoteRequired) as refused:
            act(action, initiative=initiative, actor=actor, note=blank)
        assert refused.value.message == "Skriv en begrundelse."

    assert snapshot(initiative) == before


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_repeating_an_action_whose_target_is_the_current_status_is_a_no_op(
    action, initiative_in, request, django_capture_on_commit_callbacks
):
    # A double click: the second request finds the status already reached and does nothing.
    initiative = initiative_in(TRANSITIONS[action].target)
    actor = request.getfixturevalue(permitted(action)[0])
    before = snapshot(initiative)

    with django_capture_on_commit_callbacks() as callbacks:
        result = act(action, initiative=initiative, actor=actor)

    assert result.status == TRANSITIONS[action].target
    assert snapshot(initiative) == before
    assert callbacks == []


def test_submitting_an_empty_draft_names_everything_that_is_missing_in_danish(initiator):
    draft = services.initiative_create(owner=initiator, data={"title": "Kun en titel"})
    with pytest.raises(IncompleteApplication) as incomplete:
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert incomplete.value.missing == [
        "resumé",
        "borgerens problem",
        "idé",
        "hypotese",
        "forventet effekt for borgerne",
        "mindst ét pejlemærke",
        "mindst én indikator",
        "startdato",
        "slutdato",
        "evalueringsdato",
    ]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not InitiativeEvent.objects.filter(initiative=draft, action="submit").exists()


def test_submitting_a_nearly_complete_draft_names_only_what_is_missing(initiator, units):
    draft = services.initiative_create(
        owner=initiator,
        data=complete_data(units["hjemmeplejen"], hypothesis="  "),
        pejlemaerker=Pejlemaerke.objects.filter(number=2),
        indicators=[],
    )
    with pytest.raises(IncompleteApplication) as incomplete:
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert incomplete.value.message == "Ansøgningen mangler: hypotese, mindst én indikator."
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (Status.DRAFT, None)


def test_submitting_with_the_end_before_the_start_says_so(initiator, units):
    data = complete_data(units["hjemmeplejen"])
    data["end_date"] = data["start_date"].replace(year=data["start_date"].year - 1)
    draft = services.initiative_create(
        owner=initiator,
        data=data,
        pejlemaerker=Pejlemaerke.objects.filter(number=1),
        indicators=[{"name": "Ventetid", "unit": "dage", "baseline": 30, "target": 10}],
    )
    with pytest.raises(IncompleteApplication, match="en slutdato efter startdatoen"):
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)


def test_resubmitting_after_changes_were_requested_checks_completeness_again(initiative_in, initiator):
    initiative = initiative_in(Status.CHANGES_REQUESTED)
    services.initiative_update(initiative_id=initiative.pk, actor=initiator, data={"hypothesis": ""})
    with pytest.raises(IncompleteApplication, match="hypotese"):
        services.initiative_submit(initiative_id=initiative.pk, actor=initiator)
    initiative.refresh_from_db()
    assert initiative.status == Status.CHANGES_REQUESTED


def test_an_event_cannot_be_changed_once_written(draft):
    event = InitiativeEvent.objects.filter(initiative=draft).first()
    event.note = "Omskrevet historie"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert InitiativeEvent.objects.get(pk=event.pk).note == ""


def status_notifications(initiative):
    """The lifecycle's "… har nu status …" outbox rows (other features add their own)."""
    return Notification.objects.filter(subject__startswith=f"“{initiative.title}” har nu status")


def test_a_decision_notifies_owner_and_team_but_not_the_deciding_coordinator(
    initiative_in, coordinator, initiator, team_member, broker, django_capture_on_commit_callbacks
):
    initiative = initiative_in(Status.SUBMITTED)
    before = list(Notification.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        criteria_services.initiative_approve(initiative_id=initiative.pk, actor=coordinator, note="Godt forslag.")

    rows = status_notifications(initiative).exclude(pk__in=before).order_by("recipient__username")
    assert [row.recipient for row in rows] == [initiator, team_member]
    for row in rows:
        assert row.subject == f"“{initiative.title}” har nu status Godkendt"
        assert "Begrundelse: Godt forslag." in row.body
        assert row.url == initiative.get_absolute_url()
        assert (row.email_claimed_at, row.emailed_at, row.read_at) == (None, None, None)
    handed_off = [kwargs["notification_id"] for task, kwargs in queued_tasks() if task == DELIVER]
    assert set(rows.values_list("pk", flat=True)) <= set(handed_off)
    assert len(handed_off) == len(set(handed_off))


def test_a_team_member_acting_notifies_the_owner_and_not_themselves(initiative_in, initiator, team_member):
    initiative = initiative_in(Status.APPROVED)
    before = list(Notification.objects.values_list("pk", flat=True))

    services.initiative_start(initiative_id=initiative.pk, actor=team_member)

    rows = status_notifications(initiative).exclude(pk__in=before)
    assert [(row.recipient, row.subject) for row in rows] == [(initiator, f"“{initiative.title}” har nu status I gang")]


def test_submitting_notifies_the_team_and_every_active_coordinator_but_not_the_submitter(
    draft, initiator, team_member, coordinator
):
    second = UserFactory(username="sekretariat2", roles=[roles.SEKRETARIAT])
    UserFactory(username="tidligere_sekretariat", roles=[roles.SEKRETARIAT], is_active=False)
    before = list(Notification.objects.values_list("pk", flat=True))

    services.initiative_submit(initiative_id=draft.pk, actor=initiator)

    recipients = set(status_notifications(draft).exclude(pk__in=before).values_list("recipient__username", flat=True))
    assert recipients == {team_member.username, coordinator.username, second.username}


def test_a_refused_transition_notifies_nobody_and_sends_nothing(
    draft, coordinator, broker, django_capture_on_commit_callbacks
):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionNotAllowed):
        services.initiative_start(initiative_id=draft.pk, actor=coordinator)
    assert Notification.objects.count() == before
    assert callbacks == []
    assert queued_tasks() == []
