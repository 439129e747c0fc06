"""The review: a verdict per principle with a justification (required unless opfyldt), an
overall recommendation with a comment; a draft until submitted; locked once submitted;
nothing typed is lost on a validation error; "Mine bedømmelser" shows what is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria import services
from criteria.exceptions import IncompleteReview, ReviewLocked
from criteria.models import CriteriaEvent, ReviewAssignment, ReviewScore
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, complete_scores, submit_review


@pytest.fixture
def declared(in_review, reviewer):
    assignment = assignment_of(in_review, reviewer)
    services.review_declare(assignment_id=assignment.pk, actor=reviewer)
    assignment.refresh_from_db()
    return assignment


def test_a_draft_can_be_saved_incomplete_and_is_not_submitted(declared, reviewer):
    first = declared.review.criteria_set.criteria.get(order=1)
    review = services.review_save(
        assignment_id=declared.pk, actor=reviewer, scores={first.pk: ("delvist_opfyldt", "Halvvejs")}
    )
    assert review.submitted_at is None
    assert ReviewScore.objects.get(review=review, criterion=first).justification == "Halvvejs"
    declared.refresh_from_db()
    assert declared.state == ReviewAssignment.State.DECLARED


def test_a_review_without_a_verdict_for_every_principle_cannot_be_submitted(declared, reviewer):
    scores = complete_scores(declared)
    scores.pop(next(iter(scores)))
    with pytest.raises(IncompleteReview, match="Vælg en vurdering af princip 1"):
        services.review_save(
            assignment_id=declared.pk,
            actor=reviewer,
            scores=scores,
            recommendation="godkend",
            comment="Fin",
            submit=True,
        )
    declared.review.refresh_from_db()
    assert declared.review.submitted_at is None


@pytest.mark.parametrize("verdict", ["delvist_opfyldt", "ikke_opfyldt", "ikke_relevant"])
def test_a_justification_is_required_unless_the_principle_is_met(declared, reviewer, verdict):
    with pytest.raises(IncompleteReview, match="Begrund vurderingen af princip"):
        services.review_save(
            assignment_id=declared.pk,
            actor=reviewer,
            scores=complete_scores(declared, verdict, ""),
            recommendation="afvis",
            comment="Nej",
            submit=True,
        )


def test_a_met_principle_needs_no_justification(declared, reviewer):
    review = services.review_save(
        assignment_id=declared.pk,
        actor=reviewer,
        scores=complete_scores(declared),
        recommendation="godkend",
        comment="Godt.",
        submit=True,
    )
    assert review.submitted_at is not None


@pytest.mark.parametrize(
    ("recommendation", "comment", "message"),
    [
        ("", "Kommentar", "Vælg en samlet anbefaling"),
        ("godkend", " ", "Skriv en kommentar"),
    ],
)
def test_a_recommendation_with_a_comment_is_required(declared, reviewer, recommendation, comment, message):
    with pytest.raises(IncompleteReview, match=message):
        services.review_save(
            assignment_id=declared.pk,
            actor=reviewer,
            scores=complete_scores(declared),
            recommendation=recommendation,
            comment=comment,
            submit=True,
        )


def test_a_submitted_review_is_locked_against_every_change(in_review, reviewer):
    assignment = submit_review(in_review, reviewer, justification="Oprindelig")
    with pytest.raises(ReviewLocked):
        services.review_save(
            assignment_id=assignment.pk,
            actor=reviewer,
            scores=complete_scores(assignment, "ikke_opfyldt", "Ændret"),
            recommendation="afvis",
            comment="Ændret",
        )
    with pytest.raises(ReviewLocked):
        services.review_decline(assignment_id=assignment.pk, actor=reviewer, reason="For sent")
    assert set(assignment.review.scores.values_list("justification", flat=True)) == {"Oprindelig"}
    assert CriteriaEvent.objects.filter(action="review_submit", actor=reviewer).count() == 1


def test_posting_to_a_locked_review_through_the_page_changes_nothing(in_review, reviewer, client):
    assignment = submit_review(in_review, reviewer, justification="Oprindelig")
    client.force_login(reviewer)
    data = {f"c{pk}-verdict": "ikke_opfyldt" for pk in complete_scores(assignment)}
    data |= {f"c{pk}-justification": "Ændret" for pk in complete_scores(assignment)}
    response = client.post(
        reverse("criteria:review", args=[assignment.pk]),
        {**data, "recommendation": "afvis", "comment": "Ændret", "submit": "1"},
    )
    assert response.status_code == 200
    assert "kan ikke længere ændres" in response.content.decode()
    assert set(assignment.review.scores.values_list("verdict", flat=True)) == {"opfyldt"}


def test_the_review_page_keeps_everything_typed_and_explains_each_error_in_danish(declared, reviewer, client):
    criteria = list(declared.review.criteria_set.criteria.all())
    data = {f"c{c.pk}-verdict": "opfyldt" for c in criteria}
    data[f"c{criteria[2].pk}-verdict"] = "ikke_opfyldt"  # no justification given for principle 3
    data[f"c{criteria[0].pk}-justification"] = "Min grundige tekst om faglighed"
    data.pop(f"c{criteria[4].pk}-verdict")  # principle 5 left out
    client.force_login(reviewer)
    response = client.post(
        reverse("criteria:review", args=[declared.pk]),
        {**data, "recommendation": "godkend", "comment": "Min kommentar", "submit": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Begrund vurderingen af princip 3" in page
    assert "Vælg en vurdering af princip 5" in page
    assert "Min grundige tekst om faglighed" in page and "Min kommentar" in page
    assert f'value="ikke_opfyldt" class="form-radio" id="id_c{criteria[2].pk}-verdict_2" checked' in page
    declared.review.refresh_from_db()
    assert declared.review.submitted_at is None


def test_saving_a_draft_through_the_page_keeps_it_for_later(declared, reviewer, client):
    first = declared.review.criteria_set.criteria.get(order=1)
    client.force_login(reviewer)
    response = client.post(
        reverse("criteria:review", args=[declared.pk]),
        {f"c{first.pk}-verdict": "opfyldt", f"c{first.pk}-justification": "Kladdetekst", "save": "1"},
    )
    assert response.status_code == 302
    page = client.get(reverse("criteria:review", args=[declared.pk])).content.decode()
    assert "Kladdetekst" in page


def test_the_coordinators_are_told_once_when_all_reviews_are_in(in_review, reviewer, second_reviewer, coordinator):
    submit_review(in_review, reviewer)
    assert not Notification.objects.filter(recipient=coordinator, subject__startswith="Alle bedømmelser").exists()
    submit_review(in_review, second_reviewer)
    assert Notification.objects.filter(recipient=coordinator, subject__startswith="Alle bedømmelser").count() == 1


def test_a_declined_assignment_does_not_hold_up_the_all_reviews_in_message(
    in_review, reviewer, second_reviewer, coordinator
):
    submit_review(in_review, reviewer)
    services.review_decline(
        assignment_id=assignment_of(in_review, second_reviewer).pk, actor=second_reviewer, reason="Inhabil"
    )
    assert Notification.objects.filter(recipient=coordinator, subject__startswith="Alle bedømmelser").count() == 1


def test_my_reviews_show_progress_per_application_and_what_is_overdue(in_review, reviewer, second_reviewer, client):
    submit_review(in_review, second_reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("criteria:my_reviews")).content.decode()
    assert in_review.title in page and "1/2 færdige" in page
    assert "Forfalden" not in page and "Forfaldne (0)" in page
    # The deadline passes (moved rather than travelling: the session would expire too).
    ReviewAssignment.objects.filter(reviewer=reviewer).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    page = client.get(reverse("criteria:my_reviews")).content.decode()
    assert "Forfalden" in page and "Forfaldne (1)" in page
    done = client.get(reverse("criteria:my_reviews"), {"vis": "faerdige"}).content.decode()
    assert in_review.title not in done


def test_my_reviews_list_only_my_own_assignments(in_review, other_reviewer, client):
    client.force_login(other_reviewer)
    page = client.get(reverse("criteria:my_reviews"), {"vis": "alle"}).content.decode()
    assert in_review.title not in page
