"""slagelse_ou/lib/fold.py: a folded list reads back as exactly what prefetch_related reads,
in the parent's one query (`document` with `row_document`, read back by `from_document`, as the
detail page reads; `document_into` for a row already in hand, as the panels do)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext

from criteria.models import Decision, DecisionReason
from initiatives import services
from initiatives.models import Indicator, Initiative, InitiativeEvent, Pejlemaerke, TeamMember
from results.models import Evaluation, EvaluationIndicator
from slagelse_ou import roles
from slagelse_ou.lib.fold import Fold, document, document_into, from_document, row_document
from tests.conftest import move
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def read(pk: int, *folds: Fold) -> Initiative:
    """The trial with its folded lists, the way the detail page reads it."""

    def build(pk):
        return Initiative.objects.filter(pk=pk).order_by().values(doc=row_document(Initiative, folds=folds))

    return from_document(Initiative, document(("test-fold", folds), build, pk=pk), *folds)


def _rows(objects, *names):
    return [tuple(getattr(o, n) for n in names) for o in objects]


@pytest.fixture
def trial(draft, initiator, units):
    for number in range(3):
        colleague = UserFactory(username=f"kollega{number}", unit=units["jobcenter"], roles=[roles.MEDARBEJDER])
        services.team_member_add(initiative_id=draft.pk, actor=initiator, user=colleague)
    Indicator.objects.create(
        initiative=draft, name="Ventetid", unit="dage", baseline=Decimal("12.35"), target=Decimal("0.10"), order=1
    )
    draft.pejlemaerker.set(Pejlemaerke.objects.all())
    return draft


def test_folded_lists_equal_prefetched_ones_and_read_no_further_query(trial):
    folds = (
        Fold("pejlemaerker"),
        Fold("indicators"),
        Fold("team", related=("user", "user__unit")),
        Fold("events", related=("actor",)),
    )
    with CaptureQueriesContext(connection) as captured:
        one = read(trial.pk, *folds)
        team = [
            (m.pk, m.role, m.added_at, m.user.username, m.user.unit.name, m.initiative.title) for m in one.team.all()
        ]
        indicators = _rows(one.indicators.all(), "pk", "name", "baseline", "target", "order")
        events = [(e.pk, e.action, e.created_at, e.actor.username) for e in one.events.all()]
        pejlemaerker = _rows(one.pejlemaerker.all(), "pk", "number", "text")
    assert len(captured) == 1

    reference = Initiative.objects.prefetch_related(
        "pejlemaerker",
        "indicators",
        Prefetch("team", queryset=TeamMember.objects.select_related("user", "user__unit")),
        Prefetch("events", queryset=InitiativeEvent.objects.select_related("actor")),
    ).get(pk=trial.pk)
    assert team == [
        (m.pk, m.role, m.added_at, m.user.username, m.user.unit.name, m.initiative.title) for m in reference.team.all()
    ]
    assert len(team) == 4
    assert indicators == _rows(reference.indicators.all(), "pk", "name", "baseline", "target", "order")
    assert Decimal("12.35") in [row[2] for row in indicators]  # exact, not a float
    assert events == [(e.pk, e.action, e.created_at, e.actor.username) for e in reference.events.all()]
    assert len(events) >= 4
    assert pejlemaerker == _rows(reference.pejlemaerker.all(), "pk", "number", "text") and len(pejlemaerker) == 3


def test_an_empty_list_and_a_missing_one_to_one_read_as_empty_without_a_query(trial):
    folds = (Fold("partners"), Fold("evaluation"))
    initiative = read(trial.pk, *folds)
    with CaptureQueriesContext(connection) as captured:
        assert list(initiative.partners.all()) == []
        with pytest.raises(Evaluation.DoesNotExist):
            initiative.evaluation  # noqa: B018
    assert len(captured) == 0


def test_document_into_reads_nested_lists_limits_and_lookups_in_one_query(
    trial, initiator, team_member, coordinator, settings
):
    settings.MANAGER_ENDORSEMENT_ENABLED = False
    actors = {"submit": initiator, "approve": coordinator, "start": initiator, "begin_evaluation": initiator}
    move(trial, "submit", "approve", "start", "begin_evaluation", actor_by_action=actors)
    evaluation = Evaluation.objects.create(initiative=trial, effect_summary="Kortere ventetid")
    for order in (2, 1):
        EvaluationIndicator.objects.create(
            evaluation=evaluation,
            order=order,
            name=f"Indikator {order}",
            unit="dage",
            baseline=Decimal(order),
            target=Decimal("0.5"),
        )
    decision = Decision.objects.filter(initiative=trial).get()

    folds = (
        Fold(
            "decisions",
            related=("decided_by",),
            limit=1,
            to_attr="latest",
            folds=(Fold("reasons", DecisionReason.objects.all(), related=("criterion",)),),
        ),
        Fold("evaluation", folds=(Fold("indicator_results"),)),
        Fold("", TeamMember.objects.filter(user=team_member), lookup="initiative", to_attr="mine"),
    )
    fresh = Initiative.objects.get(pk=trial.pk)
    with CaptureQueriesContext(connection) as captured:
        values = document_into(
            fresh, ("test-fold-into", folds), lambda: (folds, {"title_length": Length("title")}), folds
        )
        latest = fresh.latest[0]
        reasons = [(r.criterion.order, r.verdict) for r in latest.reasons.all()]
        names = [i.name for i in fresh.evaluation.indicator_results.all()]
        mine = [m.user_id for m in fresh.mine]
    assert len(captured) == 1
    assert latest.pk == decision.pk and latest.decided_by == coordinator
    assert reasons == [(r.criterion.order, r.verdict) for r in decision.reasons.select_related("criterion")]
    assert names == ["Indikator 1", "Indikator 2"]
    assert mine == [team_member.pk]
    assert values == {"title_length": len(trial.title)}
    assert fresh.evaluation.effect_summary == "Kortere ventetid"
    assert isinstance(fresh.evaluation.created_at, dt.datetime)


def test_a_fold_with_a_lookup_needs_a_queryset_and_to_attr():
    with pytest.raises(ValueError, match="lookup"):
        row_document(Initiative, folds=(Fold("", lookup="initiative"),))


def test_a_document_is_compiled_once_and_reads_each_requests_own_row(trial, initiator, team_member):
    from slagelse_ou.lib import fold as fold_module

    other = services.initiative_create(
        owner=team_member,
        data={"title": "Et andet forsøg", "owning_unit": team_member.unit},
        pejlemaerker=[],
        mantras=[],
    )
    folds = (Fold("team", related=("user",)),)

    def build(pk):
        return Initiative.objects.filter(pk=pk).values(
            doc=fold_module.row_document(Initiative, related=("owner",), folds=folds)
        )

    key = ("test-document", id(build))
    first = fold_module.document(key, build, pk=trial.pk)
    compiled = fold_module._COMPILED[key]
    with CaptureQueriesContext(connection) as captured:
        second = fold_module.document(key, build, pk=other.pk)
    assert fold_module._COMPILED[key] is compiled  # not compiled again
    assert len(captured) == 1
    one = fold_module.from_document(Initiative, first, *folds)
    two = fold_module.from_document(Initiative, second, *folds)
    assert (one.pk, one.title, one.owner.username) == (trial.pk, trial.title, initiator.username)
    assert (two.pk, two.title, two.owner.username) == (other.pk, "Et andet forsøg", team_member.username)
    assert {m.user.username for m in one.team.all()} >= {team_member.username}
    assert [m.user.username for m in two.team.all()] == []
    assert fold_module.document(key, build, pk=-1) is None


def test_a_document_refuses_a_value_the_query_does_not_use(trial):
    from slagelse_ou.lib import fold as fold_module

    with pytest.raises(ValueError, match="every value"):
        fold_module.document(
            ("test-unused",), lambda pk, user_id: Initiative.objects.filter(pk=pk).values("pk"), pk=trial.pk, user_id=1
        )
