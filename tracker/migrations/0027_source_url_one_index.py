"""Source.url: unique=True becomes a UniqueConstraint, which keeps the unique btree and drops
the varchar_pattern_ops copy Django adds beside it (no query searches URLs by prefix; the admin
searches with icontains, which neither index serves). The existing unique index is renamed, not
rebuilt."""

from django.db import migrations, models

_FORWARD = [
    "DROP INDEX IF EXISTS tracker_source_url_3892e8bb_like",
    "ALTER TABLE tracker_source RENAME CONSTRAINT tracker_source_url_key TO source_unique_url",
]
_BACKWARD = [
    "ALTER TABLE tracker_source RENAME CONSTRAINT source_unique_url TO tracker_source_url_key",
    "CREATE INDEX tracker_source_url_3892e8bb_like ON tracker_source (url varchar_pattern_ops)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0026_source_history_per_statement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(_FORWARD, reverse_sql=_BACKWARD)],
            state_operations=[
                migrations.AlterField(
                    model_name="source",
                    name="url",
                    field=models.URLField(max_length=2000, verbose_name="canonical URL"),
                ),
                migrations.AddConstraint(
                    model_name="source",
                    constraint=models.UniqueConstraint(fields=("url",), name="source_unique_url"),
                ),
            ],
        ),
    ]
