"""Two people deciding at the same moment: the row lock lets only one decision win.

Two threads, each with its own Django database connection (Django keeps connections per
thread), call the real services against the real PostgreSQL. Hence transaction=True: the
threads must see each other's commits, which the usual wrap-the-test-in-a-transaction mode
would hide. (The persona fixtures ask for `db`; pytest-django makes that transactional when
the test is marked transaction=True.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from initiatives import services
from initiatives.exceptions import DomainError
from initiatives.models import InitiativeEvent, Status
from initiatives.workflow import ACTION_SERVICES
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db(transaction=True)

DECISIONS = {"approve", "reject", "request_changes", "withdraw"}


@pytest.fixture
def submitted(initiator, team_member, coordinator):
    """A fresh submitted initiative per call (each race needs its own)."""

    def _new():
        initiative = make_initiative(owner=initiator)
        services.initiative_submit(initiative_id=initiative.pk, actor=initiator)
        return initiative

    return _new


def decide(action: str, *, initiative_id: int, actor) -> Callable[[], object]:
    service = ACTION_SERVICES[action]
    return lambda: service(initiative_id=initiative_id, actor=actor, note=f"{action} i kapløb")


class Racer(threading.Thread):
    """Runs one service call on its own connection and keeps the outcome: "vandt" or the
    name of the domain error. Closes its connection at the end so none outlives the thread."""

    def __init__(
        self,
        call: Callable[[], object],
        *,
        before: Callable[[], None] = lambda: None,
        hold: Callable[[], None] = lambda: None,
    ):
        super().__init__(daemon=True)
        self.call, self.before, self.hold = call, before, hold
        self.outcome: str | None = None
        self.error: BaseException | None = None
        self.backend_pid: int | None = None

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend_pid = cursor.fetchone()[0]
            self.before()
            try:
                with transaction.atomic():
                    self.call()
                    self.hold()  # still inside the transaction: the row lock is held here
                self.outcome = "vandt"
            except DomainError as refused:
                self.outcome = type(refused).__name__
        except BaseException as error:  # noqa: BLE001 — surfaced by the test, not lost in the thread
            self.error = error
        finally:
            connections.close_all()


def wait_until_blocked_on_a_lock(pid: int, *, timeout: float = 10.0) -> None:
    """Poll pg_stat_activity from the test's own connection (autocommit, so every query sees
    a fresh snapshot) until backend `pid` is waiting for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.005)
    raise AssertionError(f"backend {pid} never waited for the row lock")


def race_with_lock_held(*, first: Callable[[], object], second: Callable[[], object]) -> tuple[str, str]:
    """Deterministic interleaving: `first` acts and keeps its transaction open; `second`
    starts only then and must queue on the row lock; the test sees it waiting in
    pg_stat_activity and only then lets `first` commit. So `second` always runs its guard
    after `first` changed the status — the case a missing lock would get wrong (it would
    read the old status, pass the guard and overwrite the decision).
    """
    start = threading.Barrier(3, timeout=10)  # both connections open before anyone acts
    first_has_acted = threading.Event()
    may_commit = threading.Event()

    def hold() -> None:
        first_has_acted.set()
        assert may_commit.wait(10), "the test never released the first transaction"

    a = Racer(first, before=start.wait, hold=hold)
    b = Racer(second, before=lambda: (start.wait(), first_has_acted.wait(10)))
    a.start()
    b.start()
    start.wait()
    try:
        assert first_has_acted.wait(10), "the first decision did not run"
        wait_until_blocked_on_a_lock(b.backend_pid)
    finally:
        may_commit.set()
        a.join(15)
        b.join(15)
    for racer in (a, b):
        assert not racer.is_alive(), "a racer hung"
        if racer.error:
            raise racer.error
    return a.outcome, b.outcome


def race_freely(*, one: Callable[[], object], other: Callable[[], object]) -> tuple[str, str]:
    """Both released by one barrier, nothing else: the scheduler picks the interleaving."""
    start = threading.Barrier(2, timeout=10)
    a, b = Racer(one, before=start.wait), Racer(other, before=start.wait)
    a.start()
    b.start()
    a.join(15)
    b.join(15)
    for racer in (a, b):
        assert not racer.is_alive(), "a racer hung"
        if racer.error:
            raise racer.error
    return a.outcome, b.outcome


def decision_events(initiative) -> list[tuple[str, str, str]]:
    return list(
        InitiativeEvent.objects.filter(initiative=initiative, action__in=DECISIONS)
        .order_by("created_at", "pk")
        .values_list("action", "from_status", "to_status")
    )


# (first, second, outcomes, decision history). Where the first decision's target is not a
# source of the second, the second is refused. Withdrawing an approved trial is allowed
# (PRODUCT.md: "from any state before running"), so approve-then-withdraw both succeed —
# one after the other: the withdrawal's history entry starts from "godkendt", proving it
# saw the approval instead of overwriting it from "indsendt".
S, A, R, C, W = Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.CHANGES_REQUESTED, Status.WITHDRAWN
RACES = [
    ("approve", "reject", ("vandt", "TransitionNotAllowed"), [("approve", S, A)]),
    ("reject", "approve", ("vandt", "TransitionNotAllowed"), [("reject", S, R)]),
    ("approve", "request_changes", ("vandt", "TransitionNotAllowed"), [("approve", S, A)]),
    ("request_changes", "reject", ("vandt", "TransitionNotAllowed"), [("request_changes", S, C)]),
    ("withdraw", "approve", ("vandt", "TransitionNotAllowed"), [("withdraw", S, W)]),
    ("reject", "withdraw", ("vandt", "TransitionNotAllowed"), [("reject", S, R)]),
    ("approve", "withdraw", ("vandt", "vandt"), [("approve", S, A), ("withdraw", A, W)]),
]


def test_a_decision_racing_one_that_holds_the_row_lock_is_judged_on_the_status_the_first_left(
    submitted, coordinator, initiator
):
    actors = {"approve": coordinator, "reject": coordinator, "request_changes": coordinator, "withdraw": initiator}
    for first, second, outcomes, history in RACES:
        initiative = submitted()
        got = race_with_lock_held(
            first=decide(first, initiative_id=initiative.pk, actor=actors[first]),
            second=decide(second, initiative_id=initiative.pk, actor=actors[second]),
        )
        assert (first, second, got) == (first, second, outcomes)
        assert (first, second, decision_events(initiative)) == (first, second, history)
        initiative.refresh_from_db()
        assert initiative.status == history[-1][2]


def test_approve_and_reject_released_together_never_both_win(submitted, coordinator):
    # No choreography here: repeated races with whatever interleaving the scheduler picks.
    # The invariant must hold in every one of them.
    for _ in range(8):
        initiative = submitted()
        outcomes = race_freely(
            one=decide("approve", initiative_id=initiative.pk, actor=coordinator),
            other=decide("reject", initiative_id=initiative.pk, actor=coordinator),
        )
        assert sorted(outcomes) == ["TransitionNotAllowed", "vandt"]
        initiative.refresh_from_db()
        events = decision_events(initiative)
        assert len(events) == 1
        assert initiative.status == events[0][2]
