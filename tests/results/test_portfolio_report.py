"""The portfolio report: all trials of a period, not one round — applications submitted in the
period from any round or none, running trials, trials concluded in the period."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import formats, timezone, translation

from initiatives.exceptions import DomainError
from results import services
from results.models import GeneratedReport
from tests.results.conftest import pdf_pages


def toc_titles(toc: str) -> list[str]:
    return re.findall(r"([A-ZÆØÅ][^.]*?) ?\.{3,} ?\d+", toc)


def test_the_portfolio_covers_the_period_across_rounds(build, initiator, round_, coordinator):
    with time_machine.travel(timezone.now() - dt.timedelta(days=60)):
        old = build.submitted(owner=initiator, title="Indsendt for længe siden")
    build.decided(build.reviewed(old))
    build.submitted(owner=initiator, title="Uden runde i perioden")
    build.submitted(owner=initiator, title="I runden i perioden", round_=round_)
    build.concluded(owner=initiator, title="Afsluttet i perioden", outcome="stoppet")
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)

    report = services.report_request(
        actor=coordinator, kind=GeneratedReport.Kind.PORTFOLIO, date_from=start, date_to=today
    )
    assert services.report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    pages = pdf_pages(report.file.read())

    with translation.override("da"):
        span = f"{formats.date_format(start, 'j. F Y')} – {formats.date_format(today, 'j. F Y')}"
    assert report.title == f"Porteføljerapport {span}"
    assert "Porteføljerapport" in pages[0] and span in pages[0]
    applications = toc_titles(pages[1])
    assert {"Uden runde i perioden", "I runden i perioden", "Afsluttet i perioden"} <= set(applications)
    assert "Indsendt for længe siden" not in applications
    assert "3 ansøgninger" in pages[2] and "1 afsluttet i perioden" in pages[2]
    assert "Afsluttet i perioden" in " ".join(pages)


def test_a_period_that_ends_before_it_starts_is_refused_in_danish(coordinator):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="Slutdatoen skal ligge efter startdatoen."):
        services.report_request(
            actor=coordinator,
            kind=GeneratedReport.Kind.PORTFOLIO,
            date_from=today,
            date_to=today - dt.timedelta(days=1),
        )
    assert not GeneratedReport.objects.exists()
