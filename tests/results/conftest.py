"""Fixtures for the results tests, on top of the personas in tests/conftest.py.

Everything is built through the services (submit, manager's endorsement, reviews, decision,
start, status reports, evaluation, conclusion), so the rows a report reads are the rows
the portal writes.

reviewer           Jobcenter, kriteriebedømmer
second_reviewer    Velfærd, kriteriebedømmer
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from criteria import services as criteria_services
from criteria.models import ManagerEndorsement
from initiatives import services as lifecycle
from initiatives.models import Initiative
from results import services
from rounds import services as rounds
from slagelse_ou import roles
from tests.criteria.helpers import due, reasons_for_all, submit_review
from tests.factories import UserFactory, make_initiative

REVIEW_CANARY = "KANARIE-BEDØMMERS-BEGRUNDELSE"
COMMENT_CANARY = "KANARIE-BEDØMMERS-KOMMENTAR"
RISK_CANARY = "KANARIE-INTERN-RISIKO"
NARRATIVE_CANARY = "KANARIE-STATUSRAPPORT"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Generated reports are written to a temporary private storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def second_reviewer(units):
    return UserFactory(
        username="bedoemmer2",
        first_name="Sofie",
        last_name="Berg",
        unit=units["omraade"],
        roles=[roles.KRITERIEBEDOMMER, roles.MEDARBEJDER],
    )


@pytest.fixture
def round_(coordinator):
    today = timezone.localdate()
    return rounds.round_create(
        actor=coordinator,
        data={
            "title": "Forårsrunden",
            "opens_on": today - dt.timedelta(days=30),
            "application_deadline": today + dt.timedelta(days=5),
            "review_deadline": today + dt.timedelta(days=10),
            "committee_meeting_on": today + dt.timedelta(days=20),
        },
    )


class Builder:
    """Drives trials through the lifecycle with the right person for each step."""

    def __init__(self, *, coordinator, manager, reviewers, team_member):
        self.coordinator, self.manager, self.reviewers, self.team_member = coordinator, manager, reviewers, team_member

    def submitted(self, *, owner, title: str, round_=None, risks: str = "", rules=None, **extra) -> Initiative:
        initiative = make_initiative(owner=owner, title=title, round=round_, risks=risks, **extra)
        if rules:
            lifecycle.initiative_update(initiative_id=initiative.pk, actor=owner, data={}, rule_challenges=rules)
        lifecycle.initiative_submit(initiative_id=initiative.pk, actor=owner)
        return initiative

    def reviewed(self, initiative: Initiative, *, verdicts=("opfyldt", "delvist_opfyldt")) -> Initiative:
        criteria_services.endorsement_record(
            initiative_id=initiative.pk, actor=self.manager, verdict=ManagerEndorsement.Verdict.ENDORSED
        )
        criteria_services.reviewers_assign(
            initiative_id=initiative.pk, actor=self.coordinator, reviewers=self.reviewers, due_date=due()
        )
        for reviewer, verdict in zip(self.reviewers, verdicts, strict=True):
            submit_review(initiative, reviewer, verdict=verdict, justification=REVIEW_CANARY, comment=COMMENT_CANARY)
        return initiative

    def decided(self, initiative: Initiative, *, outcome: str = "godkend") -> Initiative:
        criteria_services.decision_record(
            initiative_id=initiative.pk,
            actor=self.coordinator,
            outcome=outcome,
            summary="Samlet offentlig begrundelse.",
            reasons=reasons_for_all(),
        )
        initiative.refresh_from_db()
        return initiative

    def running(self, *, owner, title: str, round_=None, risks: str = "", rules=None, **extra) -> Initiative:
        initiative = self.decided(
            self.reviewed(self.submitted(owner=owner, title=title, round_=round_, risks=risks, rules=rules, **extra))
        )
        lifecycle.initiative_start(initiative_id=initiative.pk, actor=owner)
        initiative.refresh_from_db()
        return initiative

    def report(self, initiative: Initiative, *, value, day: dt.date | None = None, narrative: str = "Det går godt."):
        indicator = initiative.indicators.get()
        return services.status_report_create(
            initiative_id=initiative.pk,
            actor=initiative.owner,
            reported_on=day or timezone.localdate(),
            narrative=narrative,
            measurements={indicator.pk: Decimal(str(value))},
        )

    def evaluated(
        self,
        initiative: Initiative,
        *,
        recommended: str = "skaleret",
        achieved="12.5",
        what_worked: str = "Fælles morgenmøder virkede.",
        exemptions=None,
    ) -> Initiative:
        services.evaluation_save(
            initiative_id=initiative.pk,
            actor=initiative.owner,
            submit=True,
            data={
                "effect_summary": "Færre dobbeltbesøg.",
                "what_worked": what_worked,
                "what_did_not": "Vagtplanen drillede.",
                "advice": "Start i det små.",
                "recommended_outcome": recommended,
                "reason": "Effekten er tydelig.",
                "follow_up": "Udbredes til alle distrikter.",
            },
            indicator_results={0: (Decimal(achieved), "")},
            exemption_answers=exemptions
            if exemptions is not None
            else {rule.pk: {"answer": "permanent"} for rule in initiative.rule_challenges.all()},
        )
        initiative.refresh_from_db()
        return initiative

    def concluded(
        self,
        *,
        owner,
        title: str,
        outcome: str = "skaleret",
        round_=None,
        what_worked: str = "Fælles morgenmøder virkede.",
        **extra,
    ) -> Initiative:
        initiative = self.running(owner=owner, title=title, round_=round_, **extra)
        self.evaluated(initiative, recommended=outcome, what_worked=what_worked)
        services.evaluation_conclude(
            initiative_id=initiative.pk, actor=self.coordinator, outcome=outcome, note="Afsluttet efter evalueringen."
        )
        initiative.refresh_from_db()
        return initiative


@pytest.fixture
def build(coordinator, manager, reviewer, second_reviewer, team_member):
    return Builder(
        coordinator=coordinator, manager=manager, reviewers=[reviewer, second_reviewer], team_member=team_member
    )


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (line breaks fall where the layout put them)."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))
