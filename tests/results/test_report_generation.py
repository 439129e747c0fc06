"""Generating a report: a real Celery worker takes the order and the page shows its progress;
the task is idempotent (a second delivery claims nothing and writes nothing) and reads a
fixed number of queries whatever the number of trials; a failure is recorded, not lost;
regenerating makes a new report and keeps the old one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from results import services
from results.models import GeneratedReport
from results.tasks import report_generate
from tests.celery_worker import running_worker
from tests.results.conftest import pdf_pages


def files_in(storage_dir) -> list:
    return sorted(p for p in storage_dir.rglob("*") if p.is_file())


def order(round_, user) -> GeneratedReport:
    return services.report_request(actor=user, kind=GeneratedReport.Kind.ROUND, round_id=round_.pk)


def test_generating_twice_claims_once_and_stores_one_file(round_, coordinator, private_storage):
    report = order(round_, coordinator)

    assert report_generate(report_id=report.pk) is True
    first = GeneratedReport.objects.get(pk=report.pk)
    stored = files_in(private_storage)
    assert first.state == GeneratedReport.State.DONE and first.progress == 100 and first.pages >= 8
    assert [p.name for p in stored] == [first.file.name.rsplit("/", 1)[-1]]

    # The same task again (a retry, a redelivery after a lost acknowledgement).
    with CaptureQueriesContext(connection) as queries:
        assert report_generate(report_id=report.pk) is False
    assert len(queries) == 1  # the conditional UPDATE, which claims nothing
    again = GeneratedReport.objects.get(pk=report.pk)
    assert (again.file.name, again.finished_at, again.size) == (first.file.name, first.finished_at, first.size)
    assert files_in(private_storage) == stored


def test_a_report_held_by_a_live_worker_is_left_alone_and_taken_over_when_its_lease_ran_out(round_, coordinator):
    report = order(round_, coordinator)
    claimed = timezone.now()
    GeneratedReport.objects.filter(pk=report.pk).update(state=GeneratedReport.State.RUNNING, claimed_at=claimed)

    assert services.report_generate(report_id=report.pk) is False
    assert GeneratedReport.objects.get(pk=report.pk).state == GeneratedReport.State.RUNNING

    stale = claimed - dt.timedelta(seconds=services.REPORT_LEASE_SECONDS + 1)
    GeneratedReport.objects.filter(pk=report.pk).update(claimed_at=stale)
    assert services.report_generate(report_id=report.pk) is True
    assert GeneratedReport.objects.get(pk=report.pk).state == GeneratedReport.State.DONE


def _add_trials(build, owner, round_, numbers) -> None:
    """Per number: a running trial with a status report and an exemption, a concluded one
    and a waiting application — each reviewed, decided and measured through the services."""
    for n in numbers:
        running = build.running(
            owner=owner, title=f"Igangværende {n}", round_=round_, rules=[{"rule": f"Regel {n}", "kind": "procedure"}]
        )
        build.report(running, value=30 - n)
        build.concluded(owner=owner, title=f"Afsluttet {n}", outcome="stoppet" if n % 2 else "skaleret", round_=round_)
        build.submitted(owner=owner, title=f"Ansøgning {n}", round_=round_)


def _generation_queries(round_, coordinator, *, applications: int) -> int:
    report = order(round_, coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert services.report_generate(report_id=report.pk) is True
    figures = pdf_pages(GeneratedReport.objects.get(pk=report.pk).file.read())[2]
    assert f"{applications} ansøgninger" in figures
    return len(queries)


def test_the_query_count_of_generation_does_not_grow_with_the_number_of_trials(build, initiator, round_, coordinator):
    _add_trials(build, initiator, round_, range(1))
    few = _generation_queries(round_, coordinator, applications=3)
    _add_trials(build, initiator, round_, range(1, 4))
    many = _generation_queries(round_, coordinator, applications=12)

    assert many == few
    assert few <= 25


def test_a_failing_report_is_marked_failed_with_the_error_and_can_be_ordered_again(round_, coordinator, client):
    report = order(round_, coordinator)
    GeneratedReport.objects.filter(pk=report.pk).update(params={"round_id": 0})

    assert services.report_generate(report_id=report.pk) is False
    failed = GeneratedReport.objects.get(pk=report.pk)
    assert failed.state == GeneratedReport.State.FAILED and "Round matching query does not exist" in failed.error
    client.force_login(coordinator)
    page = client.get(reverse("results:report_detail", args=[report.pk]))
    assert "Rapporten kunne ikke dannes." in page.content.decode()


def test_regenerating_orders_a_new_report_with_the_same_parameters_and_keeps_the_old(
    round_, coordinator, committee_member, client
):
    old = order(round_, coordinator)
    services.report_generate(report_id=old.pk)
    client.force_login(committee_member)

    response = client.post(reverse("results:report_regenerate", args=[old.pk]))

    new = GeneratedReport.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert (new.kind, new.params, new.title) == (old.kind, old.params, old.title)
    assert new.generated_by == committee_member and new.regenerated_from == old
    assert new.state == GeneratedReport.State.QUEUED
    assert GeneratedReport.objects.get(pk=old.pk).state == GeneratedReport.State.DONE
    # Both are listed, with who ordered them and when; only the finished one can be fetched.
    listing = client.get(reverse("results:report_list")).content.decode()
    assert listing.count(">Rundrapport: Forårsrunden</a>") == 2
    assert str(coordinator) in listing and str(committee_member) in listing
    assert reverse("results:report_download", args=[old.pk]) in listing
    assert reverse("results:report_download", args=[new.pk]) not in listing


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_the_ordered_report_while_the_page_polls_its_progress(
    round_, coordinator, client, private_storage
):
    client.force_login(coordinator)
    with running_worker() as log:
        response = client.post(reverse("results:report_create"), {"kind": "rundrapport", "runde-runde": round_.pk})
        report = GeneratedReport.objects.get()
        assert response.status_code == 302 and response["Location"] == report.get_absolute_url()

        polled = client.get(report.get_absolute_url(), headers={"HX-Request": "true", "HX-Target": "report-progress"})
        assert polled.status_code == 200 and 'id="report-progress"' in polled.content.decode()
        assert "<h1>" not in polled.content.decode()  # only the progress region is swapped

        log.wait_for(lambda log: log.of("results.tasks.report_generate"), timeout=60)

    report.refresh_from_db()
    assert report.state == GeneratedReport.State.DONE and log.of("results.tasks.report_generate")[0].retval is True
    finished = client.get(report.get_absolute_url(), headers={"HX-Request": "true", "HX-Target": "report-progress"})
    assert "hx-trigger" not in finished.content.decode()  # polling stops when done
    assert f"Rapporten er færdig: {report.pages} sider." in finished.content.decode()
    download = client.get(reverse("results:report_download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_report_ordered_while_the_broker_was_down_is_made_by_the_beat_sweep(round_, coordinator, private_storage):
    from results.tasks import reports_sweep
    from tests.celery_worker import broker_at

    with broker_at("redis://127.0.0.1:1/0"):  # nothing listens there: the hand-over fails quietly
        report = order(round_, coordinator)
    assert GeneratedReport.objects.get(pk=report.pk).state == GeneratedReport.State.QUEUED
    assert services.reports_pending_ids() == []  # just ordered: the on-commit hand-over may still come

    GeneratedReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert services.reports_pending_ids() == [report.pk]
    with running_worker() as log:
        reports_sweep.delay()  # what beat runs every two minutes
        log.wait_for(lambda log: log.of("results.tasks.report_generate"), timeout=60)

    assert log.of("results.tasks.reports_sweep")[0].retval == 1
    report.refresh_from_db()
    assert report.state == GeneratedReport.State.DONE and report.pages >= 8
    assert services.reports_pending_ids() == []  # done: the next sweep hands over nothing
