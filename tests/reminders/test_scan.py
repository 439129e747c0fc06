"""The periodic scan: which reminder is due on which day, for whom, exactly once, in a
number of queries that does not depend on the number of deadlines."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Milestone, Round, Status
from slagelse_ou.models import Notification, OverdueFlag, ReminderDelivery
from slagelse_ou.reminders import deadlines_for_user, reminders_scan
from tests.reminders.conftest import at
from tests.reminders.factories import trial

START = dt.date(2027, 3, 1)
DUE = START + dt.timedelta(weeks=4)  # the first status report (STATUS_REPORT_WEEKS = 4)


def scan(day: dt.date):
    with time_machine.travel(at(day), tick=False):
        return reminders_scan()


def delivered(kind: str = "statusrapport") -> set[tuple]:
    return set(ReminderDelivery.objects.filter(kind=kind).values_list("due_on", "offset_days", "recipient__username"))


@pytest.fixture
def running(initiator, team_member, manager):
    return trial(owner=initiator, team=[team_member], day=START)


def test_a_running_trial_is_reminded_of_its_status_report_at_14_3_and_0_days_and_every_7_days_overdue(running):
    log = {}
    for offset in range(0, 51):
        day = START + dt.timedelta(days=offset)
        result = scan(day)
        if result.deliveries:
            log[(day - DUE).days] = sorted(
                ReminderDelivery.objects.filter(created_at__date=day).values_list(
                    "offset_days", "audience", "recipient__username"
                )
            )
    assert log == {
        -14: [(14, "owner", "initiator"), (14, "team", "teammedlem")],
        -3: [(3, "owner", "initiator"), (3, "team", "teammedlem")],
        0: [(0, "owner", "initiator"), (0, "team", "teammedlem")],
        7: [(-7, "owner", "initiator"), (-7, "team", "teammedlem")],
        14: [(-14, "manager", "leder"), (-14, "owner", "initiator"), (-14, "team", "teammedlem")],
        21: [(-21, "manager", "leder"), (-21, "owner", "initiator"), (-21, "team", "teammedlem")],
    }


def test_escalation_tells_the_manager_after_the_second_overdue_reminder_and_flags_after_the_third(running):
    scan(DUE + dt.timedelta(days=7))
    assert not ReminderDelivery.objects.filter(audience="manager").exists()
    assert not OverdueFlag.objects.exists()
    scan(DUE + dt.timedelta(days=14))
    assert list(ReminderDelivery.objects.filter(audience="manager").values_list("recipient__username", flat=True)) == [
        "leder"
    ]
    assert not OverdueFlag.objects.exists()
    scan(DUE + dt.timedelta(days=21))
    flag = OverdueFlag.objects.get()
    assert (flag.kind, flag.object_id, flag.due_on, flag.resolved_at) == ("statusrapport", running.pk, DUE, None)
    manager_mail = Notification.objects.get(reminder__audience="manager", reminder__offset_days=-14)
    assert "overskredet med 14 dage" in manager_mail.body


def test_running_the_scan_twice_on_the_same_day_writes_nothing_the_second_time(running):
    first = scan(DUE)
    second = scan(DUE)
    assert first.deliveries == 2 and second.deliveries == 0
    assert Notification.objects.filter(reminder__isnull=False).count() == 2


def test_each_delivery_has_its_own_danish_notification_with_a_direct_link(running):
    scan(DUE - dt.timedelta(days=3))
    notification = Notification.objects.get(recipient=running.owner)
    assert notification.subject == f"Frist om 3 dage: statusrapport – {running.title}"
    assert notification.url == f"/proevehandlinger/{running.pk}/"
    assert "29. marts 2027" in notification.body
    assert notification.essential is False  # an early heads-up; the deadline day is essential
    assert ReminderDelivery.objects.get(recipient=running.owner).notification == notification


def test_a_missed_scan_sends_only_the_most_urgent_reminder_not_every_offset_it_missed(running):
    scan(DUE - dt.timedelta(days=1))
    assert delivered() == {(DUE, 3, "initiator"), (DUE, 3, "teammedlem")}


def test_the_next_status_report_counts_from_the_trials_own_interval(initiator, team_member):
    initiative = trial(owner=initiator, day=START, status_report_interval_weeks=2)
    scan(START + dt.timedelta(days=14))
    assert delivered() == {(START + dt.timedelta(days=14), 0, "initiator")}
    assert initiative.status == Status.RUNNING


def test_the_flag_is_resolved_when_the_deadline_is_no_longer_open(running):
    scan(DUE + dt.timedelta(days=21))
    assert OverdueFlag.objects.filter(resolved_at__isnull=True).count() == 1
    Initiative.objects.filter(pk=running.pk).update(status=Status.EVALUATION)
    scan(DUE + dt.timedelta(days=22))
    assert OverdueFlag.objects.get().resolved_at is not None


def test_an_approved_trial_that_never_starts_is_reminded_and_escalated(initiator, manager):
    initiative = trial(owner=initiator, day=START, status=Status.APPROVED)
    scan(START + dt.timedelta(days=7))
    scan(START + dt.timedelta(days=14))  # the second overdue reminder: the manager is told too
    assert set(ReminderDelivery.objects.filter(kind="opstart").values_list("offset_days", "audience")) == {
        (-7, "owner"),
        (-14, "owner"),
        (-14, "manager"),
    }
    assert initiative.start_date == START


def test_team_milestones_are_deadlines_until_they_are_reached(running):
    milestone = Milestone.objects.create(
        initiative=running, title="Første workshop", due_on=START + dt.timedelta(days=10)
    )
    scan(START + dt.timedelta(days=10))
    assert set(ReminderDelivery.objects.filter(kind="milepael").values_list("object_id", "offset_days")) == {
        (milestone.pk, 0)
    }
    Milestone.objects.filter(pk=milestone.pk).update(done_at=at(START))
    scan(START + dt.timedelta(days=17))
    assert not ReminderDelivery.objects.filter(kind="milepael", offset_days__lt=0).exists()


def test_the_evaluation_is_due_on_the_evaluation_date_after_the_end_date(initiator):
    initiative = trial(
        owner=initiator,
        day=START,
        evaluation_date=START + dt.timedelta(days=20),
        end_date=START + dt.timedelta(days=19),
    )
    scan(START + dt.timedelta(days=20))
    assert ReminderDelivery.objects.filter(kind="evaluering", object_id=initiative.pk, offset_days=0).exists()


def test_a_draft_in_a_round_is_reminded_of_the_application_deadline_but_not_after_it(initiator):
    round_ = Round.objects.create(
        title="Forårsrunden 2027",
        opens_on=START,
        application_deadline=START + dt.timedelta(days=14),
        review_deadline=START + dt.timedelta(days=30),
        committee_meeting_on=START + dt.timedelta(days=40),
    )
    trial(owner=initiator, day=START, status=Status.DRAFT, round=round_)
    for offset in range(0, 40):
        scan(START + dt.timedelta(days=offset))
    assert sorted(ReminderDelivery.objects.filter(kind="ansoegningsfrist").values_list("offset_days", flat=True)) == [
        0,
        3,
        14,
    ]


def test_a_reviewer_is_reminded_of_an_open_assignment_and_the_owners_manager_is_not(
    initiator, reviewer, coordinator, manager
):
    from criteria.models import ReviewAssignment

    initiative = trial(owner=initiator, day=START, status=Status.IN_REVIEW)
    ReviewAssignment.objects.create(initiative=initiative, reviewer=reviewer, assigned_by=coordinator, due_date=START)
    scan(START + dt.timedelta(days=21))
    assert set(
        ReminderDelivery.objects.filter(kind="bedoemmelse").values_list("recipient__username", "offset_days")
    ) == {("bedoemmer", -21)}
    assert OverdueFlag.objects.filter(kind="bedoemmelse").exists()


def test_the_scan_uses_the_same_number_of_queries_for_one_deadline_and_for_forty(initiator, team_member, manager):
    trial(owner=initiator, team=[team_member], day=START)
    with CaptureQueriesContext(connection) as one:
        scan(DUE)
    ReminderDelivery.objects.all().delete()
    Notification.objects.all().delete()
    for _ in range(39):
        trial(owner=initiator, team=[team_member], day=START)
    with CaptureQueriesContext(connection) as forty:
        result = scan(DUE)
    assert result.deliveries == 80
    assert len(forty) == len(one)


def test_mine_frister_lists_the_deadlines_of_the_owner_and_team_soonest_first(running, outsider):
    Milestone.objects.create(initiative=running, title="Første workshop", due_on=START + dt.timedelta(days=10))
    with time_machine.travel(at(START), tick=False):
        mine = deadlines_for_user(user=running.owner)
        theirs = deadlines_for_user(user=outsider)
    assert [(d.kind, d.due_on) for d in mine] == [
        ("milepael", START + dt.timedelta(days=10)),
        ("statusrapport", DUE),
        ("evaluering", START + dt.timedelta(days=210)),
    ]
    assert mine[1].days_left == 28 and mine[1].url == f"/proevehandlinger/{running.pk}/"
    assert theirs == []


@pytest.mark.django_db(transaction=True)
def test_two_scans_racing_on_the_same_day_write_each_reminder_once(initiator, team_member, manager):
    for _ in range(20):
        trial(owner=initiator, team=[team_member], day=START)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(scan(DUE))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.deliveries for r in results) == 40
    assert ReminderDelivery.objects.count() == 40
    assert Notification.objects.filter(reminder__isnull=False).count() == 40


def test_a_status_report_moves_the_next_status_report_deadline(running, initiator):
    from results.services import status_report_create

    # Reported on day 20: the next report is due 4 weeks after that, not on day 28.
    reported = START + dt.timedelta(days=20)
    with time_machine.travel(at(reported), tick=False):
        status_report_create(initiative_id=running.pk, actor=initiator, reported_on=reported, narrative="Godt i gang.")
    scan(DUE)
    assert delivered() == set()
    next_due = reported + dt.timedelta(weeks=4)
    scan(next_due)
    assert delivered() == {(next_due, 0, "initiator"), (next_due, 0, "teammedlem")}


def test_a_reviewer_is_reminded_of_the_rounds_review_deadline_when_it_comes_before_the_assignments(
    initiator, reviewer, coordinator, manager
):
    from criteria.models import ReviewAssignment

    round_ = Round.objects.create(
        title="Forårsrunden 2027",
        opens_on=START - dt.timedelta(days=30),
        application_deadline=START - dt.timedelta(days=1),
        review_deadline=START + dt.timedelta(days=10),
        committee_meeting_on=START + dt.timedelta(days=20),
    )
    late = trial(owner=initiator, day=START, status=Status.IN_REVIEW, round=round_)
    early = trial(owner=initiator, day=START, status=Status.IN_REVIEW, round=round_)
    outside = trial(owner=initiator, day=START, status=Status.IN_REVIEW)
    ReviewAssignment.objects.create(
        initiative=late, reviewer=reviewer, assigned_by=coordinator, due_date=START + dt.timedelta(days=30)
    )
    ReviewAssignment.objects.create(
        initiative=early, reviewer=reviewer, assigned_by=coordinator, due_date=START + dt.timedelta(days=5)
    )
    ReviewAssignment.objects.create(
        initiative=outside, reviewer=reviewer, assigned_by=coordinator, due_date=START + dt.timedelta(days=30)
    )

    for offset in (-4, 7, 10):
        scan(START + dt.timedelta(days=offset))

    rows = ReminderDelivery.objects.filter(kind="runde_bedoemmelse")
    assert set(rows.values_list("recipient__username", "offset_days", "due_on")) == {
        ("bedoemmer", 14, START + dt.timedelta(days=10)),
        ("bedoemmer", 3, START + dt.timedelta(days=10)),
        ("bedoemmer", 0, START + dt.timedelta(days=10)),
    }
    assert set(rows.values_list("initiative_id", flat=True)) == {late.pk}  # not the early one, nor outside
    assert not rows.filter(recipient=manager).exists()


def test_a_scan_that_missed_the_deadline_day_catches_up_the_next_day(running):
    """Issue 14.8 (written first, seen failing): a scan that missed the due day sent nothing
    until the deadline was a week overdue."""
    scan(DUE + dt.timedelta(days=1))
    assert delivered() == {(DUE, 0, "initiator"), (DUE, 0, "teammedlem")}
    scan(DUE + dt.timedelta(days=2))
    assert ReminderDelivery.objects.count() == 2  # caught up once, not every day


def test_the_manager_is_told_only_after_the_owner_has_had_overdue_reminders(running):
    """Issue 14.8 (written first, seen failing): with scans missed, the manager's "reminded
    several times" arrived together with the owner's first overdue reminder."""
    scan(DUE + dt.timedelta(days=14))  # the first scan after the deadline
    assert set(ReminderDelivery.objects.values_list("audience", flat=True)) == {"owner", "team"}
    scan(DUE + dt.timedelta(days=21))  # the owner has had one overdue reminder now
    assert ReminderDelivery.objects.filter(audience="manager", offset_days=-21).exists()
