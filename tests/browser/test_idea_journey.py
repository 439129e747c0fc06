"""A citizen's idea in a real browser (issue 5 item 7): the citizen submits an idea without an
account, confirms the e-mail address from the test mailbox and follows the private status
link; a coordinator turns the idea into a prøvehandling; after approval the public search
finds it as the visitor types. Every public page on the way passes axe-core (WCAG 2.1 A/AA).

The e-mails go the real way: committed outbox row → Redis → a Celery worker thread."""

from __future__ import annotations

import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from playwright.sync_api import expect

from criteria import services as criteria_services
from ideas.models import Idea, IdeaStatus
from initiatives import services
from initiatives.models import Indicator, Pejlemaerke, Status
from slagelse_ou.celery import app
from tests.browser.test_journey import field, log_in, log_out, menu

ADDRESS = "karen.borger@example.dk"
TITLE = "Morgenmad i fællesskab for ensomme ældre"


def wait_for_mail(subject: str, timeout: float = 20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [m for m in mail.outbox if ADDRESS in m.to and m.subject == subject]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"ingen e-mail “{subject}”")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def worker(transactional_db):
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30) as running:
        yield running


def test_a_citizen_idea_becomes_a_trial_that_the_public_search_finds_on_accessible_pages(
    page, axe, screenshot, taxonomy, settings, worker, initiator, coordinator
):
    settings.IDEA_MIN_FILL_SECONDS = 1
    mail.outbox.clear()

    # The citizen writes the idea (no account) and leaves an e-mail address for updates.
    page.goto("/")
    menu(page, "Foreslå en idé")
    axe.check(page, "idéformular")
    field(page, "Idéens titel").fill(TITLE)
    field(page, "Beskriv idéen").fill("Mange ældre borgere spiser morgenmad alene. Lad os spise sammen i dagcentret.")
    field(page, "Område").select_option("aeldre_sundhed")
    page.get_by_label("Borger", exact=True).check()
    field(page, "Din e-mail (frivilligt)").fill(ADDRESS)
    page.get_by_label(re.compile("giver samtykke")).check()
    screenshot(page, "ide-formular")
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Send idéen").click()

    # The receipt gives the private status link and asks for the confirmation.
    expect(page.get_by_role("heading", level=1, name="Tak for din idé")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Bekræft din e-mail")
    axe.check(page, "kvittering")
    status_url = page.locator(".status-link a").get_attribute("href")
    assert "/ideer/status/" in status_url and ADDRESS.split("@")[0] not in status_url

    # The confirmation mail arrives (through the worker); the link shows a button, which confirms.
    request = wait_for_mail("Bekræft din e-mail")
    assert path_of(status_url) in request.body  # (the mail uses SITE_URL as its host)
    confirm_url = re.search(r"https?://\S+/ideer/bekraeft/\S+", request.body).group(0)
    page.goto(path_of(confirm_url))
    axe.check(page, "bekræft e-mail")
    page.get_by_role("button", name="Bekræft min e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tak – din e-mail er bekræftet")
    wait_for_mail("Idéen er modtaget")

    page.goto(path_of(status_url))
    expect(page.get_by_role("main")).to_contain_text("Sekretariatet har modtaget idéen")
    axe.check(page, "statusside (modtaget)")

    # The coordinator turns it into a draft prøvehandling owned by an employee.
    log_in(page, coordinator, axe)
    menu(page, "Idéer til behandling")
    axe.check(page, "idéer til behandling")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(ADDRESS)
    page.locator("summary", has_text="Gør til prøvehandling").click()
    field(page, "Ejer af prøvehandlingen").select_option(str(initiator.pk))
    axe.check(page, "behandling af idé")
    page.get_by_role("button", name="Opret kladde").click()
    expect(page.get_by_role("status")).to_contain_text("Idéen er behandlet: Gør til prøvehandling.")
    log_out(page)
    idea = Idea.objects.select_related("initiative").get()
    assert idea.status == IdeaStatus.CONVERTED and idea.initiative.owner == initiator
    wait_for_mail("Idéen er blevet til en prøvehandling")

    # The owner completes and submits the application; the coordinator approves it.
    initiative = idea.initiative
    services.initiative_update(
        initiative_id=initiative.pk,
        actor=initiator,
        data={
            "summary": "Fælles morgenmad i dagcentret for ensomme ældre.",
            "problem": "Ensomhed.",
            "hypothesis": "Hvis vi spiser sammen, bliver færre ensomme.",
            "expected_effect": "Mindre ensomhed.",
            "start_date": initiative.created_at.date(),
            "end_date": initiative.created_at.date().replace(year=2100),
            "evaluation_date": initiative.created_at.date().replace(year=2101),
        },
        pejlemaerker=Pejlemaerke.objects.filter(number=1),
    )
    Indicator.objects.create(initiative=initiative, name="Ensomme", unit="antal", baseline=40, target=20)
    services.initiative_submit(initiative_id=initiative.pk, actor=initiator)
    criteria_services.initiative_approve(initiative_id=initiative.pk, actor=coordinator, note="Godkendt.")
    initiative.refresh_from_db()
    assert initiative.status == Status.APPROVED

    # A visitor searches as they type; another form of the word finds it ("morgenmaden").
    page.goto("/")
    menu(page, "Offentlige prøvehandlinger")
    page.get_by_role("searchbox", name="Søg").press_sequentially("morgenmaden", delay=30)
    results = page.locator("#results")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=morgenmaden"))
    axe.check(page, "offentlig søgning")
    screenshot(page, "offentlig-soegning")
    results.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()

    # The status link now points to the public trial.
    page.goto(path_of(status_url))
    expect(page.get_by_role("link", name="Følg prøvehandlingen")).to_be_visible()
    axe.check(page, "statusside (blevet til prøvehandling)")

    for name, url in [
        ("idéer", "/ideer/"),
        ("åbne data", "/aabne-data/"),
        ("privatliv", "/privatlivspolitik/"),
        ("tilgængelighed", "/tilgaengelighedserklaering/"),
    ]:
        page.goto(url)
        axe.check(page, name)

    assert not axe.blocking, "axe fandt alvorlige WCAG-fejl:\n" + axe.report()
