"""Bilag 2: "De 9 bærende principper", approved by Økonomiudvalget on 18 June 2018.

The texts are verbatim from the kommissorium (docs/kommissorium.txt), with line breaks
joined; tests/criteria/test_seed.py compares them with the source.
"""

import datetime

from django.db import migrations

PRINCIPLES = [
    "Fagligheden skal i højsædet!",
    "Organiseringen skal derfor tage udgangspunkt i at styrke det borgernære og kerneopgaven.",
    "Lederne skal have mulighed for at løse kerneopgaven på en meningsfyldt måde – det fremmer motivationen",
    "Det meningsfulde fremmes ved muligheden for at skab forskellige og lokale løsninger, som imødekommer den forskellighed, der er blandt borgerne, medarbejderne og det lokale område.",
    "Ledelsesrummet styrkes ved at styrke ledelseskraften hos de decentrale ledere: ledelseskraften forstået som kompetencer og ressourcer til at løse de borgernære og styringsmæssige opgaver lokalt og i lokale sammenhænge og fællesskaber, hvor det giver mening",
    "Der skal være en tættere kobling mellem det politiske niveau og virksomhederne",
    "Der skal skabes organisatoriske enheder med betydeligt ledelsesrum, hvor ansvar og kompetence skal ligge hos dem, der i hverdagen står med opgaverne",
    "Enhederne skal være levedygtige og robuste – dvs. at de er fagligt selvbærende og kan imødekomme og reagere på de ændrede behov og vilkår, der opstår.",
    "Det robuste forstås også som enheder, der er økonomisk robuste og kan følge de udsving i aktivitet og behov, der måtte være indenfor et område.",
]


def seed(apps, schema_editor):
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        version=1,
        defaults={
            "name": "De 9 bærende principper",
            "approved_by": "Økonomiudvalget",
            "approved_on": datetime.date(2018, 6, 18),
            "active": True,
        },
    )
    for order, text in enumerate(PRINCIPLES, start=1):
        Criterion.objects.update_or_create(criteria_set=criteria_set, order=order, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
