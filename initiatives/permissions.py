"""Who may see and change a prøvehandling. Fetch helpers give 404 to those who may not see
the object and 403 to those who may see but not act (healthchecks' pattern)."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, F, Func, OuterRef, Q
from django.http import Http404

from initiatives.models import (
    PUBLIC_STATUSES,
    Initiative,
    InitiativeQuerySet,
    InitiativeUserObjectPermission,
    Status,
)
from slagelse_ou.models import OrgUnit

# A draft, or one withdrawn before it was ever submitted, is the applicant's own business.
NEVER_SUBMITTED = Q(status=Status.DRAFT) | Q(status=Status.WITHDRAWN, submitted_at__isnull=True)


def _never_submitted(initiative: Initiative) -> bool:
    return initiative.status == Status.DRAFT or (
        initiative.status == Status.WITHDRAWN and initiative.submitted_at is None
    )


def visible_initiatives(user, qs: InitiativeQuerySet | None = None, *, status: str = "") -> InitiativeQuerySet:
    """Everything `user` may open: public states for everyone; plus their own and their
    team's; managers their units' (not drafts); committee members all but drafts;
    coordinators all. Expressed as one filter so lists stay one query.

    With `status`, only those with that status, by the rule as it reads for that status: a
    public status needs no rule, a draft only the reader's own. PostgreSQL cannot simplify
    the rule itself, and read a whole index to count a manager's drafts (30 ms at 100,000).
    """
    qs = qs if qs is not None else Initiative.objects.all()
    if status:
        qs = qs.filter(status=status)
    if not user.is_authenticated:
        return qs.public()
    if user.is_coordinator or status in PUBLIC_STATUSES:
        return qs
    ever = _ever_submitted(status)
    # The reader's own and their teams' (InitiativeQuerySet.involving), as two conditions of
    # the OR: as one subquery over a UNION it cost ~2 ms a page to build and compile.
    granted = InitiativeUserObjectPermission.objects.filter(user=user).values("content_object_id")
    mine = Q(owner=user) | Q(InArray("id", granted))
    if user.is_committee_member:
        if ever is True:
            return qs
        return qs.filter(mine if ever is False else ever | mine)
    condition = mine if status else Q(status__in=PUBLIC_STATUSES) | mine
    managed_paths = user.managed_unit_paths
    if managed_paths and ever is not False:
        # The units below as an array of ids (InArray), not a join on the unit's path: an
        # index scan on (owning_unit, status) can use it, and counting needs no join.
        below = Q()
        for path in managed_paths:
            below |= Q(path__startswith=path)
        in_units = Q(InArray("owning_unit_id", OrgUnit.objects.filter(below).values("pk")))
        condition |= in_units if ever is True else in_units & ever
    return qs.filter(condition)


class InArray(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery runs once, before the rows are read,
    and its values are constants an index scan can use, so PostgreSQL can combine the rule's
    alternatives as index scans (BitmapOr). `column IN (subquery)` is tested row by row: a
    manager's submitted trials with one pejlemærke read 6,000 table pages (15 ms at 100,000).
    """

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, column: str, queryset):
        super().__init__(F(column), ArraySubquery(queryset.order_by()))


def _ever_submitted(status: str) -> Q | bool:
    """`~NEVER_SUBMITTED` for the rows of one status ("" = any status): always true (True),
    never (False), or the condition that is left."""
    if not status:
        return ~NEVER_SUBMITTED
    if status == Status.DRAFT:
        return False
    if status == Status.WITHDRAWN:
        return Q(submitted_at__isnull=False)
    return True


def _perm_codenames(user):
    return InitiativeUserObjectPermission.objects.filter(user=user, content_object=OuterRef("pk")).values(
        "permission__codename"
    )


def with_object_perms(qs: InitiativeQuerySet, user) -> InitiativeQuerySet:
    """`qs` with `user`'s object permissions read in the same query (see object_perms)."""
    if not user.is_authenticated or user.is_superuser:
        return qs
    return qs.annotate(_user_perms=ArraySubquery(_perm_codenames(user)))


def _remember_perms(user, initiative: Initiative) -> None:
    if "_user_perms" in initiative.__dict__:
        cache = user.__dict__.setdefault("_initiative_perms", {})
        cache[initiative.pk] = frozenset(initiative.__dict__.pop("_user_perms"))


def object_perms(user, initiative: Initiative) -> frozenset[str]:
    """The codenames granted to `user` on `initiative` in guardian's direct FK table.

    One query, remembered on the user object for the rest of the request: the detail page
    asks several times (view, edit, panels), and guardian's `has_perm` would ask the user
    and the group tables every time. The services grant to users only, never to groups.
    """
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset({"view_initiative", "change_initiative"})
    cache = user.__dict__.setdefault("_initiative_perms", {})
    if initiative.pk not in cache:
        cache[initiative.pk] = frozenset(
            InitiativeUserObjectPermission.objects.filter(user=user, content_object=initiative).values_list(
                "permission__codename", flat=True
            )
        )
    return cache[initiative.pk]


def is_involved(user, initiative: Initiative) -> bool:
    """Owner, team member or assigned reviewer: the object permission the services grant."""
    return user.is_authenticated and (
        initiative.owner_id == user.pk or "view_initiative" in object_perms(user, initiative)
    )


def manages_unit_of(user, initiative: Initiative) -> bool:
    if not user.is_authenticated:
        return False
    unit_path = initiative.owning_unit.path
    return any(unit_path.startswith(path) for path in user.managed_unit_paths)


def can_view(user, initiative: Initiative) -> bool:
    """The page: everyone when it is public, otherwise those who may see the private fields."""
    return initiative.is_public or can_view_private(user, initiative)


def can_view_private(user, initiative: Initiative) -> bool:
    """Private fields (team, partners, risks, rules, attachments, history notes)."""
    if not user.is_authenticated:
        return False
    # The role first: it is read once per request anyway, the object permission costs queries.
    if user.is_coordinator or is_involved(user, initiative):
        return True
    if _never_submitted(initiative):
        return False
    return user.is_committee_member or manages_unit_of(user, initiative)


def can_edit(user, initiative: Initiative) -> bool:
    return "change_initiative" in object_perms(user, initiative)


def get_initiative_for_user(user, pk: int) -> Initiative:
    """The initiative, with the user's object permissions read in the same query; 404 for
    those who may not see it."""
    qs = with_object_perms(Initiative.objects.select_related("owning_unit", "owner"), user)
    return authorise_view(user, qs.filter(pk=pk).first())


def authorise_view(user, initiative: Initiative | None) -> Initiative:
    """`initiative` (read with the reader's permissions, `selectors.initiative_for_detail`),
    or 404 for those who may not see it — as `get_initiative_for_user`."""
    if initiative is None:
        raise Http404
    _remember_perms(user, initiative)
    if not can_view(user, initiative):
        raise Http404
    return initiative


def get_initiative_for_editor(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not can_edit(user, initiative):
        raise PermissionDenied
    return initiative
