"""Two reviewers submitting at the same moment: every criteria write locks the initiative row
first, so the second submission sees the first and the coordinators get exactly one "all
reviews are in" message (without the lock each would see the other's review as a draft and
nobody would be told). Real threads, real PostgreSQL, hence transaction=True."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
import time

import pytest
from django.db import connection, connections, transaction

from criteria import services
from criteria.models import CriteriaSet
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, complete_scores

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def seeded_principles(db):
    # An earlier transactional test may have flushed the data migration's rows.
    if not CriteriaSet.objects.active().exists():
        seed = importlib.import_module("criteria.migrations.0002_de_9_baerende_principper")
        created = services.criteria_set_create(
            actor=None,
            name="De 9 bærende principper",
            approved_by="Økonomiudvalget",
            approved_on=dt.date(2018, 6, 18),
            texts=seed.PRINCIPLES,
        )
        services.criteria_set_publish(actor=None, criteria_set_id=created.pk)


def _blocked_on_lock(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.005)
    raise AssertionError("the second submission never waited for the lock")


def test_two_reviewers_submitting_at_once_give_exactly_one_all_in_message(
    in_review, reviewer, second_reviewer, coordinator
):
    jobs = {}
    for user in (reviewer, second_reviewer):
        assignment = assignment_of(in_review, user)
        services.review_declare(assignment_id=assignment.pk, actor=user)
        jobs[user.pk] = (assignment.pk, complete_scores(assignment))
    first_done, release = threading.Event(), threading.Event()
    pids, errors = {}, []

    def submit(user, hold: bool):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[user.pk] = cursor.fetchone()[0]
            if not hold:
                assert first_done.wait(10)
            assignment_id, scores = jobs[user.pk]
            with transaction.atomic():
                services.review_save(
                    assignment_id=assignment_id,
                    actor=user,
                    scores=scores,
                    recommendation="godkend",
                    comment="Fin.",
                    submit=True,
                )
                if hold:  # keep the lock until the other submission is queued behind it
                    first_done.set()
                    assert release.wait(10)
        except BaseException as error:  # noqa: BLE001 — re-raised by the test below
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=submit, args=(reviewer, True))
    second = threading.Thread(target=submit, args=(second_reviewer, False))
    first.start()
    second.start()
    try:
        assert first_done.wait(10)
        while second_reviewer.pk not in pids:
            time.sleep(0.005)
        _blocked_on_lock(pids[second_reviewer.pk])
    finally:
        release.set()
        first.join(15)
        second.join(15)
    assert not errors, errors
    assert Notification.objects.filter(recipient=coordinator, subject__startswith="Alle bedømmelser").count() == 1
