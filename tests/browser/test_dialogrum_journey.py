"""Dialogrum in a real browser (issue 7, item 7): a politician opens a thread in a public
room, an employee and a citizen reply — without a page reload — a post is reported and
hidden, older posts load on demand, and a meeting is held and its minutes are attached to
a trial. Every new page passes axe-core (WCAG 2.1 A/AA) without serious or critical
violations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from dialogrum import services
from dialogrum.models import MinutesLink, Post, Visibility


def _as(browser, live_server, user):
    """A browser context logged in as `user` (session cookie from Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def _mark(page):
    """A flag that only survives if the page is not reloaded."""
    page.evaluate("window.__uden_genindlaesning = true")


def _not_reloaded(page):
    assert page.evaluate("window.__uden_genindlaesning === true"), "siden blev genindlæst"


def test_a_dialogue_from_thread_to_hidden_post_to_minutes_on_a_trial_on_accessible_pages(
    browser, live_server, axe, screenshot, taxonomy, initiative_in, committee_member, initiator, citizen, coordinator
):
    trial = initiative_in("i_gang")
    room = services.room_create(actor=coordinator, title="Fremtidens ældrepleje", visibility=Visibility.PUBLIC)
    pages = []

    # A politician opens a thread without leaving the room page.
    politician = _as(browser, live_server, committee_member)
    pages.append(politician)
    politician.goto("/")
    politician.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Dialogrum").click()
    expect(politician.get_by_role("heading", level=1, name="Dialogrum")).to_be_visible()
    axe.check(politician, "dialogrum-liste")
    politician.get_by_role("link", name="Fremtidens ældrepleje").click()
    axe.check(politician, "dialogrum")
    _mark(politician)
    politician.get_by_label("Overskrift").fill("Hvad skal vi prøve næste år?")
    politician.get_by_label("Indlæg").fill("Jeg vil gerne høre fra **jer**, der arbejder med det.")
    politician.get_by_role("button", name="Opret tråd").click()
    expect(politician.locator("#thread-list").get_by_role("link", name="Hvad skal vi prøve næste år?")).to_be_visible()
    _not_reloaded(politician)
    expect(politician.get_by_label("Overskrift")).to_have_value("")
    politician.locator("#thread-list").get_by_role("link", name="Hvad skal vi prøve næste år?").click()
    expect(politician.get_by_role("heading", level=1, name="Hvad skal vi prøve næste år?")).to_be_visible()
    expect(politician.get_by_text("Politiker").first).to_be_visible()
    axe.check(politician, "tråd")
    thread_url = politician.url

    # An employee and a citizen reply without a reload.
    for user, text in (
        (initiator, "Morgenmøder på tværs virker hos os."),
        (citizen, "Som borger savner jeg én kontakt."),
    ):
        reader = _as(browser, live_server, user)
        pages.append(reader)
        reader.goto(thread_url)
        _mark(reader)
        reader.get_by_label("Dit svar").fill(text)
        reader.get_by_role("button", name="Send svar").click()
        expect(reader.locator("#posts").get_by_text(text)).to_be_visible()
        _not_reloaded(reader)
        expect(reader.get_by_label("Dit svar")).to_have_value("")
    employee = pages[1]

    # The employee reports the citizen's post; the coordinator hides it with a reason.
    employee.reload()
    citizen_post = Post.objects.get(author=citizen)
    employee.locator(f"#post-{citizen_post.pk}").get_by_role("link", name="Anmeld").click()
    expect(employee.get_by_role("heading", level=1, name="Anmeld indlæg")).to_be_visible()
    axe.check(employee, "anmeld")
    employee.get_by_label("Begrundelse").fill("Indeholder personoplysninger")
    employee.get_by_role("button", name="Anmeld").click()
    expect(employee.get_by_text("Tak. Sekretariatet ser på din anmeldelse.")).to_be_visible()

    moderator = _as(browser, live_server, coordinator)
    pages.append(moderator)
    moderator.goto("/dialogrum/moderation/")
    expect(moderator.get_by_text("Begrundelse: Indeholder personoplysninger", exact=True)).to_be_visible()
    axe.check(moderator, "moderation")
    moderator.get_by_role("link", name="Skjul indlægget").click()
    axe.check(moderator, "skjul")
    moderator.get_by_label("Begrundelse").fill("Personoplysninger om en borger")
    moderator.get_by_role("button", name="Skjul indlægget").click()
    expect(moderator.locator(f"#post-{citizen_post.pk}")).to_contain_text("Indlægget er skjult af sekretariatet.")
    employee.goto(thread_url)
    expect(employee.locator(f"#post-{citizen_post.pk}")).to_contain_text("Personoplysninger om en borger")
    expect(employee.locator(f"#post-{citizen_post.pk}")).not_to_contain_text("savner jeg én kontakt")
    screenshot(employee, "dialogrum-traad-med-skjult-indlaeg")

    # Older posts load on demand.
    long_thread = services.thread_create(room_id=room.pk, author=coordinator, title="Lang tråd", body="Start")
    for n in range(1, 46):
        services.post_reply(thread_id=long_thread.pk, author=citizen, body=f"Svar nummer {n}.")
    employee.goto(long_thread.get_absolute_url())
    expect(employee.get_by_text("Svar nummer 45.")).to_be_visible()
    expect(employee.get_by_text("Svar nummer 20.", exact=True)).to_have_count(0)
    _mark(employee)
    employee.get_by_role("link", name="Indlæs ældre indlæg").click()
    expect(employee.get_by_text("Svar nummer 20.", exact=True)).to_be_visible()
    _not_reloaded(employee)

    # A meeting is planned, held, minuted, and its minutes are attached to the trial.
    moderator.goto(room.get_absolute_url())
    moderator.get_by_role("link", name="Planlæg dialogmøde").click()
    axe.check(moderator, "planlæg møde")
    start = timezone.localtime(timezone.now() - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    moderator.get_by_label("Titel").fill("Dialogmøde om morgenmøder")
    moderator.get_by_label("Starter").fill(start.strftime("%Y-%m-%dT%H:%M"))
    moderator.get_by_label("Slutter").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    moderator.get_by_label("Sted").fill("Slagelse Rådhus")
    moderator.get_by_role("button", name="Opret møde").click()
    expect(moderator.get_by_role("heading", level=1, name="Dialogmøde om morgenmøder")).to_be_visible()
    axe.check(moderator, "møde")
    _mark(moderator)
    moderator.get_by_role("button", name="Jeg deltager").click()
    expect(moderator.get_by_role("button", name="Meld afbud")).to_be_visible()
    _not_reloaded(moderator)
    moderator.get_by_role("link", name="Skriv referat").click()
    axe.check(moderator, "referat")
    moderator.get_by_label("Referat").fill("Vi aftalte at **udbrede** morgenmøderne.")
    moderator.get_by_role("button", name="Gem referat").click()
    moderator.get_by_text("Knyt referatet til en prøvehandling").click()
    moderator.get_by_label("Prøvehandling (skal udfyldes)").select_option(label=trial.title)
    moderator.get_by_label("Referatet er").select_option(label="Input til evaluering")
    moderator.get_by_role("button", name="Knyt referatet").click()
    expect(moderator.get_by_text(f"Referatet er knyttet til “{trial.title}”.")).to_be_visible()
    assert MinutesLink.objects.filter(initiative=trial).exists()

    employee.goto(trial.get_absolute_url())
    expect(employee.get_by_role("heading", name="Referater fra dialogmøder")).to_be_visible()
    employee.get_by_text("Læs referatet").click()
    expect(employee.get_by_text("udbrede")).to_be_visible()
    axe.check(employee, "prøvehandling med referat")
    screenshot(employee, "dialogrum-referat-paa-proevehandling")

    for page in pages:
        page.context.close()
    assert not axe.blocking, axe.report()
