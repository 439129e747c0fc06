"""The evaluation and the conclusion: effect per agreed indicator, learnings, a recommended
outcome with a required reason and follow-up; rule exemptions answered (permanent, extend,
end); the coordinator concludes through the lifecycle service, and only then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import InitiativeEvent, RuleChallenge, Status
from results import services
from results.models import Evaluation, ExemptionAnswer

RULE = "Standard for madudbringning"


@pytest.fixture
def running(build, initiator):
    return build.running(owner=initiator, title="Spisevenner", rules=[{"rule": RULE, "kind": "standard"}])


def form_data(running, **overrides) -> dict:
    rule = running.rule_challenges.get()
    data = {
        "effekt_0": "12,5",
        "effekt_0_kommentar": "Tæt på målet.",
        "effect_summary": "Færre dobbeltbesøg.",
        "what_worked": "Faste makkerpar.",
        "what_did_not": "",
        "advice": "",
        "recommended_outcome": "skaleret",
        "reason": "Effekten er tydelig.",
        "follow_up": "Plan for udbredelse.",
        f"regel_{rule.pk}": "forlaenges",
        f"regel_{rule.pk}_til": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        f"regel_{rule.pk}_note": "Et år mere.",
    }
    data.update(overrides)
    return data


def test_the_team_submits_a_complete_evaluation_and_the_trial_moves_to_evaluering(client, running, initiator):
    client.force_login(initiator)
    page = client.get(reverse("results:evaluation_edit", args=[running.pk])).content.decode()
    assert "Aftalt: udgangspunkt 40, mål 10." in page  # held to the trial agreement
    assert not Evaluation.objects.exists()  # a GET writes nothing

    response = client.post(reverse("results:evaluation_edit", args=[running.pk]), {**form_data(running), "submit": ""})

    assert response.status_code == 302
    running.refresh_from_db()
    evaluation = running.evaluation
    assert running.status == Status.EVALUATION and evaluation.is_submitted
    assert (evaluation.recommended_outcome, evaluation.follow_up) == ("skaleret", "Plan for udbredelse.")
    result = evaluation.indicator_results.get()
    assert (result.name, result.baseline, result.target, result.achieved) == ("Dobbeltbesøg", 40, 10, Decimal("12.5"))
    answer = ExemptionAnswer.objects.get(rule_challenge__initiative=running)
    assert answer.answer == "forlaenges" and answer.extended_until == timezone.localdate() + dt.timedelta(days=365)
    actions = list(InitiativeEvent.objects.filter(initiative=running).values_list("action", flat=True))
    assert {"exemption_answer", "evaluation_submit", "begin_evaluation"} <= set(actions)


def test_an_incomplete_submission_lists_what_is_missing_in_danish_and_keeps_the_draft(client, running, initiator):
    client.force_login(initiator)
    rule = running.rule_challenges.get()
    data = form_data(
        running, reason="", follow_up="", recommended_outcome="", **{f"regel_{rule.pk}": "", f"regel_{rule.pk}_til": ""}
    )
    response = client.post(reverse("results:evaluation_edit", args=[running.pk]), {**data, "submit": ""})
    page = response.content.decode()

    assert response.status_code == 200
    assert "Evalueringen mangler: et anbefalet udfald, en begrundelse for anbefalingen, en opfølgning" in page
    assert f"svar på dispensationen fra: {RULE}" in page
    assert "Faste makkerpar." in page and 'value="12,5"' in page
    evaluation = Evaluation.objects.get(initiative=running)  # the draft is kept
    assert not evaluation.is_submitted and evaluation.what_worked == "Faste makkerpar."
    running.refresh_from_db()
    assert running.status == Status.RUNNING


def test_extending_an_exemption_needs_a_date(client, running, initiator):
    client.force_login(initiator)
    rule = running.rule_challenges.get()
    response = client.post(
        reverse("results:evaluation_edit", args=[running.pk]), form_data(running, **{f"regel_{rule.pk}_til": ""})
    )
    assert "Skriv, hvor længe dispensationen skal forlænges." in response.content.decode()
    assert not ExemptionAnswer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "manager", "committee_member", "coordinator"])
def test_only_the_owner_and_team_write_the_evaluation(client, request, running, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("results:evaluation_edit", args=[running.pk])).status_code == 403
    assert client.post(reverse("results:evaluation_edit", args=[running.pk]), form_data(running)).status_code == 403
    assert not Evaluation.objects.exists()


def test_the_coordinator_concludes_through_the_lifecycle_with_the_chosen_outcome(
    client, build, running, coordinator, initiator, team_member
):
    build.evaluated(
        running, recommended="skaleret", exemptions={running.rule_challenges.get().pk: {"answer": "permanent"}}
    )
    client.force_login(coordinator)
    page = client.get(reverse("results:conclude", args=[running.pk])).content.decode()
    assert 'value="skaleret" id="id_outcome_0" checked' in page  # the team's recommendation preselected

    response = client.post(
        reverse("results:conclude", args=[running.pk]),
        {"outcome": "videreført_med_justering", "note": "Videre med færre distrikter."},
    )

    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == Status.CONCLUDED and running.outcome == "videreført_med_justering"
    event = InitiativeEvent.objects.get(initiative=running, action="conclude")
    assert (event.actor, event.note, event.to_status) == (coordinator, "Videre med færre distrikter.", Status.CONCLUDED)
    assert Evaluation.objects.get(initiative=running).concluded_at is not None
    # A double click concludes nothing twice.
    services.evaluation_conclude(initiative_id=running.pk, actor=coordinator, outcome="stoppet", note="Igen")
    assert InitiativeEvent.objects.filter(initiative=running, action="conclude").count() == 1


def test_concluding_waits_for_the_evaluation_and_for_every_exemption_answer(build, running, coordinator, initiative_in):
    waiting = initiative_in(Status.EVALUATION)  # being evaluated, but the team has not handed in
    with pytest.raises(DomainError, match="Teamet har ikke afleveret evalueringen endnu."):
        services.evaluation_conclude(initiative_id=waiting.pk, actor=coordinator, outcome="skaleret", note="x")
    with pytest.raises(DomainError, match="kan ikke udføres, når prøvehandlingen har status “I gang”"):
        services.evaluation_conclude(initiative_id=running.pk, actor=coordinator, outcome="skaleret", note="x")
    build.evaluated(running, exemptions={running.rule_challenges.get().pk: {"answer": "ophoerer"}})
    RuleChallenge.objects.create(initiative=running, rule="En regel, der kom til senere")  # e.g. added by admin
    with pytest.raises(DomainError, match="En regel, der kom til senere"):
        services.evaluation_conclude(initiative_id=running.pk, actor=coordinator, outcome="skaleret", note="x")
    running.refresh_from_db()
    assert running.status == Status.EVALUATION


def test_a_missing_outcome_or_reason_is_a_danish_form_error_not_a_refusal(client, build, running, coordinator):
    build.evaluated(running, exemptions={running.rule_challenges.get().pk: {"answer": "ophoerer"}})
    client.force_login(coordinator)
    response = client.post(reverse("results:conclude", args=[running.pk]), {"outcome": "", "note": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Vælg et udfald: skaleret, videreført med justering eller stoppet." in page and "Skriv en begrundelse." in page
    )


@pytest.mark.parametrize("persona", ["initiator", "team_member", "committee_member", "outsider"])
def test_only_coordinators_conclude(client, request, build, running, persona):
    build.evaluated(running, exemptions={running.rule_challenges.get().pk: {"answer": "ophoerer"}})
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(reverse("results:conclude", args=[running.pk]), {"outcome": "stoppet", "note": "Stop."})
    assert response.status_code == 403
    with pytest.raises(ActionForbidden):
        services.evaluation_conclude(initiative_id=running.pk, actor=user, outcome="stoppet", note="Stop.")


def test_a_coordinator_answers_an_exemption_from_the_trial_page(client, running, coordinator):
    rule = running.rule_challenges.get()
    client.force_login(coordinator)
    page = client.get(reverse("initiatives:detail", args=[running.pk])).content.decode()
    assert reverse("results:exemption_answer", args=[rule.pk]) in page

    client.post(reverse("results:exemption_answer", args=[rule.pk]), {"answer": "permanent", "note": "Ny standard."})

    answer = ExemptionAnswer.objects.get(rule_challenge=rule)
    assert (answer.answer, answer.note, answer.answered_by) == ("permanent", "Ny standard.", coordinator)


def test_a_stopped_trial_is_a_result_too_and_its_evaluation_is_public_once_concluded(client, build, initiator):
    stopped = build.concluded(owner=initiator, title="Robotbesøg", outcome="stoppet")
    page = client.get(reverse("initiatives:detail", args=[stopped.pk])).content.decode()
    assert "Stoppet" in page and "Faste makkerpar" not in page
    assert "Fælles morgenmøder virkede." in page and "Start i det små." in page
