"""Fold a row's small child lists into the row's own query.

`prefetch_related` reads each child list with a query of its own. A detail page shows one
row with many short lists (pejlemærker, indicators, team, history …), so it paid one query
per list. A `Fold` reads a list as a JSON array inside the parent's SELECT instead
(`ARRAY(SELECT to_jsonb(row) …)`), and the arrays are turned back into model instances,
stored exactly where `prefetch_related` stores them: templates and code that call
`initiative.team.all()` read the same objects without a query.

    folds = (Fold("indicators"), Fold("team", related=("user", "user__unit")))
    build = lambda pk: Initiative.objects.filter(pk=pk).values(doc=row_document(Initiative, folds=folds))
    initiative = from_document(Initiative, document("trial-with-team", build, pk=pk), *folds)

`document_into` does the same for a row already in hand (a panel on its page).

Only for lists that are short by nature: the whole list travels in the parent row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models
from django.db.models import Expression, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject


@dataclass(frozen=True)
class Fold:
    """A child list of the parent: `relation` is the name the parent reads it by
    (`initiative.indicators`); `queryset` filters and orders it (default: all, in the
    model's ordering); `related` follows foreign keys like `select_related`; `folds` fold
    the children's own lists; `to_attr` stores a plain list instead of the manager cache.
    A list the parent has no relation for names `lookup`, the path from the queryset's
    model to the parent (`Fold("", IndicatorMeasurement.objects.all(),
    lookup="indicator__initiative", to_attr="measurements")`)."""

    relation: str
    queryset: QuerySet | None = None
    related: tuple[str, ...] = ()
    folds: tuple[Fold, ...] = field(default_factory=tuple)
    to_attr: str | None = None
    lookup: str | None = None
    limit: int | None = None  # the first rows only (a queryset cannot be sliced, then filtered)

    @property
    def annotation(self) -> str:
        return f"_fold_{self.to_attr or self.relation}"


def _link(parent: type[models.Model], fold: Fold) -> tuple[type[models.Model], str]:
    """The child model and the lookup from the child back to one parent row."""
    if fold.lookup:
        if fold.queryset is None or not fold.to_attr:
            raise ValueError("A Fold with a lookup needs a queryset and a to_attr")
        return fold.queryset.model, fold.lookup
    descriptor = parent._meta.get_field(fold.relation)
    if descriptor.many_to_many and not descriptor.auto_created:  # forward M2M on the parent
        return descriptor.related_model, descriptor.related_query_name()
    if descriptor.auto_created and (descriptor.one_to_many or descriptor.many_to_many or descriptor.one_to_one):
        return descriptor.related_model, descriptor.field.name  # reverse FK / M2M / one-to-one
    raise ValueError(f"{parent.__name__}.{fold.relation} is not a reverse or many-to-many relation")


class _DecimalDecoder(json.JSONDecoder):
    """JSON numbers with a fraction as Decimal, so a DecimalField reads back exactly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, parse_float=Decimal, **kwargs)


def _json_field() -> models.JSONField:
    return models.JSONField(decoder=_DecimalDecoder)


class RowJSON(Expression):
    """`to_jsonb(<this query's table>.*)`: the whole row as one JSON object, keyed by column
    name (= attname). One expression instead of one per field keeps building the query cheap:
    Django spent more time assembling a field-by-field object than PostgreSQL did running it."""

    def __init__(self):
        super().__init__(output_field=_json_field())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"to_jsonb({compiler.quote_name(alias)}.*)", []


def _row(
    model: type[models.Model], related: tuple[str, ...] = (), folds: tuple[Fold, ...] = (), extra: dict | None = None
) -> Expression:
    """The row as JSON, with `@name` for each followed foreign key and `@@…` per inner fold
    (and any `extra` expressions under their own names)."""
    extras = dict(extra or {})
    for name in dict.fromkeys(path.split("__", 1)[0] for path in related):
        deeper = tuple(path.split("__", 1)[1] for path in related if path.startswith(f"{name}__"))
        field = model._meta.get_field(name)
        target = field.related_model._default_manager.filter(pk=OuterRef(field.attname))
        extras[f"@{name}"] = Subquery(target.values(json=_row(field.related_model, deeper))[:1])
    for inner in folds:
        extras[f"@@{inner.annotation}"] = _subquery(model, inner)
    if not extras:
        return RowJSON()
    return Func(
        RowJSON(), JSONObject(**extras), template="(%(expressions)s)", arg_joiner=" || ", output_field=_json_field()
    )


def _subquery(parent: type[models.Model], fold: Fold) -> ArraySubquery:
    child, lookup = _link(parent, fold)
    qs = fold.queryset if fold.queryset is not None else child._default_manager.all()
    qs = qs.filter(**{lookup: OuterRef("pk")})
    if fold.limit is not None:
        qs = qs[: fold.limit]
    return ArraySubquery(qs.values(json=_row(child, fold.related, fold.folds)))


def _instance(model: type[models.Model], data: dict, using: str) -> models.Model:
    # Generated columns (a search vector) stay out: derived, and no page reads them from here.
    fields = [f for f in model._meta.concrete_fields if f.attname in data and not f.generated]
    values = [None if data[f.attname] is None else f.to_python(data[f.attname]) for f in fields]
    instance = model.from_db(using, [f.attname for f in fields], values)
    for key, nested in data.items():
        if key.startswith("@@"):
            continue
        if key.startswith("@"):
            relation = model._meta.get_field(key[1:])
            target = relation.related_model
            pk = nested.get(target._meta.pk.attname) if nested else None
            relation.set_cached_value(instance, _instance(target, nested, using) if pk is not None else None)
    return instance


def _store(instance: models.Model, fold: Fold, children: list[models.Model]) -> None:
    if fold.to_attr:
        setattr(instance, fold.to_attr, children)
        return
    descriptor = type(instance)._meta.get_field(fold.relation)
    if descriptor.one_to_one:  # `instance.trial_agreement`: the row, or DoesNotExist as usual
        descriptor.set_cached_value(instance, children[0] if children else None)
        return
    manager = getattr(instance, fold.relation)
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    qs = manager.get_queryset()
    qs._result_cache = children
    qs._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = qs


def _unfold_rows(parent: type[models.Model], instance: models.Model, fold: Fold, rows: list | None, using: str):
    child, _ = _link(parent, fold)
    descriptor = None if fold.lookup else parent._meta.get_field(fold.relation)
    # The child's FK to this parent, cached so `child.initiative` needs no query.
    back = (
        descriptor.field if descriptor is not None and descriptor.auto_created and not descriptor.many_to_many else None
    )
    children = []
    for data in rows or []:
        item = _instance(child, data, using)
        if back is not None:
            back.set_cached_value(item, instance)
        for inner in fold.folds:
            _unfold_rows(child, item, inner, data.get(f"@@{inner.annotation}"), using)
        children.append(item)
    _store(instance, fold, children)


# --- One document per page, compiled once ------------------------------------------------------
#
# Building a folded query is Python work (Django resolves and compiles every expression), and
# on a slow CPU it cost more than PostgreSQL spent running it. A page that reads the same
# shape of query every time (the detail page) compiles it once per process with sentinel
# numbers where the request's values go, and then only swaps the values in.

_COMPILED: dict = {}
_SENTINEL = -7_301_000_000  # far below any id; numbers this low never appear in a query otherwise


def row_document(
    model: type[models.Model], *, related: tuple[str, ...] = (), folds: tuple[Fold, ...] = (), extra: dict | None = None
) -> Expression:
    """One row with its foreign keys and folded lists as a single JSON value (for `document`)."""
    return _row(model, related, folds, extra)


def document(key, build, *, using: str = "default", **values: int) -> dict | None:
    """The one JSON value `build(**values)` selects (a queryset with a single `.values()`
    column), or None without a row. The SQL is compiled once per `key`: `key` must name
    everything that changes the query's shape, and `values` (whole numbers) everything else."""
    entry = _COMPILED.get(key)
    if entry is None:
        sentinels = {name: _SENTINEL - number for number, name in enumerate(sorted(values))}
        sql, params = build(**sentinels).query.sql_with_params()
        names = {value: name for name, value in sentinels.items()}
        template = [(names.get(p) if type(p) is int else None, p) for p in params]
        if {name for name, _ in template if name} != set(values):
            raise ValueError(f"{key!r}: every value must appear in the query as a parameter")
        entry = _COMPILED[key] = (sql, template)
    sql, template = entry
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [values[name] if name else param for name, param in template])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return json.loads(row[0], parse_float=Decimal) if isinstance(row[0], str) else row[0]


def from_document(model: type[models.Model], data: dict, *folds: Fold, using: str = "default") -> models.Model:
    """The instance a `document` describes, its foreign keys and folded lists cached."""
    instance = _instance(model, data, using)
    for fold in folds:
        _unfold_rows(model, instance, fold, data.get(f"@@{fold.annotation}"), using)
    return instance


def store_empty(instance: models.Model, *folds: Fold) -> None:
    """Cache each fold's list as empty (a reader who may not see it)."""
    for fold in folds:
        _store(instance, fold, [])


def fold_into_compiled(instance: models.Model, key, make_folds, **values: int) -> None:
    """`document_into` for a panel with folds only: `make_folds(**values)` gives the
    folds, and their SQL is compiled once per `key` (which must name whatever changes their
    shape; `values` are whole numbers such as a user id)."""
    document_into(instance, key, lambda **given: (make_folds(**given), {}), make_folds(**values), **values)


def document_into(instance: models.Model, key, build_parts, folds, **values: int) -> dict:
    """Read folds (and plain expressions) for one row already in hand, in one query compiled
    once per `key`, and store them on it: `build_parts(**values)` gives the folds (with
    their querysets) and any plain expressions on the row, `{name: expression}`; `folds` are
    the same folds for reading the lists back (their querysets are not used, so they can be
    built without the request's values). Returns the expressions' values."""
    model = type(instance)

    def build(pk, **given):
        built_folds, expressions = build_parts(**given)
        parts = {f"@@{fold.annotation}": _subquery(model, fold) for fold in built_folds}
        return model._default_manager.filter(pk=pk).order_by().values(doc=JSONObject(**parts, **expressions))

    using = instance._state.db or "default"
    data = document(key, build, using=using, pk=instance.pk, **values) or {}
    for fold in folds:
        _unfold_rows(model, instance, fold, data.get(f"@@{fold.annotation}"), using)
    return {name: value for name, value in data.items() if not name.startswith("@@")}
