"""Bench rows of issue 3 (item 11): "Mine bedømmelser" for a reviewer assigned 1,000 of
100,000 prøvehandlinger, and the coordinator's principle × reviewer matrix.

Data, set-based and appended per id range like bench/data.py: every prøvehandling that has
been through review (under bedømmelse or decided, 73 % of them) has a round of three
reviewers, each with a review (as `reviewers_assign` creates it) and, once submitted, a
verdict and justification for each principle of the active criteria set. Decided ones have
the decision with a public reason per principle, and their round points at it. Every 73rd
reviewed prøvehandling — 1 % of all — has the bench reviewer in its round: 1,000
assignments at 100,000. The other reviewers come from a pool of employees with the
kriteriebedømmer role, picked without a conflict of interest (not the owner, not the team,
not from the owning unit). Every reviewer who has not declined holds the view grant the
assignment service gives. Audit rows (CriteriaEvent) are not generated: no measured page
reads them.

Open rounds are deterministic too: a quarter each has 3, 2, 1 or 0 reviews submitted, so
the coordinator's matrix can be measured with 3 reviewers × 9 principles.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from bench import data
from bench.scenarios import Context, Scenario, _query
from criteria.models import (
    CriteriaSet,
    Decision,
    DecisionReason,
    Recommendation,
    Review,
    ReviewAssignment,
    ReviewScore,
    Verdict,
)
from criteria.selectors import reviewer_counts
from initiatives.models import Initiative, InitiativeUserObjectPermission, Status, TeamMember
from initiatives.permissions import can_view
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User

REVIEWER_USERNAME = "bench_bedommer"
POOL_EVERY = 20  # employees 20, 40, …, 2000 are criteria reviewers: a pool of 100
POOL_SIZE = data.EMPLOYEES // POOL_EVERY
APPROVED_LIKE = [Status.APPROVED, Status.RUNNING, Status.EVALUATION, Status.CONCLUDED]
DECIDED = [*APPROVED_LIKE, Status.REJECTED]
REVIEWED = [Status.IN_REVIEW, *DECIDED]
# Every MINE_EVERY-th reviewed prøvehandling is the bench reviewer's: 1 % of all of them.
MINE_EVERY = round(sum(share for status, share in data.STATUS_MIX if status in REVIEWED))
ASSIGNED = ReviewAssignment.State.ASSIGNED.value
DECLARED = ReviewAssignment.State.DECLARED.value
SUBMITTED = ReviewAssignment.State.SUBMITTED.value
DECLINED = ReviewAssignment.State.DECLINED.value


def _hash(expr: str) -> str:
    """0…65535 from another multiplier than bench/data.py uses, so the rounds do not follow
    any property the generator already drew from the id."""
    return f"(mod(({expr})::bigint * 2246822507, 4294967296) / 65536)"


def _values(statuses) -> str:
    return ", ".join(f"'{s.value}'" for s in statuses)


def ensure_people(coordinator: User) -> User:
    """The bench reviewer (in the kommune's central administration, so no conflict with any
    team's application) and the pool's kriteriebedømmer role. Idempotent."""
    kommune = OrgUnit.objects.get(kind=OrgUnit.Kind.KOMMUNE, parent__isnull=True)
    reviewer, _ = User.objects.get_or_create(
        username=REVIEWER_USERNAME,
        defaults={
            "password": "!",
            "unit": kommune,
            "email": f"{REVIEWER_USERNAME}@bench.example.dk",
            "first_name": "Birgitte",
            "last_name": "Bedømmer",
        },
    )
    group = Group.objects.get(name=roles.KRITERIEBEDOMMER)
    through = User.groups.through
    pool = range(POOL_EVERY, data.EMPLOYEES + 1, POOL_EVERY)
    through.objects.bulk_create(
        [through(user_id=pk, group_id=group.pk) for pk in [reviewer.pk, *pool]], ignore_conflicts=True
    )
    return reviewer


def _execute(sql: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def add(lo: int, hi: int, *, personas, log: Callable[[str], None]) -> None:
    """Rounds, reviews, scores, decisions and grants for prøvehandlinger lo…hi. Skips a
    range that already has rounds (a --reuse run on data from an earlier version)."""
    if ReviewAssignment.objects.filter(initiative__pk__range=(lo, hi)).exists():
        return
    criteria_set = CriteriaSet.objects.active().first()
    if criteria_set is None:
        raise SystemExit("bench/reviews.py: no active criteria set (the criteria migrations seed one).")
    criteria = list(criteria_set.criteria.values_list("pk", flat=True))
    reviewer_id = personas.reviewer.pk
    coordinator_id = personas.coordinator.pk
    initiative, user = Initiative._meta.db_table, User._meta.db_table

    def rounds() -> int:
        # One row per reviewed prøvehandling: its round's progress and whether it is the bench
        # reviewer's. `done` = submitted reviews in an open round (3, 2, 1 or 0).
        _execute("DROP TABLE IF EXISTS bench_round, bench_slot")
        rows = _execute(f"""
            CREATE TEMP TABLE bench_round AS
            SELECT r.*, mod(r.n, {MINE_EVERY}) = 0 AS mine, r.status IN ({_values(DECIDED)}) AS decided,
                   CASE WHEN r.status = '{Status.REJECTED.value}' THEN '{Recommendation.REJECT.value}'
                        ELSE '{Recommendation.APPROVE.value}' END AS outcome,
                   3 - mod(r.h, 4) AS done
            FROM (SELECT i.id AS initiative_id, i.status, i.owner_id, i.owning_unit_id, i.submitted_at,
                         i.decided_at, {_hash("i.id")} AS h, row_number() OVER (ORDER BY i.id) AS n
                  FROM {initiative} AS i
                  WHERE i.id BETWEEN {lo} AND {hi} AND i.status IN ({_values(REVIEWED)})) AS r""")
        # Three reviewers per round: the bench reviewer last in its own rounds, the others the
        # first free candidates from the pool (6 distinct candidates: 37 is prime to 100).
        _execute(f"""
            CREATE TEMP TABLE bench_slot AS
            WITH candidate AS (
                SELECT r.initiative_id, r.mine, c, p.id AS user_id
                FROM bench_round AS r
                CROSS JOIN generate_series(1, 6) AS c
                JOIN {user} AS p ON p.id = {POOL_EVERY} * (1 + mod(r.h + c * 37, {POOL_SIZE}))
                WHERE p.id <> r.owner_id AND p.unit_id <> r.owning_unit_id
                  AND NOT EXISTS (SELECT 1 FROM {TeamMember._meta.db_table} AS t
                                  WHERE t.initiative_id = r.initiative_id AND t.user_id = p.id)
            ), ranked AS (
                SELECT candidate.*, row_number() OVER (PARTITION BY initiative_id ORDER BY c) - 1 AS slot
                FROM candidate
            )
            SELECT initiative_id, slot, user_id FROM ranked WHERE slot < CASE WHEN mine THEN 2 ELSE 3 END
            UNION ALL
            SELECT initiative_id, 2, {reviewer_id} FROM bench_round WHERE mine""")
        return rows

    data._step("bedømmelsesrunder", log, rounds)

    def decisions() -> int:
        rows = data._insert_select(
            Decision,
            {
                "initiative_id": "r.initiative_id",
                "criteria_set_id": str(criteria_set.pk),
                "outcome": "r.outcome",
                "summary": "CASE r.outcome WHEN 'afvis' THEN 'Forslaget lever ikke op til flere af principperne.' "
                "ELSE 'Forsøget lever op til de bærende principper og kan gå i gang.' END",
                "override_reason": "''",
                "reviews_submitted": "CASE WHEN r.mine AND mod(r.h, 30) = 0 THEN 2 ELSE 3 END",
                "decided_by_id": str(coordinator_id),
                "decided_at": "COALESCE(r.decided_at, r.submitted_at + interval '25 days')",
            },
            "FROM bench_round AS r WHERE r.decided",
        )
        rows += data._insert_select(
            DecisionReason,
            {
                "decision_id": "d.id",
                "criterion_id": "c.id",
                "verdict": f"CASE WHEN d.outcome = 'afvis' AND mod(c.id + d.id, 3) = 0 THEN '{Verdict.NOT_MET.value}' "
                f"WHEN mod(c.id * 7 + d.id, 5) = 0 THEN '{Verdict.PARTLY.value}' ELSE '{Verdict.MET.value}' END",
                "reason": "'Vurderet ud fra ansøgningen og bedømmernes begrundelser.'",
            },
            f"""FROM {Decision._meta.db_table} AS d
               CROSS JOIN (SELECT unnest(ARRAY{criteria}::bigint[]) AS id) AS c
               WHERE d.initiative_id BETWEEN {lo} AND {hi}""",
        )
        return rows

    data._step("afgørelser med begrundelse pr. princip", log, decisions)

    def assignments() -> int:
        # Closed rounds: all submitted (the bench reviewer declined one in 30); open rounds:
        # the first `done` slots submitted, the rest declared or not yet.
        state = f"""CASE
            WHEN r.decided AND r.mine AND s.slot = 2 AND mod(r.h, 30) = 0 THEN '{DECLINED}'
            WHEN r.decided OR s.slot < r.done THEN '{SUBMITTED}'
            WHEN mod(r.h + s.slot, 2) = 0 THEN '{DECLARED}' ELSE '{ASSIGNED}' END"""
        assigned_at = "r.submitted_at + interval '1 day'"
        return data._insert_select(
            ReviewAssignment,
            {
                "initiative_id": "s.initiative_id",
                "reviewer_id": "s.user_id",
                "assigned_by_id": str(coordinator_id),
                "assigned_at": assigned_at,
                # Open rounds: due from 10 days ago to 19 days ahead, so a third is overdue.
                "due_date": "CASE WHEN r.decided THEN (r.submitted_at + interval '15 days')::date "
                "ELSE current_date + (mod(r.h, 30) - 10)::int END",
                "state": "t.state",
                "declared_at": f"CASE WHEN t.state IN ('{DECLARED}', '{SUBMITTED}') "
                f"THEN {assigned_at} + interval '1 day' END",
                "declined_at": f"CASE WHEN t.state = '{DECLINED}' THEN {assigned_at} + interval '1 day' END",
                "decline_reason": f"CASE WHEN t.state = '{DECLINED}' "
                "THEN 'Jeg har tidligere arbejdet tæt sammen med ansøgeren.' ELSE '' END",
                "decision_id": "d.id",
            },
            f"""FROM bench_slot AS s
               JOIN bench_round AS r ON r.initiative_id = s.initiative_id
               CROSS JOIN LATERAL (SELECT {state} AS state) AS t
               LEFT JOIN {Decision._meta.db_table} AS d ON d.initiative_id = s.initiative_id""",
        )

    data._step("tildelinger til bedømmere", log, assignments)
    assignment = ReviewAssignment._meta.db_table
    in_range = f"FROM {assignment} AS a WHERE a.initiative_id BETWEEN {lo} AND {hi}"

    def reviews() -> int:
        submitted = f"a.state = '{SUBMITTED}'"
        return data._insert_select(
            Review,
            {
                "assignment_id": "a.id",
                "criteria_set_id": str(criteria_set.pk),
                "recommendation": f"""CASE WHEN NOT {submitted} THEN ''
                WHEN mod(a.id, 7) = 0 THEN '{Recommendation.REQUEST_CHANGES.value}'
                WHEN mod(a.id, 5) = 0 THEN '{Recommendation.REJECT.value}'
                ELSE '{Recommendation.APPROVE.value}' END""",
                "comment": f"CASE WHEN {submitted} THEN 'En god idé, der tager udgangspunkt i borgernes behov.' "
                "ELSE '' END",
                "updated_at": "COALESCE(a.declared_at, a.assigned_at) + interval '2 days'",
                "submitted_at": f"CASE WHEN {submitted} THEN a.declared_at + interval '2 days' END",
            },
            in_range,
        )

    data._step("bedømmelser", log, reviews)

    def scores() -> int:
        verdict = f"""CASE mod(r.id * 7 + c.id * 3, 10)
            WHEN 0 THEN '{Verdict.NOT_MET.value}' WHEN 1 THEN '{Verdict.PARTLY.value}'
            WHEN 2 THEN '{Verdict.PARTLY.value}' WHEN 3 THEN '{Verdict.NOT_RELEVANT.value}'
            ELSE '{Verdict.MET.value}' END"""
        return data._insert_select(
            ReviewScore,
            {
                "review_id": "r.id",
                "criterion_id": "c.id",
                "verdict": "v.verdict",
                "justification": f"CASE WHEN v.verdict = '{Verdict.MET.value}' THEN '' "
                "ELSE 'Ansøgningen beskriver ikke, hvordan borgerne inddrages undervejs.' END",
            },
            f"""FROM {Review._meta.db_table} AS r
               JOIN {assignment} AS a ON a.id = r.assignment_id
               CROSS JOIN (SELECT unnest(ARRAY{criteria}::bigint[]) AS id) AS c
               CROSS JOIN LATERAL (SELECT {verdict} AS verdict) AS v
               WHERE a.initiative_id BETWEEN {lo} AND {hi} AND r.submitted_at IS NOT NULL""",
        )

    data._step("vurderinger pr. princip", log, scores)

    def grants() -> int:
        ctype = ContentType.objects.get_for_model(Initiative)
        view = Permission.objects.get(content_type=ctype, codename="view_initiative")
        return data._insert_select(
            InitiativeUserObjectPermission,
            {
                "content_object_id": "a.initiative_id",
                "permission_id": str(view.pk),
                "user_id": "a.reviewer_id",
            },
            f"{in_range} AND a.state <> '{DECLINED}'",
        )

    data._step("bedømmernes objektrettigheder", log, grants)
    _execute("DROP TABLE IF EXISTS bench_round, bench_slot")


# --- What the URL builders draw from -----------------------------------------------------------


@dataclass
class State:
    pages: dict[str, int] = field(default_factory=dict)  # "Mine bedømmelser" tab → pages
    open_full: list[int] = field(default_factory=list)  # under review, 3 reviews submitted
    decided: list[int] = field(default_factory=list)


STATE = State()
TABS = ["aabne", "forfaldne", "faerdige", "afslaaede", "alle"]


def load(ctx: Context, *, rng: random.Random) -> None:
    counts = reviewer_counts(user=ctx.personas.reviewer)
    counts["alle"] = ReviewAssignment.objects.filter(reviewer=ctx.personas.reviewer).count()
    STATE.pages = {tab: max(1, -(-counts[tab] // settings.PAGE_SIZE)) for tab in TABS}
    full = (
        ReviewAssignment.objects.current()
        .filter(initiative__status=Status.IN_REVIEW)
        .values("initiative_id")
        .annotate(submitted=Count("pk", filter=Q(state=SUBMITTED)))
        .filter(submitted=3)
        .order_by("initiative_id")
        .values_list("initiative_id", flat=True)
    )
    full = list(full)
    STATE.open_full = rng.sample(full, min(len(full), 200))
    committee = ctx.personas.committee_member
    decided = Initiative.objects.filter(pk__in=ctx.any_ids, status__in=DECIDED, decisions__isnull=False).distinct()
    STATE.decided = [i.pk for i in decided.order_by("pk") if can_view(committee, i)]
    if not STATE.open_full or not STATE.decided:
        raise SystemExit("bench/reviews.py: no review rounds to measure (too little data?)")


def mine_first(rng: random.Random, ctx: Context) -> str:
    return reverse("criteria:my_reviews")


def mine_pages(rng: random.Random, ctx: Context) -> str:
    tab = rng.choice(TABS)
    return _query(reverse("criteria:my_reviews"), {"vis": tab, "side": rng.randint(1, STATE.pages[tab])})


def matrix_open(rng: random.Random, ctx: Context) -> str:
    return reverse("criteria:overview", args=[rng.choice(STATE.open_full)])


def matrix_decided(rng: random.Random, ctx: Context) -> str:
    return reverse("criteria:overview", args=[rng.choice(STATE.decided)])


SCENARIOS = [
    Scenario(
        "review-mine",
        "Mine bedømmelser (1 % af alle tildelt), første visning",
        "kriteriebedømmer",
        "reviewer",
        mine_first,
    ),
    Scenario("review-mine-n", "Mine bedømmelser, alle faner og sider", "kriteriebedømmer", "reviewer", mine_pages),
    Scenario(
        "review-matrix",
        "Bedømmelsesoversigt, 3 bedømmere × 9 principper, med tildeling og afgørelse",
        "sekretariat",
        "coordinator",
        matrix_open,
        is_list=False,
    ),
    Scenario(
        "review-matrix-d",
        "Bedømmelsesoversigt efter afgørelse",
        "udvalgsmedlem",
        "committee_member",
        matrix_decided,
        is_list=False,
    ),
]
