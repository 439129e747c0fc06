"""Fixtures for the criteria tests, on top of the personas in tests/conftest.py.

reviewer           Jobcenter, kriteriebedømmer (assigned by `in_review`)
second_reviewer    Velfærd, kriteriebedømmer (assigned by `in_review`)
other_reviewer     Jobcenter, kriteriebedømmer, never assigned
"""

from __future__ import annotations

import pytest

from criteria import services
from criteria.models import ManagerEndorsement
from slagelse_ou import roles
from tests.criteria.helpers import due, submit_review
from tests.factories import UserFactory


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
def other_reviewer(units):
    return UserFactory(username="bedoemmer3", unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER])


@pytest.fixture
def submitted(initiative_in):
    return initiative_in("indsendt")


@pytest.fixture
def endorsed(submitted, manager):
    services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=ManagerEndorsement.Verdict.ENDORSED)
    return submitted


@pytest.fixture
def in_review(endorsed, coordinator, reviewer, second_reviewer):
    """Submitted, endorsed by the manager, assigned to `reviewer` and `second_reviewer`."""
    services.reviewers_assign(
        initiative_id=endorsed.pk, actor=coordinator, reviewers=[reviewer, second_reviewer], due_date=due()
    )
    endorsed.refresh_from_db()
    return endorsed


@pytest.fixture
def reviewed(in_review, reviewer, second_reviewer):
    """Both reviewers have submitted complete reviews."""
    submit_review(in_review, reviewer)
    submit_review(in_review, second_reviewer, verdict="delvist_opfyldt")
    return in_review
