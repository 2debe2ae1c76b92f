"""Tell listening web processes when anything public may have changed, so they can keep cache
validators in memory (tracker.selectors.freshness). NOTIFY is delivered at commit, exactly when
the change becomes visible, and PostgreSQL folds a transaction's notifications into one."""

from django.db import migrations

TABLES = ("tracker_incidentchange", "tracker_incident", "tracker_conflict", "tracker_party")

FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_notify_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tracker_public_change', '');
    RETURN NULL;
END $$;
"""

TRIGGER = """
CREATE TRIGGER tracker_public_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION tracker_notify_public_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_feed_fewer_indexes"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION tracker_notify_public_change();"),
        *(
            migrations.RunSQL(
                TRIGGER.format(table=table),
                f"DROP TRIGGER tracker_public_change ON {table};",
            )
            for table in TABLES
        ),
    ]
