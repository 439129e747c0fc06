"""The whole journey in a real browser: an employee writes and submits a prøvehandling, the
coordinator approves it, the employee starts it — and every page on the way passes axe-core
(WCAG 2.1 A/AA) without a serious or critical violation."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from initiatives.models import Initiative, InitiativeEvent, Status

PASSWORD = "hemmelig-kode-123"  # tests/factories.py UserFactory


def menu(page, item: str):
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=item).click()
    expect(page.get_by_role("heading", level=1, name=item)).to_be_visible()


def log_in(page, user, axe):
    """Through the header's login link, which brings the user back to the page they came from."""
    page.get_by_role("banner").get_by_role("link", name="Log ind").click()
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()
    axe.check(page, "login")
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("banner")).to_contain_text(user.get_full_name())


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log af").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log ind")).to_be_visible()


def open_from_list(page, title: str, menu_item: str, axe):
    menu(page, menu_item)
    axe.check(page, menu_item)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def field(scope, label: str):
    """The form control with exactly this label (required fields add "(skal udfyldes)")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \(skal udfyldes\))?$"))


def status_tag(page):
    return page.get_by_role("main").locator(".status-tag").first


def test_an_employee_proposes_a_trial_the_coordinator_approves_it_and_the_employee_starts_it_on_accessible_pages(
    page, axe, screenshot, taxonomy, initiator, team_member, coordinator
):
    title = "Fælles morgenmøde for hjemmepleje og sygepleje"

    # Anonymous visitors see the front page and the (still empty) public list.
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Prøvehandlingsportalen")).to_be_visible()
    expect(page.locator("body")).to_have_css("font-family", re.compile("IBM Plex Sans"))  # dkfds.css loaded
    expect(page.locator(".portal-brand")).to_have_css("font-weight", "600")  # portal.css loaded
    axe.check(page, "forside (anonym)")
    menu(page, "Offentlige prøvehandlinger")
    expect(page.get_by_text("Ingen prøvehandlinger matcher filtrene.")).to_be_visible()
    axe.check(page, "offentlig liste (tom)")

    # The employee logs in and saves a draft with only a title.
    log_in(page, initiator, axe)
    axe.check(page, "forside (medarbejder)")
    menu(page, "Mine prøvehandlinger")
    expect(page.get_by_text("Du har endnu ingen prøvehandlinger.")).to_be_visible()
    axe.check(page, "mine prøvehandlinger (tom)")
    menu(page, "Ny prøvehandling")
    axe.check(page, "ny prøvehandling")
    screenshot(page, "formular-ny")
    field(page, "Titel").fill(title)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page).to_have_url(re.compile(r"/proevehandlinger/\d+/rediger/$"))
    expect(page.get_by_role("status")).to_contain_text("Kladden er gemt.")
    axe.check(page, "rediger kladde")
    initiative = Initiative.objects.get(title=title)
    assert initiative.status == Status.DRAFT and initiative.owner == initiator

    # … then completes the sectioned form: texts, one indicator, a pejlemærke and the dates.
    field(page, "Resumé").fill("Hjemmeplejen og sygeplejen holder ét fælles morgenmøde.")
    field(page, "Borgerens problem").fill("Borgerne fortæller det samme til to fagfolk.")
    field(page, "Idé").fill("Vi mødes hver morgen og fordeler besøgene sammen.")
    field(page, "Hypotese").fill("Hvis vi planlægger sammen, falder antallet af dobbeltbesøg.")
    field(page, "Forventet effekt for borgerne").fill("Færre dobbeltbesøg og én fortælling.")
    indicators = page.locator("#formset-indicators")
    field(indicators, "Indikator").fill("Dobbeltbesøg pr. uge")
    field(indicators, "Måleenhed").fill("antal")
    field(indicators, "Udgangspunkt").fill("40")
    field(indicators, "Mål").fill("10,5")
    page.get_by_label("Vi skaber bedre velfærd for borgeren").check()
    field(page, "Startdato").fill("2026-09-01")
    field(page, "Slutdato").fill("2027-02-28")
    field(page, "Evalueringsdato").fill("2027-03-31")
    screenshot(page, "formular-udfyldt")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_role("status")).to_contain_text("Kladden er gemt.")
    expect(field(page, "Mål").first).to_have_value("10,50")  # kept, in Danish notation
    initiative.refresh_from_db()
    assert initiative.indicators.get().name == "Dobbeltbesøg pr. uge"
    assert list(initiative.pejlemaerker.values_list("number", flat=True)) == [1]

    # On the detail page the employee adds a colleague from another unit (htmx, no reload).
    page.get_by_role("link", name="Til prøvehandlingen").click()
    expect(page).to_have_url(re.compile(rf"/proevehandlinger/{initiative.pk}/$"))
    expect(status_tag(page)).to_have_text("Kladde")
    axe.check(page, "detalje (kladde)")
    team = page.locator("#team")
    # The colleague is found by typing: the matches appear while typing (htmx), one is chosen.
    field(team, "Kollega").press_sequentially(team_member.last_name[:4], delay=50)
    match = team.get_by_role("radio", name=re.compile(re.escape(team_member.get_full_name())))
    expect(match).to_be_visible()
    match.check()
    axe.check(page, "detalje (kollega søgt)")
    team.get_by_role("button", name="Tilføj teammedlem").click()
    expect(team.get_by_role("listitem").filter(has_text=team_member.get_full_name())).to_have_count(1)
    expect(page.get_by_role("status")).to_have_count(0)  # swapped in place: no reload, no flash message
    axe.check(page, "detalje (teammedlem tilføjet)")
    assert initiative.team.filter(user=team_member).exists()

    # … and submits.
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_role("status")).to_contain_text("Status er ændret.")
    expect(status_tag(page)).to_have_text("Indsendt")
    axe.check(page, "detalje (indsendt)")
    log_out(page)

    # The coordinator finds it in the staff list and approves it with a reason.
    log_in(page, coordinator, axe)
    open_from_list(page, title, "Alle prøvehandlinger", axe)
    approve = page.locator("details", has=page.locator("summary", has_text=re.compile(r"^\s*Godkend\s*$")))
    approve.locator("summary").click()  # a <details> disclosure holds the reason form
    reason = "Godkendt i sekretariatet: klar hypotese og målbare indikatorer."
    field(approve, "Begrundelse").fill(reason)
    axe.check(page, "detalje (godkend åben)")
    screenshot(page, "detalje-sekretariat")
    approve.get_by_role("button", name="Godkend").click()
    expect(status_tag(page)).to_have_text("Godkendt")
    expect(page.get_by_role("region", name="Afgørelse")).to_contain_text(reason)
    axe.check(page, "detalje (godkendt)")
    log_out(page)

    # The employee starts the trial; the page shows "I gang" and the whole timeline.
    log_in(page, initiator, axe)
    open_from_list(page, title, "Mine prøvehandlinger", axe)
    expect(status_tag(page)).to_have_text("Godkendt")
    page.get_by_role("button", name="Start prøvehandlingen").click()
    expect(status_tag(page)).to_have_text("I gang")
    timeline = page.get_by_role("region", name="Historik").get_by_role("listitem")
    expect(timeline.filter(has_text="Kladde → Indsendt")).to_have_count(1)
    expect(timeline.filter(has_text="Indsendt → Godkendt")).to_contain_text(reason)
    expect(timeline.last).to_contain_text("Godkendt → I gang")
    axe.check(page, "detalje (i gang)")
    screenshot(page, "detalje-i-gang")
    initiative.refresh_from_db()
    assert initiative.status == Status.RUNNING
    actions = list(InitiativeEvent.objects.filter(initiative=initiative).values_list("action", flat=True))
    assert actions == ["create", "update", "team_add", "submit", "approve", "start"]
    log_out(page)

    # Anonymous: the front page and the public list now show it; its public page has no private parts.
    expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
    axe.check(page, "forside (anonym, med prøvehandling)")
    screenshot(page, "forside")
    open_from_list(page, title, "Offentlige prøvehandlinger", axe)
    expect(status_tag(page)).to_have_text("I gang")
    expect(page.get_by_role("region", name="Historik")).to_have_count(0)
    axe.check(page, "offentlig detalje")

    # On a phone the menu stays reachable without JavaScript (DKFDS would hide it in a JS drawer).
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Forside")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Log ind")).to_be_visible()
    axe.check(page, "offentlig detalje (mobil)")
    screenshot(page, "detalje-mobil")

    assert not axe.blocking, "axe fandt alvorlige WCAG-fejl:\n" + axe.report()


def test_the_accessibility_check_reports_serious_violations_readably(browser, axe):
    """Proves the checker above can fail: a page with a missing alt text, an unlabelled field,
    pale text and a too-wide block must come back with blocking violations."""
    page = browser.new_page()
    page.set_content(
        '<html lang="da"><head><title>Dårlig side</title></head><body><main><h1>Dårlig side</h1>'
        '<img src="data:,"><input type="text" name="navn">'
        '<p style="color:#bbbbbb;background:#ffffff">Lys tekst</p><div style="width:3000px">Bred</div>'
        "</main></body></html>"
    )
    axe.check(page, "dårlig side")
    page.close()

    assert {"image-alt", "label", "color-contrast", "reflow"} <= {violation["id"] for _, violation in axe.blocking}
    assert "[critical] image-alt på dårlig side" in axe.report()
