"""Sync on transaction ids: every change stamp records the writing transaction's id
(pg_current_xact_id()), which incremental sync compares with a snapshot's xmin (docs/api.md)."""

from django.db import migrations, models

STAMP_XID_SQL = """
CREATE OR REPLACE FUNCTION tracker_stamp_incident(iid bigint, published boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF iid IS NULL THEN
        RETURN;
    END IF;
    -- xid8 has no cast to bigint; its text form is the 64-bit epoch-extended id, which never
    -- wraps around and fits a bigint for the life of any cluster.
    INSERT INTO tracker_incidentchange (incident_id, changed_at, xid, was_published)
    VALUES (iid, now(), pg_current_xact_id()::text::bigint, published)
    ON CONFLICT (incident_id) DO UPDATE
       SET changed_at = EXCLUDED.changed_at,
           xid = EXCLUDED.xid,
           was_published = tracker_incidentchange.was_published OR EXCLUDED.was_published;
END $$;

-- Stamps written before: this transaction becomes visible when the migration commits.
UPDATE tracker_incidentchange SET xid = pg_current_xact_id()::text::bigint;
"""

STAMP_TIME_SQL = """
CREATE OR REPLACE FUNCTION tracker_stamp_incident(iid bigint, published boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF iid IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO tracker_incidentchange (incident_id, changed_at, was_published)
    VALUES (iid, now(), published)
    ON CONFLICT (incident_id) DO UPDATE
       SET changed_at = now(),
           was_published = tracker_incidentchange.was_published OR EXCLUDED.was_published;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("tracker", "0012_reasons")]

    operations = [
        # Reversed in this order: the old function must be back before the column goes.
        migrations.AddField(
            model_name="incidentchange",
            name="xid",
            field=models.BigIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunSQL(STAMP_XID_SQL, STAMP_TIME_SQL),
        migrations.AddIndex(
            model_name="incidentchange",
            index=models.Index(fields=["xid", "incident_id"], name="incidentchange_xid_idx"),
        ),
    ]
