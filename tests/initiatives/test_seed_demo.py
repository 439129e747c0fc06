"""`manage.py seed_demo`: a plausible municipality, and never by accident in production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from criteria.models import ManagerEndorsement, ReviewAssignment
from dialogrum.models import Meeting, Post, Room, Thread, Visibility
from ideas.models import Idea, IdeaStatus
from initiatives.models import Initiative, InitiativeEvent, Round, Status
from results.models import Evaluation, StatusReport
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User


def test_seed_demo_refuses_when_debug_is_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_builds_units_one_user_per_role_and_40_trials_in_every_state(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    kinds = set(OrgUnit.objects.values_list("kind", flat=True))
    assert kinds == {"kommune", "omraade", "center", "enhed"}
    for role in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Initiative.objects.count() >= 40
    assert set(Initiative.objects.values_list("status", flat=True)) == set(Status.values)
    # Teams, indicators and a history of events on every trial (made through the services).
    assert not Initiative.objects.annotate(n=Count("team")).filter(n=0).exists()
    assert not Initiative.objects.annotate(n=Count("indicators")).filter(n=0).exists()
    concluded = Initiative.objects.filter(status=Status.CONCLUDED).first()
    assert (
        list(InitiativeEvent.objects.filter(initiative=concluded, from_status__gt="").values_list("action", flat=True))[
            -1
        ]
        == "conclude"
    )
    printed = capsys.readouterr().out
    assert "Prøv-Slagelse-2026" in printed and "sekretariat" in printed

    before = Initiative.objects.count()
    call_command("seed_demo", "--if-empty")  # a second `make run` changes nothing
    assert Initiative.objects.count() == before
    assert "findes allerede" in capsys.readouterr().out


def test_seed_demo_fills_rounds_reviews_results_ideas_and_dialogue(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    today = timezone.localdate()

    # One open and one closed ansøgningsrunde.
    assert Round.objects.open_on(today).count() == 1
    assert Round.objects.filter(application_deadline__lt=today).count() == 1
    # Endorsed applications, each with both criteria reviewers' reviews submitted on all 9 principles.
    reviewed = Initiative.objects.filter(review_assignments__state=ReviewAssignment.State.SUBMITTED).distinct()
    assert reviewed.count() == 3
    for initiative in reviewed:
        assert initiative.status == Status.IN_REVIEW
        assert initiative.endorsements.filter(verdict=ManagerEndorsement.Verdict.ENDORSED).exists()
        assignments = initiative.review_assignments.select_related("reviewer", "review")
        assert sorted(a.reviewer.username for a in assignments) == ["bedoemmer", "bedoemmer2"]
        for assignment in assignments:
            assert assignment.review.submitted_at is not None
            assert assignment.review.scores.count() == 9
    # A status report on running trials; a submitted evaluation on a trial in evaluation.
    assert StatusReport.objects.filter(initiative__status=Status.RUNNING).count() == 2
    evaluation = Evaluation.objects.get()
    assert evaluation.submitted_at is not None and evaluation.initiative.status == Status.EVALUATION
    # Two confirmed citizen ideas: one published, one waiting for triage.
    assert sorted(Idea.objects.values_list("status", flat=True)) == sorted([IdeaStatus.PUBLISHED, IdeaStatus.RECEIVED])
    assert not Idea.objects.filter(email_confirmed_at__isnull=True).exists()
    # A public thematic room with a thread of three posts and an upcoming meeting.
    room = Room.objects.get(kind=Room.Kind.THEME, visibility=Visibility.PUBLIC)
    thread = Thread.objects.get(room=room)
    assert Post.objects.filter(thread=thread).count() == thread.post_count == 3
    assert Meeting.objects.filter(room=room, starts_at__gt=timezone.now()).exists()
