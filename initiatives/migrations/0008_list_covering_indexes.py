# Written by hand: the autodetector's AddIndex/RemoveIndex plus an index on the pejlemærker
# table Django creates for the ManyToManyField (no model of ours to declare it on).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0007_target_group"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="initiative",
            name="initiative_created",
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["-created_at", "-id"],
                include=("title", "status", "outcome", "updated_at", "start_date", "submitted_at", "owning_unit"),
                name="initiative_created_list",
            ),
        ),
        # The pejlemærke filter (selectors._apply_filters) reads a pejlemærke's initiatives in
        # id order from this index alone; the unique (initiative_id, pejlemaerke_id) index is
        # in the other order, and the one on pejlemaerke_id alone needs the table (`make bench`).
        migrations.RunSQL(
            "CREATE INDEX initiative_pejlemaerke_ids "
            "ON initiatives_initiative_pejlemaerker (pejlemaerke_id, initiative_id)",
            reverse_sql="DROP INDEX initiative_pejlemaerke_ids",
        ),
    ]
