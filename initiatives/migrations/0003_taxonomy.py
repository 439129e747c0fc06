"""The three pejlemærker and four mantras of Bilag 1, verbatim from the kommissorium."""

from django.db import migrations

PEJLEMAERKER = [
    (1, "Vi skaber bedre velfærd for borgeren"),
    (2, "Vi skaber velfærd gennem arbejdsfællesskaber"),
    (3, "Vi skaber velfærd ved at sætte arbejdsglæden i højsædet"),
]
MANTRAS = [
    ("a", "Sikker drift og nytænkning"),
    ("b", "Opgaven sætter holdet"),
    ("c", "Mindre hierarki - mere netværk"),
    ("d", "Mindre styring – mere ledelse"),
]


def seed(apps, schema_editor):
    Pejlemaerke = apps.get_model("initiatives", "Pejlemaerke")
    Mantra = apps.get_model("initiatives", "Mantra")
    for number, text in PEJLEMAERKER:
        Pejlemaerke.objects.update_or_create(number=number, defaults={"text": text})
    for letter, text in MANTRAS:
        Mantra.objects.update_or_create(letter=letter, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
