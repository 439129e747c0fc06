"""The round report for Økonomiudvalget, read back from the PDF with pypdf: a table of
contents whose page numbers are right, running header and "Side x af y", the principles'
names, figures computed from the database, Danish dates and numbers, running trials
against their targets, concluded trials with outcome and learnings, the exemption
register — and a tagged PDF with title and language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation

from criteria.selectors import active_criteria
from initiatives.models import Initiative, RuleChallenge, Status
from results import services
from results.models import GeneratedReport
from results.report_data import exemption_in_force_q
from tests.results.conftest import COMMENT_CANARY, REVIEW_CANARY, pdf_pages, pdf_reader

SECTIONS = [
    "Nøgletal",
    "De bærende principper",
    "Ansøgninger",
    "Igangværende prøvehandlinger",
    "Afsluttede prøvehandlinger",
    "Register over dispensationer (udfordringsret)",
]
RULE = "Visitationsretningslinje for hjemmepleje, afsnit 4"


@pytest.fixture
def round_with_trials(build, initiator, round_):
    """A running trial with two status reports and a rule exemption, a stopped trial with
    its learnings, a rejected application and one still waiting — all in the round."""
    running = build.running(
        owner=initiator,
        title="Fælles morgenmøde i hjemmeplejen",
        round_=round_,
        rules=[
            {"rule": RULE, "kind": "lokal_regel", "exemption_needed": "Fri visitation", "granted_by": "Direktionen"}
        ],
    )
    build.report(running, value="30", day=timezone.localdate() - dt.timedelta(days=14))
    build.report(running, value="22.5")
    build.concluded(owner=initiator, title="Ældre hjælper ældre", outcome="stoppet", round_=round_)
    build.decided(
        build.reviewed(build.submitted(owner=initiator, title="Robotstøvsugere", round_=round_)), outcome="afvis"
    )
    build.submitted(owner=initiator, title="Nattevagt på tværs", round_=round_)
    return round_


def generate(round_, coordinator) -> tuple[GeneratedReport, list[str], bytes]:
    report = services.report_request(actor=coordinator, kind=GeneratedReport.Kind.ROUND, round_id=round_.pk)
    assert services.report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    content = report.file.read()
    return report, pdf_pages(content), content


def toc_entries(toc_text: str, titles: list[str]) -> dict[str, int]:
    entries = {}
    for title in titles:
        match = re.search(re.escape(title) + r" ?\.{3,} ?(\d+)", toc_text)
        assert match, f"{title!r} is not in the table of contents: {toc_text[:500]}"
        entries[title] = int(match[1])
    return entries


def test_the_table_of_contents_gives_the_page_each_section_and_application_starts_on(round_with_trials, coordinator):
    report, pages, _content = generate(round_with_trials, coordinator)

    assert pages[1].startswith("Indhold")
    for title, number in toc_entries(pages[1], SECTIONS).items():
        assert pages[number - 1].startswith(title), f"{title} is not at the top of page {number}"
    titles = ["Fælles morgenmøde i hjemmeplejen", "Ældre hjælper ældre", "Robotstøvsugere", "Nattevagt på tværs"]
    applications = toc_entries(pages[1], titles)
    first, last = toc_entries(pages[1], ["Ansøgninger", "Igangværende prøvehandlinger"]).values()
    for title, number in applications.items():
        assert first <= number < last
        assert title in pages[number - 1]
    assert report.pages == len(pages)


def test_every_page_after_the_cover_has_the_running_header_and_side_x_af_y(round_with_trials, coordinator):
    _report, pages, _content = generate(round_with_trials, coordinator)

    total = len(pages)
    assert total >= 8
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} af {total}" in text
        if number > 1:
            assert "Rundrapport til Økonomiudvalget · Forårsrunden" in text
    assert "Rundrapport til Økonomiudvalget" in pages[0] and "Forårsrunden" in pages[0]


def test_the_figures_are_computed_from_the_database_in_danish(round_with_trials, coordinator):
    _report, pages, _content = generate(round_with_trials, coordinator)
    text = " ".join(pages)
    in_round = Initiative.objects.filter(round=round_with_trials).not_draft()
    today = timezone.localdate()

    figures = pages[2]
    assert f"{in_round.count()} ansøgninger" in figures  # 4
    assert f"{in_round.filter(status__in=[Status.RUNNING, Status.CONCLUDED]).count()} godkendt" in figures
    assert f"{in_round.filter(status=Status.REJECTED).count()} afvist" in figures
    assert f"{in_round.filter(status=Status.SUBMITTED).count()} under behandling" in figures
    running = Initiative.objects.filter(status__in=[Status.RUNNING, Status.EVALUATION]).count()
    assert f"{running} i gang nu" in figures
    in_force = RuleChallenge.objects.filter(exemption_in_force_q(today)).count()
    assert in_force == 1 and f"{in_force} dispensationer i kraft" in figures
    assert "for 3 afgjorte ansøgninger" in figures
    # The charts' numbers as tables: by status, område, pejlemærke and outcome.
    assert "Ansøgninger efter status" in text and "Ansøgninger efter område" in text
    assert "Ansøgninger efter pejlemærke" in text and "Afsluttede prøvehandlinger efter udfald" in text
    assert "Status Antal Indsendt 1 Afvist 1 I gang 1 Afsluttet 1" in text
    assert "Område Antal Velfærd 4" in text
    assert "Udfald Antal Skaleret 0 Videreført med justering 0 Stoppet 1" in text
    # Danish dates and numbers.
    with translation.override("da"):
        assert formats.date_format(today, "j. F Y") in text
        assert formats.date_format(round_with_trials.opens_on, "j. F Y") in pages[0]
    assert "seneste 22,5" in text and "22.5" not in text


def test_each_application_shows_the_reviews_summarised_per_principle_by_name_never_the_reviewers_words(
    round_with_trials, coordinator
):
    _report, pages, _content = generate(round_with_trials, coordinator)
    text = " ".join(pages)

    criteria = active_criteria()
    assert len(criteria) == 9
    for criterion in criteria:
        assert re.sub(r"\s+", " ", criterion.text) in text
    assert "1. Fagligheden skal i højsædet! — Opfyldt 1 · Delvist opfyldt 1 — Afgørelse: Opfyldt" in text
    assert "anbefalinger: Godkend 2" in text
    assert "Ledelsens vurdering: Anbefalet" in text
    assert "Afgørelse: Afvist" in text
    assert REVIEW_CANARY not in text and COMMENT_CANARY not in text


def test_running_and_concluded_trials_and_the_exemption_register_are_reported(round_with_trials, coordinator):
    _report, pages, _content = generate(round_with_trials, coordinator)
    sections = toc_entries(pages[1], SECTIONS)

    running = " ".join(pages[sections["Igangværende prøvehandlinger"] - 1 : sections["Afsluttede prøvehandlinger"] - 1])
    assert "Fælles morgenmøde i hjemmeplejen" in running
    # Baseline 40, latest 22,5, target 10: (22,5 − 40) / (10 − 40) = 58 % of the way.
    assert "udgangspunkt 40 · seneste 22,5" in running and "mål 10 · 58 % af vejen" in running
    concluded = pages[sections["Afsluttede prøvehandlinger"] - 1]
    assert "Ældre hjælper ældre" in concluded and "Stoppet" in concluded
    assert "Hvad virkede: Fælles morgenmøder virkede." in concluded
    assert "Hvad virkede ikke: Vagtplanen drillede." in concluded and "Råd til andre: Start i det små." in concluded
    register = pages[sections["Register over dispensationer (udfordringsret)"] - 1]
    assert RULE in register and "Givet af Direktionen" in register and "I kraft" in register


def test_the_pdf_is_tagged_with_title_language_and_bookmarks(round_with_trials, coordinator):
    _report, _pages, content = generate(round_with_trials, coordinator)
    reader = pdf_reader(content)
    root = reader.trailer["/Root"]

    assert reader.metadata.title == "Rundrapport til Økonomiudvalget: Forårsrunden"
    assert root["/Lang"] == "da"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert [item.title for item in reader.outline if not isinstance(item, list)] == ["Indhold", *SECTIONS]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert any("IBM-Plex-Sans" in name for name in fonts), fonts  # DKFDS's font, read from our static files


def test_a_round_report_without_applications_still_has_every_section(round_, coordinator):
    _report, pages, _content = generate(round_, coordinator)
    text = " ".join(pages)

    for title, number in toc_entries(pages[1], SECTIONS).items():
        assert pages[number - 1].startswith(title)
    assert "0 ansøgninger" in text and "Ingen ansøgninger i perioden." in text
    assert "Ingen prøvehandlinger er i gang." in text and "Ingen dispensationer." in text


def test_achieved_effect_is_held_to_the_trial_agreement_not_to_later_changes(build, initiator, round_):
    """The agreement is a snapshot: even if an indicator row changed after approval, the
    evaluation (and so the report) compares with what was agreed."""
    initiative = build.running(owner=initiator, title="Aftalt mål", round_=round_)
    initiative.indicators.update(target=Decimal("35"))  # not possible through the portal; the snapshot holds
    build.evaluated(initiative, achieved="9")

    result = initiative.evaluation.indicator_results.get()
    assert (result.baseline, result.target, result.achieved) == (Decimal("40"), Decimal("10"), Decimal("9"))
    assert result.target_met is True and result.attainment == Decimal("103")
