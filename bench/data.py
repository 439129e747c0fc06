"""Set-based data for the bench: a unit tree, employees and personas through bulk_create
(small), then prøvehandlinger and everything hanging off them with INSERT … SELECT over
generate_series (large). Ids of generated initiatives are the series numbers, so growing
from 10k to 100k appends ids 10,001…100,000 and child rows can be joined by id range.

Every value is a function of the row number (no random()), so two runs build the same data.
Columns the generator does not name get their model default, so a new field with a default
does not break the bench; a new required field without one stops it with a clear message.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models

from initiatives.models import (
    ExternalPartner,
    Indicator,
    Initiative,
    InitiativeEvent,
    InitiativeUserObjectPermission,
    RuleChallenge,
    Status,
    TeamMember,
)
from initiatives.selectors import initiative_filter_choices_forget
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User

EMPLOYEES = 2000  # ids 1…EMPLOYEES; the "mine" persona is employee 1
MINE_EVERY = 1000  # employee 1 also owns every 1000th initiative, so "Mine" has rows at every size
AREAS = ["Velfærd og Omsorg", "Børn og Unge", "Miljø, Teknik og Erhverv", "Kultur, Fritid og Borgerservice"]
CENTRES_PER_AREA = 4
TEAMS_PER_CENTRE = 6

# Share of initiatives per status, in percent (60 % public). Sums to 100.
STATUS_MIX = [
    (Status.DRAFT, 10),
    (Status.SUBMITTED, 8),
    (Status.IN_REVIEW, 5),
    (Status.CHANGES_REQUESTED, 3),
    (Status.APPROVED, 8),
    (Status.REJECTED, 8),
    (Status.RUNNING, 20),
    (Status.EVALUATION, 8),
    (Status.CONCLUDED, 24),
    (Status.WITHDRAWN, 6),
]

# The event trail that leads to each final status: (action, from, to, by coordinator?).
_SUBMIT = ("submit", Status.DRAFT, Status.SUBMITTED, False)
_REVIEW = ("start_review", Status.SUBMITTED, Status.IN_REVIEW, True)
_APPROVE = ("approve", Status.IN_REVIEW, Status.APPROVED, True)
_START = ("start", Status.APPROVED, Status.RUNNING, False)
_EVALUATE = ("begin_evaluation", Status.RUNNING, Status.EVALUATION, False)
TRAILS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [_SUBMIT],
    Status.IN_REVIEW: [_SUBMIT, _REVIEW],
    Status.CHANGES_REQUESTED: [_SUBMIT, ("request_changes", Status.SUBMITTED, Status.CHANGES_REQUESTED, True)],
    Status.APPROVED: [_SUBMIT, _REVIEW, _APPROVE],
    Status.REJECTED: [_SUBMIT, _REVIEW, ("reject", Status.IN_REVIEW, Status.REJECTED, True)],
    Status.RUNNING: [_SUBMIT, _REVIEW, _APPROVE, _START],
    Status.EVALUATION: [_SUBMIT, _REVIEW, _APPROVE, _START, _EVALUATE],
    Status.CONCLUDED: [
        _SUBMIT,
        _REVIEW,
        _APPROVE,
        _START,
        _EVALUATE,
        ("conclude", Status.EVALUATION, Status.CONCLUDED, True),
    ],
    Status.WITHDRAWN: [_SUBMIT, ("withdraw", Status.SUBMITTED, Status.WITHDRAWN, False)],
}

FIRST_NAMES = ["Mette", "Jonas", "Lise", "Karim", "Sofie", "Anne", "Peter", "Fatima", "Lars", "Ida", "Mads", "Camilla"]
LAST_NAMES = ["Hansen", "Nielsen", "Madsen", "Ahmadi", "Berg", "Kristensen", "Jensen", "Larsen", "Olsen", "Poulsen"]
TITLE_WORDS_1 = ["Digital", "Fælles", "Grøn", "Tryg", "Tidlig", "Mobil", "Åben", "Lokal", "Sund", "Hurtig", "Ny", "Let"]
TITLE_WORDS_2 = [
    "hjemmepleje",
    "skolevej",
    "madordning",
    "genoptræning",
    "borgerservice",
    "dagpleje",
    "jobsøgning",
    "affaldssortering",
    "vejvedligehold",
    "bibliotekstid",
    "sagsbehandling",
    "forældresamarbejde",
    "ældrekontakt",
    "ungeindsats",
    "rehabilitering",
]


@dataclass(frozen=True)
class Personas:
    coordinator: User
    manager: User  # manages one centre (6 teams): about 1/16 of all initiatives
    employee: User  # owner of about 1.5/1000 and team member of about 1/1000 initiatives
    committee_member: User


def _sql_array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def _pick(words: list[str], expr: str) -> str:
    """A word chosen by an integer SQL expression (1-based arrays)."""
    return f"({_sql_array(words)})[1 + mod({expr}, {len(words)})::int]"


def _insert_select(model: type[models.Model], exprs: dict[str, str], source: str) -> int:
    """INSERT INTO model's table every concrete column, from `exprs` or the model default."""
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue  # computed by PostgreSQL (GeneratedField)
        if field.column in exprs:
            values.append(exprs[field.column])
        elif field.primary_key:
            continue  # identity column
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        else:
            default = field.get_default()
            if default is None and not field.null:
                raise SystemExit(
                    f"bench/data.py cannot fill {model._meta.label}.{field.name} (required, no default); "
                    "add a column expression for it."
                )
            values.append("%s")
            params.append(field.get_db_prep_save(default, connection))
        columns.append(connection.ops.quote_name(field.column))
    statement = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _step(label: str, log: Callable[[str], None], func: Callable[[], int | None]) -> None:
    started = time.perf_counter()
    rows = func()
    suffix = f"{rows:,} rækker, " if rows is not None else ""
    log(f"  {label}: {suffix}{time.perf_counter() - started:.1f} s")


def reset() -> None:
    """Empty what the bench fills. Taxonomy, groups and permissions (from migrations) stay."""
    tables = [Initiative, OrgUnit, User]
    names = ", ".join(model._meta.db_table for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}, django_session RESTART IDENTITY CASCADE")
    # The truncate and bulk_create send no signal: forget the cached filter choices (units).
    initiative_filter_choices_forget()


def _reset_sequences() -> None:
    models_ = [
        OrgUnit,
        User,
        Initiative,
        Indicator,
        TeamMember,
        ExternalPartner,
        RuleChallenge,
        InitiativeEvent,
        InitiativeUserObjectPermission,
        Initiative.pejlemaerker.through,
        Initiative.mantras.through,
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def create_organisation() -> Personas:
    """Kommune → 4 områder → 16 centre → 96 teams; EMPLOYEES employees spread over the
    teams; one persona per role the bench logs in as."""
    ids = itertools.count(1)
    kommune = OrgUnit(id=next(ids), name="Slagelse Kommune", kind=OrgUnit.Kind.KOMMUNE)
    kommune.path = f"/{kommune.id}/"
    units, teams, centres = [kommune], [], []
    for a, area_name in enumerate(AREAS, start=1):
        area = OrgUnit(id=next(ids), name=area_name, kind=OrgUnit.Kind.OMRAADE, parent=kommune)
        area.path = f"{kommune.path}{area.id}/"
        units.append(area)
        for c in range(1, CENTRES_PER_AREA + 1):
            centre = OrgUnit(id=next(ids), name=f"Center {a}.{c}", kind=OrgUnit.Kind.CENTER, parent=area)
            centre.path = f"{area.path}{centre.id}/"
            units.append(centre)
            centres.append(centre)
            for t in range(1, TEAMS_PER_CENTRE + 1):
                team = OrgUnit(id=next(ids), name=f"Enhed {a}.{c}.{t}", kind=OrgUnit.Kind.ENHED, parent=centre)
                team.path = f"{centre.path}{team.id}/"
                units.append(team)
                teams.append(team)
    OrgUnit.objects.bulk_create(units)

    def person(pk: int, username: str, unit: OrgUnit) -> User:
        return User(
            id=pk,
            username=username,
            password="!",
            unit=unit,
            email=f"{username}@bench.example.dk",
            first_name=FIRST_NAMES[pk % len(FIRST_NAMES)],
            last_name=LAST_NAMES[pk % len(LAST_NAMES)],
        )

    users = [person(pk, f"bench{pk}", teams[pk % len(teams)]) for pk in range(1, EMPLOYEES + 1)]
    coordinator = person(EMPLOYEES + 1, "bench_sekretariat", kommune)
    manager = person(EMPLOYEES + 2, "bench_leder", centres[0])
    committee = person(EMPLOYEES + 3, "bench_udvalg", kommune)
    User.objects.bulk_create([*users, coordinator, manager, committee])

    group = {g.name: g.pk for g in Group.objects.all()}
    through = User.groups.through
    memberships = [through(user_id=u.pk, group_id=group[roles.MEDARBEJDER]) for u in users]
    memberships += [
        through(user_id=coordinator.pk, group_id=group[roles.SEKRETARIAT]),
        through(user_id=manager.pk, group_id=group[roles.LEDER]),
        through(user_id=manager.pk, group_id=group[roles.MEDARBEJDER]),
        through(user_id=committee.pk, group_id=group[roles.UDVALGSMEDLEM]),
    ]
    through.objects.bulk_create(memberships)
    centres[0].managers.add(manager)
    _reset_sequences()
    return Personas(coordinator=coordinator, manager=manager, employee=users[0], committee_member=committee)


def personas() -> Personas:
    return Personas(
        coordinator=User.objects.get(username="bench_sekretariat"),
        manager=User.objects.get(username="bench_leder"),
        employee=User.objects.get(username="bench1"),
        committee_member=User.objects.get(username="bench_udvalg"),
    )


# Odd multipliers for a multiplicative hash (Knuth): row properties drawn from different
# hashes of the id are not correlated with each other or with the id's order, so no sort
# order of a list meets a long run of rows that a filter rejects (as `mod(id, 3)` would).
_MULTIPLIERS = {1: 2654435761, 2: 2246822519, 3: 3266489917, 4: 668265263, 5: 374761393, 6: 2654435789}


def _hash(expr: str, which: int) -> str:
    """0…65535 from the high bits of `expr` × an odd constant, modulo 2^32."""
    return f"(mod(({expr})::bigint * {_MULTIPLIERS[which]}, 4294967296) / 65536)"


def _status_case(expr: str) -> str:
    parts, upper = [], 0
    for status, share in STATUS_MIX:
        upper += share
        parts.append(f"WHEN {expr} < {upper} THEN '{status.value}'")
    return "CASE " + " ".join(parts) + " END"


def add_initiatives(lo: int, hi: int, *, span_of: int, log: Callable[[str], None]) -> None:
    """Initiatives lo…hi (inclusive) with pejlemærker, mantras, indicators, a two-person
    team, partners, challenged rules, guardian rows for owner and team, and event trails."""
    coordinator_id = EMPLOYEES + 1
    # Ids follow creation time, as in a real table: `span_of` initiatives fill 8 years up to
    # now (a smaller data set is the portal's first years), a few hours' jitter apart.
    minutes_each = 8 * 365 * 24 * 60 / span_of
    # One row per initiative: owner (an employee), the owner's unit, status and creation time.
    base = f"""
        FROM (
            SELECT g, u.id AS owner_id, u.unit_id, {_status_case(f"mod({_hash('g', 1)}, 100)")} AS status,
                   now() - ({span_of} - g + mod({_hash("g", 6)}, 7)) * {minutes_each:.4f} * interval '1 minute'
                     AS created
            FROM generate_series({lo}, {hi}) AS g
            JOIN {User._meta.db_table} AS u
              ON u.id = CASE WHEN mod(g, {MINE_EVERY}) = 1 THEN 1 ELSE 1 + mod({_hash("g", 2)}, {EMPLOYEES}) END
        ) AS s
    """
    decided = f"s.status IN ('{Status.APPROVED}', '{Status.REJECTED}', '{Status.RUNNING}', '{Status.EVALUATION}', '{Status.CONCLUDED}')"  # noqa: E501
    outcomes = ["skaleret", "videreført_med_justering", "stoppet"]
    word_1, word_2 = _pick(TITLE_WORDS_1, _hash("g", 3)), _pick(TITLE_WORDS_2, _hash("g", 4))
    title = f"{word_1} || ' ' || {word_2} || ' ' || g"
    _step(
        "prøvehandlinger",
        log,
        lambda: _insert_select(
            Initiative,
            {
                "id": "g",
                "title": title,
                "summary": f"'Et forsøg med ' || {word_2} || ' i ' || s.unit_id || '. enhed.'",
                "problem": "'Borgerne venter for længe, og de oplever, at ingen tager ansvar for hele forløbet.'",
                "idea": "'Vi samler opgaven i ét team på tværs af enhederne og følger borgeren hele vejen.'",
                "hypothesis": "'Hvis vi samler opgaven, så falder ventetiden, fordi der er færre overdragelser.'",
                "expected_effect": "'Kortere ventetid og mere tilfredse borgere.'",
                "owning_unit_id": "s.unit_id",
                "owner_id": "s.owner_id",
                "resources": "'Inden for eksisterende budget: to timer om ugen pr. deltager.'",
                "start_date": f"CASE WHEN s.status <> '{Status.DRAFT}' THEN (s.created + interval '60 days')::date END",
                "end_date": f"CASE WHEN s.status <> '{Status.DRAFT}' THEN (s.created + interval '240 days')::date END",
                "evaluation_date": f"CASE WHEN s.status <> '{Status.DRAFT}' THEN (s.created + interval '300 days')::date END",
                "risks": "'At de gamle arbejdsgange lever videre ved siden af de nye.'",
                "status": "s.status",
                "outcome": f"CASE WHEN s.status = '{Status.CONCLUDED}' THEN {_pick(outcomes, 'g')} ELSE '' END",
                "decision_reason": f"CASE WHEN {decided} THEN 'Lever op til de bærende principper.' ELSE '' END",
                "created_at": "s.created",
                "updated_at": "LEAST(now(), s.created + mod(g * 31, 200) * interval '1 day')",
                "submitted_at": f"CASE WHEN s.status <> '{Status.DRAFT}' THEN s.created + interval '5 days' END",
                "decided_at": f"CASE WHEN {decided} THEN s.created + interval '30 days' END",
                "copied_from_id": "NULL",
            },
            base,
        ),
    )

    initiative = Initiative._meta.db_table
    in_range = f"FROM {initiative} AS i WHERE i.id BETWEEN {lo} AND {hi}"

    def m2m() -> int:
        h = _hash("i.id", 5)
        pej = Initiative.pejlemaerker.through
        mantra = Initiative.mantras.through
        # One or two of the three pejlemærker (two for half of the initiatives).
        rows = _insert_select(
            pej,
            {"initiative_id": "i.id", "pejlemaerke_id": "p.id"},
            f"""
            FROM {initiative} AS i JOIN initiatives_pejlemaerke AS p
              ON p.number = 1 + mod({h}, 3) OR (mod({h} / 3, 2) = 0 AND p.number = 1 + mod({h} + 1, 3))
            WHERE i.id BETWEEN {lo} AND {hi}""",
        )
        # The SQL insert sends no m2m_changed: fill the list column as the signal would.
        Initiative.objects.filter(pk__range=(lo, hi)).pejlemaerke_ids_refresh()
        rows += _insert_select(
            mantra,
            {"initiative_id": "i.id", "mantra_id": "m.id"},
            f"""
            FROM {initiative} AS i
            JOIN (SELECT id, row_number() OVER (ORDER BY letter) - 1 AS n FROM initiatives_mantra) AS m
              ON m.n = mod({_hash("i.id", 6)}, 4)
            WHERE i.id BETWEEN {lo} AND {hi}""",
        )
        return rows

    _step("pejlemærker og mantraer", log, m2m)
    _step(
        "indikatorer",
        log,
        lambda: _insert_select(
            Indicator,
            {
                "initiative_id": "i.id",
                "name": "CASE k WHEN 1 THEN 'Ventetid i dage' ELSE 'Andel tilfredse borgere' END",
                "unit": "CASE k WHEN 1 THEN 'dage' ELSE '%%' END",
                "baseline": "CASE k WHEN 1 THEN 20 + mod(i.id, 10) ELSE 55 END",
                "target": "CASE k WHEN 1 THEN 10 ELSE 80 END",
                "order": "k - 1",
            },
            f"FROM {initiative} AS i CROSS JOIN generate_series(1, 2) AS k WHERE i.id BETWEEN {lo} AND {hi}",
        ),
    )
    _step(
        "teammedlemmer",
        log,
        lambda: _insert_select(
            TeamMember,
            {
                "initiative_id": "i.id",
                "user_id": f"1 + mod(i.owner_id - 1 + k * 577, {EMPLOYEES})",
                "role": f"CASE k WHEN 1 THEN '{TeamMember.Role.CO_OWNER}' ELSE '{TeamMember.Role.MEMBER}' END",
                "added_at": "i.created_at + k * interval '1 day'",
            },
            f"FROM {initiative} AS i CROSS JOIN generate_series(1, 2) AS k WHERE i.id BETWEEN {lo} AND {hi}",
        ),
    )

    def partners_and_rules() -> int:
        rows = _insert_select(
            ExternalPartner,
            {
                "initiative_id": "i.id",
                "name": "'Frivilligcenter Slagelse'",
                "kind": "'frivillig'",
                "contribution": "'Besøgsvenner to gange om ugen.'",
            },
            f"{in_range} AND mod(i.id, 2) = 0",
        )
        rows += _insert_select(
            RuleChallenge,
            {
                "initiative_id": "i.id",
                "rule": "'Visitation skal ske i myndighedsafdelingen'",
                "kind": "'procedure'",
                "exemption_needed": "'Teamet visiterer selv til hverdagsrehabilitering.'",
            },
            f"{in_range} AND mod(i.id, 3) = 0",
        )
        return rows

    _step("partnere og udfordrede regler", log, partners_and_rules)

    def guardian() -> int:
        ctype = ContentType.objects.get_for_model(Initiative)
        perm_ids = list(
            Permission.objects.filter(
                content_type=ctype, codename__in=["view_initiative", "change_initiative"]
            ).values_list("pk", flat=True)
        )
        return _insert_select(
            InitiativeUserObjectPermission,
            {
                "content_object_id": "m.initiative_id",
                "permission_id": "p.id",
                "user_id": "m.user_id",
            },
            f"""
            FROM (SELECT id AS initiative_id, owner_id AS user_id {in_range}
                  UNION ALL
                  SELECT initiative_id, user_id FROM {TeamMember._meta.db_table}
                  WHERE initiative_id BETWEEN {lo} AND {hi}) AS m
            CROSS JOIN (SELECT unnest(ARRAY{perm_ids}::integer[]) AS id) AS p""",
        )

    _step("objektrettigheder (guardian)", log, guardian)

    def events() -> int:
        trail_rows = [f"('{s.value}', 0, 'create', '', '{Status.DRAFT.value}', false)" for s in TRAILS]
        for status, trail in TRAILS.items():
            for step, (action, src, dst, by_coordinator) in enumerate(trail, start=1):
                trail_rows.append(
                    f"('{status.value}', {step}, '{action}', '{src.value}', '{dst.value}', {by_coordinator})"
                )
        return _insert_select(
            InitiativeEvent,
            {
                "initiative_id": "i.id",
                "actor_id": f"CASE WHEN t.by_coordinator THEN {coordinator_id} ELSE i.owner_id END",
                "action": "t.action",
                "from_status": "t.from_status",
                "to_status": "t.to_status",
                "note": "CASE WHEN t.by_coordinator THEN 'Behandlet i sekretariatet.' ELSE '' END",
                "data": "'{}'::jsonb",
                "created_at": "i.created_at + t.step * interval '3 days'",
            },
            f"""
            FROM {initiative} AS i
            JOIN (VALUES {", ".join(trail_rows)}) AS t(status, step, action, from_status, to_status, by_coordinator)
              ON t.status = i.status
            WHERE i.id BETWEEN {lo} AND {hi}""",
        )

    _step("hændelser", log, events)
    _reset_sequences()


def analyze(*, log: Callable[[str], None]) -> None:
    """VACUUM ANALYZE what was written: fresh statistics and a visibility map (index-only
    scans), as autovacuum would give a production database after a bulk load."""

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")

    _step("VACUUM ANALYZE", log, run)


def initiative_count() -> int:
    return Initiative.objects.count()
