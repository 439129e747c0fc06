"""Issue 2: the detail page reads a fixed number of queries for every reader, whatever the
trial holds — team, history, decision with reasons, endorsement, reviews, trial agreement,
dialogue minutes, status reports, evaluation, exemption answers (`make bench` measures the same
at 10,000 and 100,000 rows). The demo data has every one of those on some trial.

Each list is one `prefetch_related` query (issue 12: no home-made query cache), so the page
reads at most 23: 8–10 for an anonymous reader, 10–12 for a signed-in reader of the public
parts, 13–23 for a reader of the private parts (who reads the private lists and panels). What
a reader may not see is not read at all (the last tests)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Status
from initiatives.permissions import can_view, can_view_private
from slagelse_ou.models import User

LIMIT = 23


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


def test_the_detail_page_reads_at_most_23_queries_for_every_reader_and_trial(client, demo):
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


# The tables of what only readers of the private parts see (initiatives.permissions
# `can_view_private`): the page must not read them at all for anyone else, not read and hide.
PRIVATE_TABLES = (
    "initiatives_externalpartner",
    "initiatives_rulechallenge",
    "initiatives_attachment",
    "initiatives_teammember",
    "initiatives_initiativeevent",
    "criteria_managerendorsement",
    "criteria_reviewassignment",
    "criteria_trialagreement",
    "results_statusreport",
    "results_exemptionanswer",
    "results_evaluation",  # a running trial's evaluation is a draft: private until concluded
)


def _tables_read(client, url: str) -> set[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return {table for table in PRIVATE_TABLES if any(f'"{table}"' in query["sql"] for query in captured)}


@pytest.mark.parametrize("persona", ["outsider", "citizen", "anonymous"])
def test_the_detail_page_reads_no_private_table_for_a_reader_without_private_access(
    request, client, initiative_in, persona
):
    trial = initiative_in("i_gang")
    reader = None if persona == "anonymous" else request.getfixturevalue(persona)
    if reader is not None:
        client.force_login(reader)
    assert not can_view_private(reader or AnonymousUser(), trial)

    assert _tables_read(client, trial.get_absolute_url()) == set()


def test_a_reader_of_the_private_parts_has_them_read(client, initiative_in, team_member):
    trial = initiative_in("i_gang")
    client.force_login(team_member)

    assert _tables_read(client, trial.get_absolute_url()) == set(PRIVATE_TABLES)
