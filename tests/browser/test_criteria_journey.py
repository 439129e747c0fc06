"""The criteria journey in a real browser (issue 3 item 10): the unit's manager endorses; the
coordinator assigns two reviewers; both score all 9 principles; the coordinator approves with
a reason per principle; the public page shows those reasons and no review text. Every new
page passes axe-core (WCAG 2.1 A/AA) without a serious or critical violation."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from criteria.models import CriteriaSet, Decision, ReviewAssignment
from initiatives import services as lifecycle
from initiatives.models import Status
from slagelse_ou import roles
from tests.factories import UserFactory, make_initiative

PASSWORD = "hemmelig-kode-123"  # tests/factories.py UserFactory
CANARY = "KANARIE-BEDØMMELSE"


@pytest.fixture
def principles(transactional_db):
    """The seeded criteria set, put back after an earlier transactional test's flush."""
    importlib.import_module("criteria.migrations.0002_de_9_baerende_principper").seed(django_apps, None)
    importlib.import_module("criteria.migrations.0004_publish_seeded_set").publish_active(django_apps, None)
    return list(CriteriaSet.objects.active().get().criteria.all())


def log_in(page, user):
    page.goto("/konto/login/")
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("banner")).to_contain_text(user.get_full_name())


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log af").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log ind")).to_be_visible()


def menu(page, item: str):
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=item).click()
    expect(page.get_by_role("heading", level=1, name=item)).to_be_visible()


def review_all(page, axe, reviewer, title: str, verdict: str, label: str):
    log_in(page, reviewer)
    menu(page, "Mine bedømmelser")
    axe.check(page, f"mine bedømmelser ({label})")
    page.get_by_role("link", name=title).click()
    axe.check(page, f"erklæring ({label})")
    page.get_by_label(re.compile("^Jeg erklærer")).check()
    page.get_by_role("button", name="Erklær og begynd bedømmelsen").click()
    for n in range(1, 10):
        page.get_by_role("group", name=f"Vurdering af princip {n}").get_by_label(verdict, exact=True).check()
        page.get_by_label(f"Begrundelse for princip {n}").fill(f"{CANARY} {label} {n}")
    page.get_by_role("group", name="Samlet anbefaling").get_by_label("Godkend", exact=True).check()
    page.get_by_label("Kommentar til anbefalingen").fill(f"{CANARY} kommentar {label}")
    axe.check(page, f"bedømmelsesformular ({label})")
    page.get_by_role("button", name="Indsend bedømmelse").click()
    expect(page.get_by_role("status")).to_contain_text("Din bedømmelse er indsendt.")
    log_out(page)


def test_manager_endorses_two_reviewers_score_and_the_coordinator_approves_with_public_reasons_on_accessible_pages(
    page, axe, screenshot, taxonomy, principles, initiator, manager, coordinator, units
):
    title = "Fælles morgenmøde for hjemmepleje og sygepleje"
    first = UserFactory(username="bedoemmer-a", unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER])
    second = UserFactory(username="bedoemmer-b", unit=units["omraade"], roles=[roles.KRITERIEBEDOMMER])
    initiative = make_initiative(owner=initiator, title=title)
    lifecycle.initiative_submit(initiative_id=initiative.pk, actor=initiator)

    # The unit's manager finds it waiting first in the queue and endorses it.
    log_in(page, manager)
    menu(page, "Ledelsens kø")
    axe.check(page, "ledelsens kø")
    page.get_by_role("link", name=re.compile(rf"^Vurdér {re.escape(title)}")).click()
    axe.check(page, "ledelsens vurdering")
    page.get_by_label("Anbefalet", exact=True).check()
    page.get_by_role("button", name="Registrér vurdering").click()
    expect(page.get_by_role("status")).to_contain_text("Din vurdering er registreret.")
    log_out(page)

    # The coordinator assigns both reviewers on the review page.
    log_in(page, coordinator)
    page.goto(initiative.get_absolute_url())
    page.get_by_role("link", name="Bedømmelser og afgørelse").click()
    axe.check(page, "bedømmelser (tildeling)")
    page.get_by_label(re.compile(rf"^{re.escape(str(first))} ")).check()
    page.get_by_label(re.compile(rf"^{re.escape(str(second))} ")).check()
    page.get_by_role("button", name="Tildel").click()
    expect(page.get_by_role("status")).to_contain_text("Bedømmerne er tildelt")
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    log_out(page)

    # Both reviewers declare no conflict and score all nine principles.
    review_all(page, axe, first, title, "Opfyldt", "A")
    review_all(page, axe, second, title, "Delvist opfyldt", "B")
    assert ReviewAssignment.objects.filter(state=ReviewAssignment.State.SUBMITTED).count() == 2

    # The coordinator sees the matrix and decides with a public reason per principle.
    log_in(page, coordinator)
    page.goto(initiative.get_absolute_url())
    page.get_by_role("link", name="Bedømmelser og afgørelse").click()
    expect(page.get_by_role("table", name=re.compile("Princip × bedømmer"))).to_contain_text(CANARY)
    axe.check(page, "bedømmelser (matrix og afgørelse)")
    screenshot(page, "bedoemmelser-matrix")
    decision = page.get_by_role("region", name="Afgørelse", exact=True)
    decision.get_by_label("Godkend", exact=True).check()
    decision.get_by_label(re.compile("^Samlet begrundelse")).fill("Styrker det borgernære inden for rammerne.")
    for n in range(1, 10):
        decision.get_by_label(re.compile(rf"^Offentlig begrundelse for princip {n}\b")).fill(f"Offentlig grund {n}")
    decision.get_by_role("button", name="Træf afgørelse").click()
    expect(page.get_by_role("status")).to_contain_text("Afgørelsen er truffet")
    assert Decision.objects.get(initiative=initiative).reasons.count() == 9
    log_out(page)

    # The public page shows the reasons per principle and no review text.
    page.goto(initiative.get_absolute_url())
    region = page.get_by_role("region", name=re.compile("^Afgørelse"))
    expect(region).to_contain_text("Offentlig grund 9")
    expect(region).to_contain_text(principles[0].text)
    assert CANARY not in page.content()
    axe.check(page, "offentlig detalje med afgørelse")
    screenshot(page, "offentlig-afgoerelse")

    assert not axe.blocking, "axe fandt alvorlige WCAG-fejl:\n" + axe.report()
