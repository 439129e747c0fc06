"""Results in a real browser (issue 6): a running trial gets two status reports and an
evaluation; the coordinator concludes it "skaleret"; the knowledge base finds it; the
coordinator generates the round report (a real Celery worker, the page polling its
progress) and downloads it. Every new page passes axe-core; the report's first pages are
rendered to PNG in test-artifacts/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Status
from results.models import GeneratedReport
from rounds import services as rounds
from slagelse_ou import roles
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journey import field, log_in, log_out, status_tag
from tests.celery_worker import running_worker
from tests.factories import UserFactory
from tests.results.conftest import Builder, pdf_pages

TITLE = "Fælles morgenmøde for hjemmepleje og sygepleje"


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }


@pytest.fixture
def running_trial(taxonomy, initiator, team_member, manager, reviewer, coordinator, units):
    second = UserFactory(username="bedoemmer2", unit=units["omraade"], roles=[roles.KRITERIEBEDOMMER])
    today = timezone.localdate()
    round_ = rounds.round_create(
        actor=coordinator,
        data={
            "title": "Forårsrunden",
            "opens_on": today - dt.timedelta(days=30),
            "application_deadline": today + dt.timedelta(days=5),
            "review_deadline": today + dt.timedelta(days=10),
            "committee_meeting_on": today + dt.timedelta(days=20),
        },
    )
    build = Builder(coordinator=coordinator, manager=manager, reviewers=[reviewer, second], team_member=team_member)
    return build.running(owner=initiator, title=TITLE, round_=round_)


def go(page, item: str, heading: str):
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=item).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def post_status_report(page, *, day: dt.date, narrative: str, value: str):
    page.get_by_role("link", name="Ny statusrapport").click()
    expect(page.get_by_role("heading", level=1, name="Ny statusrapport")).to_be_visible()
    field(page, "Målingerne er opgjort pr.").fill(day.isoformat())
    field(page, "Hvad er der sket siden sidst?").fill(narrative)
    field(page, "Dobbeltbesøg (antal)").fill(value)
    page.get_by_role("button", name="Gem statusrapport").click()
    expect(page.get_by_role("status").first).to_contain_text("Statusrapporten er gemt.")


@pytest.mark.celery
def test_a_trial_is_measured_evaluated_concluded_found_and_reported_on_accessible_pages(
    page, axe, screenshot, storage, running_trial, initiator, coordinator
):
    today = timezone.localdate()

    # The employee posts two status reports; the detail page charts the indicator.
    page.goto("/")
    log_in(page, initiator, axe)
    page.goto(f"/proevehandlinger/{running_trial.pk}/")
    post_status_report(page, day=today - dt.timedelta(days=14), narrative="Vi er startet.", value="31")
    page.get_by_role("link", name="Ny statusrapport").click()
    field(page, "Hvad er der sket siden sidst?").fill("")
    field(page, "Dobbeltbesøg (antal)").fill("tolv")
    page.get_by_role("button", name="Gem statusrapport").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv et tal, fx 12 eller 12,5.")
    axe.check(page, "statusrapport (fejl)")
    page.get_by_role("link", name="Tilbage til prøvehandlingen").click()
    post_status_report(page, day=today, narrative="Færre dobbeltbesøg.", value="22,5")
    chart = page.get_by_role("figure").filter(has_text="Dobbeltbesøg")
    expect(chart.get_by_role("img", name="Dobbeltbesøg")).to_be_visible()
    expect(chart.get_by_role("table")).to_contain_text("22,5")
    axe.check(page, "detalje med statusrapporter og graf")
    screenshot(page, "resultater-detalje-graf")

    # … and the evaluation, which moves the trial to "evaluering".
    page.get_by_role("link", name="Skriv evalueringen").click()
    expect(page.get_by_role("heading", level=1, name="Evaluering")).to_be_visible()
    axe.check(page, "evaluering")
    field(page, "Opnået: Dobbeltbesøg (antal)").fill("12,5")
    field(page, "Hvad virkede?").fill("Morgenmøderne gav en fælles plan for dagen.")
    field(page, "Råd til andre, der vil prøve noget lignende").fill("Start med ét distrikt.")
    page.get_by_role("group", name="Hvad anbefaler I?").get_by_label("Skaleret").check()
    field(page, "Begrundelse for anbefalingen").fill("Dobbeltbesøgene er næsten halveret.")
    field(page, "Opfølgning").fill("Udbredes til alle distrikter i 2027.")
    screenshot(page, "resultater-evaluering")
    page.get_by_role("button", name="Aflever evalueringen").click()
    expect(page.get_by_role("status").first).to_contain_text("Evalueringen er afleveret.")
    expect(status_tag(page)).to_have_text("Evaluering")
    log_out(page)

    # The coordinator concludes it "skaleret" through the lifecycle.
    log_in(page, coordinator, axe)
    page.goto(f"/proevehandlinger/{running_trial.pk}/")
    page.get_by_role("link", name="Afslut på grundlag af evalueringen").click()
    expect(page.get_by_role("heading", level=1, name="Afslut prøvehandlingen")).to_be_visible()
    expect(page.get_by_label("Skaleret")).to_be_checked()  # the team's recommendation
    axe.check(page, "afslut")
    field(page, "Begrundelse").fill("Skaleres efter evalueringen.")
    page.get_by_role("button", name="Afslut prøvehandlingen").click()
    expect(status_tag(page)).to_have_text("Afsluttet")
    running_trial.refresh_from_db()
    assert (running_trial.status, running_trial.outcome) == (Status.CONCLUDED, "skaleret")

    # The knowledge base finds it by what was learned.
    go(page, "Vidensbank", "Vidensbank")
    field(page, "Søg i erfaringerne").fill("morgenmøder")
    field(page, "Søg i erfaringerne").press("Enter")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    axe.check(page, "vidensbank (søgning)")
    screenshot(page, "resultater-vidensbank")

    # The dashboard shows the same figures.
    go(page, "Dashboard", "Dashboard")
    expect(page.get_by_role("figure").filter(has_text="efter udfald").get_by_role("table")).to_contain_text("Skaleret")
    axe.check(page, "dashboard")
    screenshot(page, "resultater-dashboard")

    # The round report: ordered, generated by a real worker while the page polls, downloaded.
    with running_worker() as log:
        go(page, "Rapporter", "Rapporter til Økonomiudvalget")
        axe.check(page, "rapporter")
        field(page, "Ansøgningsrunde").select_option(label="Forårsrunden")
        page.get_by_role("button", name="Dan rundrapport").click()
        expect(page.get_by_role("heading", level=1, name="Rundrapport: Forårsrunden")).to_be_visible()
        axe.check(page, "rapport (dannes)")
        download_link = page.get_by_role("main").get_by_role("link", name="Hent PDF")
        expect(download_link).to_be_visible(timeout=60_000)  # swapped in by htmx polling
        log.wait_for(lambda log: log.of("results.tasks.report_generate"))
    axe.check(page, "rapport (færdig)")
    with page.expect_download() as download_info:
        download_link.click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "rundrapport.pdf"
    download_info.value.save_as(pdf_path)
    pages = pdf_pages(pdf_path.read_bytes())
    report = GeneratedReport.objects.get()
    assert report.state == GeneratedReport.State.DONE and len(pages) == report.pages
    assert any(TITLE in text and "Skaleret" in text for text in pages)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-f", "1", "-l", "4", "-png", str(pdf_path), str(ARTIFACTS / "rundrapport-side")],
            check=True,
        )
        assert len(list(ARTIFACTS.glob("rundrapport-side-*.png"))) == 4

    assert not axe.blocking, "axe fandt alvorlige WCAG-fejl:\n" + axe.report()
    assert re.search(r"Side 1 af \d+", pages[0])
