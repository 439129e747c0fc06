"""Criteria sets: versions, their texts and publishing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import (
    CriteriaSet,
    Criterion,
)
from criteria.services._common import (
    criteria_event_record,
)
from initiatives.exceptions import DomainError
from slagelse_ou.models import User


@transaction.atomic
def criteria_set_create(
    *, actor: User | None, name: str, approved_by: str, approved_on: dt.date, texts: Sequence[str]
) -> CriteriaSet:
    """A new, unpublished version with the next version number. Publishing is separate, so
    an administrator can check the texts first."""
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise DomainError(_("Et kriteriesæt skal have mindst ét kriterium."))
    # Locking the existing sets serialises two administrators creating versions at once;
    # the unique constraint on version is the backstop.
    list(CriteriaSet.objects.select_for_update().values_list("pk", flat=True))
    version = (CriteriaSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    criteria_set = CriteriaSet.objects.create(
        name=name, version=version, approved_by=approved_by, approved_on=approved_on, active=False
    )
    Criterion.objects.bulk_create(
        [Criterion(criteria_set=criteria_set, order=order, text=text) for order, text in enumerate(texts, start=1)]
    )
    criteria_event_record(
        initiative=None,
        actor=actor,
        action="criteria_set_create",
        data={"criteria_set": criteria_set.pk, "version": version},
    )
    return criteria_set


def criteria_set_copy(*, actor: User | None, criteria_set_id: int) -> CriteriaSet:
    """Start a new version from an existing one (same texts, to be edited before publishing)."""
    source = CriteriaSet.objects.get(pk=criteria_set_id)
    texts = list(source.criteria.order_by("order").values_list("text", flat=True))
    return criteria_set_create(
        actor=actor, name=source.name, approved_by=source.approved_by, approved_on=source.approved_on, texts=texts
    )


@transaction.atomic
def criterion_update(*, actor: User | None, criterion_id: int, text: str) -> Criterion:
    """Change a criterion's text — only while its set is unpublished: reviews and decisions
    refer to the texts of published sets, which therefore never change."""
    criterion = Criterion.objects.select_related("criteria_set").select_for_update().get(pk=criterion_id)
    if criterion.criteria_set.is_published:
        raise DomainError(_("Et offentliggjort kriteriesæt kan ikke ændres. Opret en ny version."))
    if not text.strip():
        raise DomainError(_("Skriv kriteriets tekst."))
    criterion.text = text.strip()
    criterion.save(update_fields=["text"])
    return criterion


@transaction.atomic
def criteria_set_publish(*, actor: User | None, criteria_set_id: int) -> CriteriaSet:
    """Make a set the active one. New review rounds use it; rounds already under way keep
    theirs (`round_criteria_set`), and every review keeps the set it was made under."""
    sets = {s.pk: s for s in CriteriaSet.objects.select_for_update()}
    target = sets[criteria_set_id]
    if target.active:
        return target
    if not target.criteria.exists():
        raise DomainError(_("Et kriteriesæt uden kriterier kan ikke offentliggøres."))
    previous = [s for s in sets.values() if s.active]
    # Deactivate first: the partial unique index allows one active set at any moment.
    CriteriaSet.objects.filter(active=True).update(active=False)
    target.active = True
    target.published_at = target.published_at or timezone.now()
    target.save(update_fields=["active", "published_at"])
    criteria_event_record(
        initiative=None,
        actor=actor,
        action="criteria_set_publish",
        data={"criteria_set": target.pk, "version": target.version, "previous": [s.pk for s in previous]},
    )
    return target
