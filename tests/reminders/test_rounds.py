"""Ansøgningsrunder: open rounds on the front page, applying into a round, and a submission
after the deadline refused with a Danish message and the draft kept."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from initiatives import services
from initiatives.exceptions import SubmissionClosed
from initiatives.models import Initiative, InitiativeEvent, Round, Status
from slagelse_ou.models import Notification
from tests.factories import make_initiative
from tests.reminders.conftest import at

TODAY = dt.date(2027, 3, 15)


def make_round(*, opens: int = -30, deadline: int = 0, title: str = "Forårsrunden 2027") -> Round:
    return Round.objects.create(
        title=title,
        opens_on=TODAY + dt.timedelta(days=opens),
        application_deadline=TODAY + dt.timedelta(days=deadline),
        review_deadline=TODAY + dt.timedelta(days=deadline + 14),
        committee_meeting_on=TODAY + dt.timedelta(days=deadline + 30),
    )


@pytest.fixture
def frozen():
    with time_machine.travel(at(TODAY, hour=12), tick=False):
        yield


def form_data(initiative: Initiative, **overrides) -> dict:
    """The edit form as the browser posts it (one indicator row, empty other formsets)."""
    data = {
        "title": initiative.title,
        "summary": initiative.summary,
        "problem": initiative.problem,
        "idea": initiative.idea,
        "hypothesis": initiative.hypothesis,
        "expected_effect": initiative.expected_effect,
        "pejlemaerker": [p.pk for p in initiative.pejlemaerker.all()],
        "owning_unit": initiative.owning_unit_id,
        "start_date": initiative.start_date.isoformat(),
        "end_date": initiative.end_date.isoformat(),
        "evaluation_date": initiative.evaluation_date.isoformat(),
        "round": initiative.round_id or "",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Dobbeltbesøg",
        "indicators-0-unit": "antal",
        "indicators-0-baseline": "40",
        "indicators-0-target": "10",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "rule_challenges-TOTAL_FORMS": "0",
        "rule_challenges-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_submission_after_the_rounds_deadline_is_refused_in_danish_and_the_draft_is_untouched(frozen, initiator):
    round_ = make_round(deadline=-1)
    draft = make_initiative(owner=initiator, round=round_)
    before = Initiative.objects.values().get(pk=draft.pk)
    with pytest.raises(SubmissionClosed) as refusal:
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert refusal.value.message == (
        "Ansøgningsfristen for “Forårsrunden 2027” var 14. marts 2027, så ansøgningen kan ikke længere "
        "indsendes i den runde. Din kladde er gemt – vælg en anden runde."
    )
    assert Initiative.objects.values().get(pk=draft.pk) == before
    assert not InitiativeEvent.objects.filter(initiative=draft, action="submit").exists()
    assert not Notification.objects.exists()


def test_the_deadline_day_is_open_until_midnight_danish_time(initiator):
    round_ = make_round(deadline=0)
    on_time, late = make_initiative(owner=initiator, round=round_), make_initiative(owner=initiator, round=round_)
    with time_machine.travel(dt.datetime(2027, 3, 15, 23, 59, tzinfo=at(TODAY).tzinfo), tick=False):
        services.initiative_submit(initiative_id=on_time.pk, actor=initiator)
    with (
        time_machine.travel(dt.datetime(2027, 3, 16, 0, 1, tzinfo=at(TODAY).tzinfo), tick=False),
        pytest.raises(SubmissionClosed),
    ):
        services.initiative_submit(initiative_id=late.pk, actor=initiator)
    assert Initiative.objects.get(pk=on_time.pk).status == Status.SUBMITTED
    assert Initiative.objects.get(pk=late.pk).status == Status.DRAFT


def test_a_round_that_has_not_opened_refuses_submissions_until_it_opens(frozen, initiator):
    draft = make_initiative(owner=initiator, round=make_round(opens=3, deadline=20))
    with pytest.raises(SubmissionClosed, match="åbner først 18. marts 2027"):
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)


def test_an_application_can_be_submitted_into_an_open_round(frozen, initiator):
    draft = make_initiative(owner=initiator, round=make_round(deadline=10))
    services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert Initiative.objects.get(pk=draft.pk).status == Status.SUBMITTED


@override_settings(CONTINUOUS_INTAKE=False)
def test_without_continuous_intake_an_application_must_choose_a_round(frozen, initiator):
    draft = make_initiative(owner=initiator)
    with pytest.raises(SubmissionClosed, match="Vælg den ansøgningsrunde"):
        services.initiative_submit(initiative_id=draft.pk, actor=initiator)


def test_continuous_intake_accepts_an_application_without_a_round(frozen, initiator, settings):
    assert settings.CONTINUOUS_INTAKE is True
    draft = make_initiative(owner=initiator)
    services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert Initiative.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_a_resubmission_after_changes_were_requested_is_not_bound_by_the_application_deadline(frozen, initiator):
    draft = make_initiative(owner=initiator, round=make_round(deadline=-10))
    Initiative.objects.filter(pk=draft.pk).update(status=Status.CHANGES_REQUESTED)
    services.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert Initiative.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_submitting_from_the_form_after_the_deadline_keeps_what_was_typed_and_explains_why(frozen, client, initiator):
    draft = make_initiative(owner=initiator, round=make_round(deadline=-1))
    client.force_login(initiator)
    url = reverse("initiatives:edit", args=[draft.pk])
    response = client.post(
        url, form_data(draft, summary="Nyt resumé skrevet lige før fristen", submit="1"), follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.summary == "Nyt resumé skrevet lige før fristen"
    page = response.content.decode()
    assert (
        "Kladden er gemt, men kunne ikke indsendes. Ansøgningsfristen for “Forårsrunden 2027” var 14. marts 2027"
        in page
    )
    assert "Nyt resumé skrevet lige før fristen" in page


def test_the_application_form_offers_the_rounds_still_open_and_preselects_the_one_applied_to(frozen, client, initiator):
    open_round = make_round(deadline=5, title="Åben runde")
    make_round(deadline=-5, title="Lukket runde")
    client.force_login(initiator)
    page = client.get(reverse("initiatives:create") + f"?runde={open_round.pk}").content.decode()
    assert f'<option value="{open_round.pk}" selected>Åben runde (ansøgningsfrist 20. marts 2027)</option>' in page
    assert "Lukket runde" not in page and "Løbende optag (ingen runde)" in page


def test_choosing_a_round_on_the_form_saves_it_on_the_draft(frozen, client, initiator):
    open_round = make_round(deadline=5)
    draft = make_initiative(owner=initiator)
    client.force_login(initiator)
    client.post(reverse("initiatives:edit", args=[draft.pk]), form_data(draft, round=open_round.pk, save="1"))
    assert Initiative.objects.get(pk=draft.pk).round == open_round


def test_the_front_page_lists_open_rounds_with_their_deadline_and_not_closed_or_future_ones(frozen, client, db):
    make_round(deadline=5, title="Åben runde")
    make_round(deadline=-5, title="Lukket runde")
    make_round(opens=10, deadline=40, title="Kommende runde")
    page = client.get(reverse("home")).content.decode()
    assert "Åben runde" in page and "ansøgningsfrist 20. marts 2027" in page
    assert "Lukket runde" not in page and "Kommende runde" not in page


def test_the_round_page_groups_open_upcoming_and_closed_rounds(frozen, client, db):
    make_round(deadline=5, title="Åben runde")
    make_round(deadline=-5, title="Lukket runde")
    make_round(opens=10, deadline=40, title="Kommende runde")
    page = client.get(reverse("rounds:list")).content.decode()
    assert page.index("Åben runde") < page.index("Kommende runde") < page.index("Lukket runde")
