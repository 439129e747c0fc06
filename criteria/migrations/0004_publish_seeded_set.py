"""The seeded set (and any set already active) counts as published, so its texts are frozen."""

from django.db import migrations
from django.utils import timezone


def publish_active(apps, schema_editor):
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    CriteriaSet.objects.filter(active=True, published_at__isnull=True).update(published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("criteria", "0003_reviews_and_decisions")]
    operations = [migrations.RunPython(publish_active, migrations.RunPython.noop)]
