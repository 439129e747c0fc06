"""Issue 2: the detail page reads at most 12 queries for every reader, whatever the trial
holds — team, history, decision with reasons, endorsement, reviews, trial agreement, dialogue
minutes, status reports, evaluation, exemption answers (`make bench` measures the same at
10,000 and 100,000 rows). The demo data has every one of those on some trial."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Status
from initiatives.permissions import can_view, can_view_private
from slagelse_ou.models import User

LIMIT = 12


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _richest_per_status() -> list[Initiative]:
    """For each status the trial with the most rows around it: the page's worst case."""
    chosen = []
    for status in Status.values:
        trials = sorted(
            Initiative.objects.filter(status=status),
            key=lambda t: (
                t.team.count()
                + t.events.count()
                + t.status_reports.count()
                + t.decisions.count()
                + t.review_assignments.count()
                + t.dialog_minutes.count()
            ),
        )
        chosen += trials[-2:]
    return chosen


def test_the_detail_page_reads_at_most_12_queries_for_every_reader_and_trial(client, demo):
    trials = _richest_per_status()
    readers = [*User.objects.order_by("username"), None]
    counts: dict[tuple[str, str], int] = {}
    private_seen = 0
    for reader in readers:
        client.logout()
        if reader is not None:
            client.force_login(reader)
        for trial in trials:
            if not can_view(reader or AnonymousUser(), trial):
                continue
            url = trial.get_absolute_url()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (reader, trial.status)
            counts[(reader.username if reader else "anonym", trial.status)] = len(captured)
            private_seen += reader is not None and can_view_private(reader, trial)
    assert private_seen > 20  # the private panels were on the page, not just the public part
    over = {key: n for key, n in counts.items() if n > LIMIT}
    assert not over, over
    assert len(counts) > 60

    # The count is fixed: a bare trial reads as many as the richest one.
    client.logout()
    coordinator = User.objects.get(username="sekretariat")
    client.force_login(coordinator)
    running = list(Initiative.objects.filter(status=Status.RUNNING))
    bare = min(running, key=lambda t: t.team.count() + t.events.count() + t.status_reports.count())
    rich = max(running, key=lambda t: t.team.count() + t.events.count() + t.status_reports.count())
    assert rich.status_reports.exists() and rich.pk != bare.pk

    def queries(trial):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(trial.get_absolute_url()).status_code == 200
        return len(captured)

    queries(bare)
    assert queries(bare) == queries(rich)
