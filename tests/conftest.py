"""Personas (STYLE.md §11): initiator, team member, manager, reviewer, coordinator,
committee member, citizen, outsider — in a small unit tree:

    Slagelse Kommune → Velfærd → Center for Ældre → Hjemmeplejen (initiator, team member)
                                                  → Plejecentret (outsider)
    manager manages Center for Ældre (so also Hjemmeplejen)
"""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.db.models.signals import post_migrate

from initiatives import services
from initiatives.workflow import ACTION_SERVICES
from slagelse_ou import roles
from tests.factories import OrgUnitFactory, UserFactory, make_initiative


@pytest.fixture(autouse=True)
def _danish():
    """Every test starts in Danish, the portal's language. A request in English leaves English
    active in the thread (LocaleMiddleware does not reset it), and messages a later test
    builds outside a request (forms, e-mail subjects) were then English."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_filter_choices():
    """The list filters' units and pejlemærker are cached in Redis (initiatives.selectors);
    a test's rows are rolled back without a signal, so no test sees the last one's."""
    from django.core.cache import cache

    from initiatives.selectors import _filter_choices_key

    cache.delete(_filter_choices_key())


@pytest.fixture
def units(db):
    kommune = OrgUnitFactory(name="Slagelse Kommune", kind="kommune")
    omraade = OrgUnitFactory(name="Velfærd", kind="omraade", parent=kommune)
    center = OrgUnitFactory(name="Center for Ældre", kind="center", parent=omraade)
    return {
        "kommune": kommune,
        "omraade": omraade,
        "center": center,
        "hjemmeplejen": OrgUnitFactory(name="Hjemmeplejen", parent=center),
        "plejecentret": OrgUnitFactory(name="Plejecentret", parent=center),
        "jobcenter": OrgUnitFactory(name="Jobcenter", parent=omraade),
    }


@pytest.fixture
def initiator(units):
    return UserFactory(username="initiator", unit=units["hjemmeplejen"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def team_member(units):
    return UserFactory(username="teammedlem", unit=units["jobcenter"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def manager(units):
    user = UserFactory(username="leder", unit=units["center"], roles=[roles.LEDER, roles.MEDARBEJDER])
    units["center"].managers.add(user)
    return user


@pytest.fixture
def reviewer(units):
    return UserFactory(username="bedoemmer", unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER, roles.MEDARBEJDER])


@pytest.fixture
def coordinator(units):
    return UserFactory(username="sekretariat", unit=units["kommune"], roles=[roles.SEKRETARIAT])


@pytest.fixture
def committee_member(db):
    return UserFactory(username="politiker", roles=[roles.UDVALGSMEDLEM])


@pytest.fixture
def citizen(db):
    return UserFactory(username="borger", roles=[roles.BORGER])


@pytest.fixture
def outsider(units):
    """An employee in another unit with no part in the initiative."""
    return UserFactory(username="udenforstaaende", unit=units["plejecentret"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def draft(initiator, team_member):
    initiative = make_initiative(owner=initiator)
    services.team_member_add(initiative_id=initiative.pk, actor=initiator, user=team_member)
    return initiative


def move(initiative, *actions, actor_by_action):
    """Drive an initiative through actions with the right actor for each."""
    for action in actions:
        kwargs = {"initiative_id": initiative.pk, "actor": actor_by_action[action]}
        if action in {"request_changes", "approve", "reject", "withdraw", "conclude"}:
            kwargs["note"] = "Begrundelse"
        if action == "conclude":
            kwargs["outcome"] = "skaleret"
        # The fixtures fast-forward through the lifecycle itself: concluding without the
        # evaluation that the page's "Afslut" (results.services.evaluation_conclude) requires.
        service = services.initiative_conclude if action == "conclude" else ACTION_SERVICES[action]
        service(**kwargs)
    initiative.refresh_from_db()
    return initiative


COORDINATOR_ACTIONS = ("start_review", "request_changes", "approve", "reject", "conclude")
OWNER_ACTIONS = ("submit", "start", "begin_evaluation", "withdraw")

PATHS = {
    "kladde": [],
    "indsendt": ["submit"],
    "under_bedoemmelse": ["submit", "start_review"],
    "tilbage_til_ansoeger": ["submit", "start_review", "request_changes"],
    "godkendt": ["submit", "approve"],
    "afvist": ["submit", "reject"],
    "i_gang": ["submit", "approve", "start"],
    "evaluering": ["submit", "approve", "start", "begin_evaluation"],
    "afsluttet": ["submit", "approve", "start", "begin_evaluation", "conclude"],
    "trukket_tilbage": ["withdraw"],
}


@pytest.fixture
def initiative_in(draft, initiator, coordinator):
    """initiative_in("i_gang") → the draft moved into that status through the services."""
    actors = {a: coordinator for a in COORDINATOR_ACTIONS} | {a: initiator for a in OWNER_ACTIONS}

    def _in(status: str):
        return move(draft, *PATHS[status], actor_by_action=actors)

    return _in


# Seed rows survive transactional tests. A `transaction=True` test ends with Django's flush,
# a TRUNCATE of every table, which also removes what our data migrations wrote (roles,
# pejlemærker, mantras, the criteria set …); with --reuse-db the next run would then start
# from that empty database. Flush and migrate both send post_migrate, so replaying our apps'
# RunPython migrations there (in migration order, each with its historical models, as
# `migrate` runs them) puts the rows back after every flush and at start-up. Data
# migrations must therefore be idempotent (get_or_create / update_or_create).
def _data_migrations(using: str) -> list:
    from pathlib import Path

    from django.conf import settings
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    if not hasattr(_data_migrations, "cached"):
        ours = {  # the project's apps: under BASE_DIR, not installed into the virtualenv
            c.label
            for c in django_apps.get_app_configs()
            if Path(c.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(c.path).parts
        }
        loader = MigrationLoader(connections[using], ignore_no_migrations=True)
        plan: list = []
        for leaf in sorted(loader.graph.leaf_nodes()):
            plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
        _data_migrations.cached = [
            (op.code, loader.project_state(node, at_end=False).apps)
            for node in plan
            if node[0] in ours
            for op in loader.graph.nodes[node].operations
            if isinstance(op, RunPython)
        ]
    return _data_migrations.cached


def _reseed_after_flush(sender, using, **kwargs):
    from django.db import connections

    with connections[using].schema_editor(atomic=False) as schema_editor:
        for code, apps in _data_migrations(using):
            code(apps, schema_editor)


post_migrate.connect(
    _reseed_after_flush, sender=django_apps.get_app_config("initiatives"), dispatch_uid="tests-reseed-after-flush"
)


def pytest_configure(config):
    # Hashing demo passwords with PBKDF2 dominates short tests; MD5 is fine for test users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SLOW_MODULES = ("test_concurrency", "test_seed_demo", "test_bench_", "test_redis_down", "test_report_generation")


def pytest_collection_modifyitems(config, items):
    """The markers `make test-fast` selects on (pyproject.toml lists them): every browser test,
    every test that runs a real Celery worker (`celery_worker` fixture or
    `@pytest.mark.celery`), and the few modules that race threads, seed the
    whole demo or build bench data are `slow`. `make test` runs everything."""
    for item in items:
        path = item.path.as_posix()
        name = item.path.name
        if "/tests/chaos/" in path:
            item.add_marker(pytest.mark.chaos)
            item.add_marker(pytest.mark.slow)
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.celery)
        if item.get_closest_marker("celery"):  # a real worker thread: seconds, not milliseconds
            item.add_marker(pytest.mark.slow)
        if name.startswith(SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
