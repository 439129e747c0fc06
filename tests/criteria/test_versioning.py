"""Criteria sets are versioned data: administrators publish a new version; a review (and its
round) keeps the version it was made under; a published version never changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import AdminSite
from django.db import IntegrityError, transaction

from criteria import services
from criteria.admin import CriteriaSetAdmin
from criteria.models import CriteriaEvent, CriteriaSet, Criterion, Review
from initiatives.exceptions import DomainError
from tests.criteria.helpers import assignment_of, due, submit_review

NEW_TEXTS = ["Borgeren i centrum.", "Fagligheden skal i højsædet!", "Vi deler det, vi lærer."]


def new_version(**kwargs) -> CriteriaSet:
    return services.criteria_set_create(
        actor=None,
        name="Principper 2027",
        approved_by="Økonomiudvalget",
        approved_on=dt.date(2027, 1, 15),
        texts=kwargs.get("texts", NEW_TEXTS),
    )


def test_a_new_version_gets_the_next_number_and_is_not_active_until_published(db):
    draft = new_version()
    assert draft.version == 2
    assert not draft.active and not draft.is_published
    assert CriteriaSet.objects.active().get().version == 1
    assert list(draft.criteria.values_list("text", flat=True)) == NEW_TEXTS


def test_publishing_makes_the_new_version_the_only_active_one_and_is_audited(db):
    draft = new_version()
    services.criteria_set_publish(actor=None, criteria_set_id=draft.pk)
    assert list(CriteriaSet.objects.active().values_list("version", flat=True)) == [2]
    assert CriteriaSet.objects.get(version=2).is_published
    assert CriteriaEvent.objects.filter(action="criteria_set_publish", data__version=2).exists()


def test_the_database_refuses_two_active_sets(db):
    draft = new_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaSet.objects.filter(pk=draft.pk).update(active=True)


def test_a_published_version_cannot_be_changed(db):
    criterion = Criterion.objects.get(criteria_set__version=1, order=1)
    with pytest.raises(DomainError, match="offentliggjort"):
        services.criterion_update(actor=None, criterion_id=criterion.pk, text="Noget andet")
    criterion.refresh_from_db()
    assert criterion.text == "Fagligheden skal i højsædet!"


def test_an_unpublished_version_can_be_edited_before_publishing(db):
    draft = new_version()
    criterion = draft.criteria.get(order=1)
    services.criterion_update(actor=None, criterion_id=criterion.pk, text="Borgeren først.")
    assert draft.criteria.get(order=1).text == "Borgeren først."


def test_the_admin_offers_no_change_to_a_published_version_but_does_to_a_draft(db, rf):
    model_admin = CriteriaSetAdmin(CriteriaSet, AdminSite())
    request = rf.get("/")
    request.user = type("Admin", (), {"is_active": True, "is_staff": True, "has_perm": lambda *a: True})()
    assert not model_admin.has_change_permission(request, CriteriaSet.objects.get(version=1))
    assert model_admin.has_change_permission(request, new_version())


def test_a_copy_starts_a_new_version_with_the_same_texts(db):
    copy = services.criteria_set_copy(actor=None, criteria_set_id=CriteriaSet.objects.get(version=1).pk)
    assert copy.version == 2
    assert list(copy.criteria.values_list("text", flat=True)) == list(
        CriteriaSet.objects.get(version=1).criteria.values_list("text", flat=True)
    )


def test_a_set_without_criteria_cannot_be_created(db):
    with pytest.raises(DomainError):
        new_version(texts=["  "])


def test_a_review_keeps_the_version_it_was_made_under_after_a_new_version_is_published(
    in_review, reviewer, second_reviewer, coordinator, other_reviewer
):
    v1 = CriteriaSet.objects.get(version=1)
    services.criteria_set_publish(actor=None, criteria_set_id=new_version().pk)

    # The reviews under way keep version 1, and so does a reviewer added to the same round.
    services.reviewers_assign(initiative_id=in_review.pk, actor=coordinator, reviewers=[other_reviewer], due_date=due())
    assert set(Review.objects.filter(assignment__initiative=in_review).values_list("criteria_set", flat=True)) == {
        v1.pk
    }
    # Scores are given against version 1's nine principles and submitted as such.
    submitted = submit_review(in_review, reviewer, verdict="opfyldt")
    assert submitted.review.scores.count() == 9
    assert set(submitted.review.scores.values_list("criterion__criteria_set", flat=True)) == {v1.pk}


def test_a_new_round_after_a_request_for_changes_uses_the_newly_published_version(
    in_review, reviewer, second_reviewer, coordinator, initiator, other_reviewer
):
    services.decision_record(
        initiative_id=in_review.pk,
        actor=coordinator,
        outcome="tilbage",
        summary="Skarpere indikatorer, tak.",
        override_reason="Vi mangler ikke mere.",
    )
    v2 = new_version()
    services.criteria_set_publish(actor=None, criteria_set_id=v2.pk)
    from initiatives import services as lifecycle

    lifecycle.initiative_submit(initiative_id=in_review.pk, actor=initiator)
    services.reviewers_assign(
        initiative_id=in_review.pk,
        actor=coordinator,
        reviewers=[other_reviewer],
        due_date=due(),
        note="Går videre uden ny vurdering.",
    )
    assert assignment_of(in_review, other_reviewer).review.criteria_set == v2
    old = Review.objects.filter(assignment__initiative=in_review, assignment__decision__isnull=False)
    assert set(old.values_list("criteria_set__version", flat=True)) == {1}
