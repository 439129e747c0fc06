"""The first criteria set is Bilag 2 of the kommissorium, seeded by a data migration, verbatim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from criteria.models import CriteriaSet

KOMMISSORIUM = Path(__file__).resolve().parents[2] / "docs" / "kommissorium.txt"


def bilag_2_bullets() -> list[str]:
    """The bullets under "Bilag 2", each with its line breaks joined by single spaces."""
    text = KOMMISSORIUM.read_text(encoding="utf-8")
    section = text[text.index("Bilag 2: De bærende principper") :]
    bullets = section.split("•")[1:]
    return [" ".join(line.strip() for line in bullet.splitlines() if line.strip()) for bullet in bullets]


def test_the_kommissorium_has_nine_principles_in_bilag_2():
    bullets = bilag_2_bullets()
    assert len(bullets) == 9
    assert bullets[0] == "Fagligheden skal i højsædet!"


def test_the_seeded_set_holds_the_nine_principles_verbatim_in_order(db):
    criteria_set = CriteriaSet.objects.get(version=1)
    texts = list(criteria_set.criteria.order_by("order").values_list("text", flat=True))
    assert texts == bilag_2_bullets()
    assert list(criteria_set.criteria.order_by("order").values_list("order", flat=True)) == list(range(1, 10))


def test_the_seeded_set_is_the_active_published_one_approved_by_the_finance_committee_on_18_june_2018(db):
    criteria_set = CriteriaSet.objects.active().get()
    assert criteria_set.version == 1
    assert criteria_set.name == "De 9 bærende principper"
    assert criteria_set.approved_by == "Økonomiudvalget"
    assert criteria_set.approved_on == dt.date(2018, 6, 18)
    assert criteria_set.is_published
