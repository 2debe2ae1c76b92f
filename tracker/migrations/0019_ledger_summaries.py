"""The conflict ledgers' summary tables, kept exact by triggers.

Per conflict and incident day, for the public view (published incidents, approved rows) and the
newsroom's view (drafts, in review and published, held rows included), each ledger's figures are
stored ready to add up: accusations, casualty figures with their deltas (and per as-of day),
response latencies and silences per incident, verdict counts. Any write that can change them
(incidents, statements, claims, alignments, a side's role; through the services, the admin or
raw SQL) marks its (conflict, day) dirty; a deferred trigger recomputes each dirty day once, at
commit, from the base tables, under a per-conflict lock so two commits never leave a day stale.
A reader in the writing transaction itself first recomputes what that transaction marked
(`ledger_refresh_pending`). Bulk loads that bypass triggers call `ledger_refresh(conflict,
'-infinity', 'infinity')`. See docs/architecture.md (conflict ledgers)."""

from django.db import migrations

# The incidents of conflict C between T_FROM and T_TO, once per view (public true/false), and
# their statements visible in that view.
SCOPE = """
inc AS (
    SELECT i.id, (i.occurred_start AT TIME ZONE 'UTC')::date AS day, i.occurred_start,
           i.incident_type, v.public
      FROM tracker_incident i
     CROSS JOIN (VALUES (true), (false)) AS v(public)
     WHERE i.conflict_id = c AND i.occurred_start >= t_from AND i.occurred_start < t_to
       AND i.merged_into_id IS NULL
       AND (i.state = 'published' OR (NOT v.public AND i.state IN ('draft', 'in_review')))
), st AS (
    SELECT inc.*, s.id AS statement_id, s.party_id, s.issued_at
      FROM inc JOIN tracker_statement s ON s.incident_id = inc.id AND NOT (s.held AND inc.public)
), cl AS (
    SELECT st.*, k.id AS claim_id, k.aspect, k.accused_side_id, k.casualty_side_id,
           k.killed_min, k.killed_max, k.wounded_min, k.wounded_max, k.verdict
      FROM st JOIN tracker_claim k ON k.statement_id = st.statement_id AND NOT (k.held AND st.public)
), spoke AS (
    SELECT id AS incident_id, public, array_agg(DISTINCT party_id) AS parties
      FROM st GROUP BY 1, 2
)"""

TABLES = """
-- Every summary table has (conflict_id, day) for the refresh of a day, and its readers' key.
CREATE TABLE ledger_dirty (
    conflict_id bigint NOT NULL,
    day date NOT NULL,
    PRIMARY KEY (conflict_id, day)
);
CREATE TABLE ledger_accusation_day (
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL,
    party_id bigint NOT NULL,  -- 0: every party's statements
    accuser bigint NOT NULL, accused bigint NOT NULL,
    incidents integer NOT NULL, mutual integer NOT NULL
);
CREATE INDEX ledger_accusation_day_key ON ledger_accusation_day (conflict_id, public, party_id, day)
    INCLUDE (incident_type, accuser, accused, incidents, mutual);
CREATE INDEX ledger_accusation_day_day ON ledger_accusation_day (conflict_id, day);
CREATE TABLE ledger_casualty_figure (
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL, incident_id bigint NOT NULL,
    party_id bigint NOT NULL, victim bigint NOT NULL, kind text NOT NULL,
    as_of timestamptz NOT NULL, claim_id bigint NOT NULL, statement_id bigint NOT NULL,
    lo integer, hi integer, d_lo integer NOT NULL, d_hi integer NOT NULL, d_open integer NOT NULL,
    revises boolean NOT NULL, revised boolean NOT NULL
);
CREATE INDEX ledger_casualty_figure_day ON ledger_casualty_figure (conflict_id, day);
CREATE INDEX ledger_casualty_figure_newest
    ON ledger_casualty_figure (conflict_id, public, as_of DESC, claim_id DESC);
CREATE TABLE ledger_casualty_day (
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL, party_id bigint NOT NULL, victim bigint NOT NULL,
    kind text NOT NULL, as_of_day date NOT NULL,
    figures integer NOT NULL, revisions integer NOT NULL,
    d_lo bigint NOT NULL, d_hi bigint NOT NULL, d_open bigint NOT NULL,
    -- The latest figure: [as_of in microseconds, claim, statement, incident], so the greatest
    -- array over any set of rows is that set's latest figure (max() without a sort).
    latest bigint[] NOT NULL
);
-- Covering: the steps read only this index (one view's rows, not the whole table).
CREATE INDEX ledger_casualty_day_key ON ledger_casualty_day (conflict_id, public, day)
    INCLUDE (incident_type, party_id, victim, kind, as_of_day, figures, revisions, d_lo, d_hi,
             d_open, latest);
CREATE INDEX ledger_casualty_day_day ON ledger_casualty_day (conflict_id, day);
CREATE TABLE ledger_latency (  -- one row per answer; first_answer: once per incident
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL, incident_id bigint NOT NULL, side_id bigint NOT NULL,
    opener bigint NOT NULL, first_answer boolean NOT NULL, seconds double precision NOT NULL,
    parties bigint[] NOT NULL
);
CREATE INDEX ledger_latency_day ON ledger_latency (conflict_id, day);
-- The median: walked in order of latency to the middle row (no sort of every answer).
CREATE INDEX ledger_latency_order ON ledger_latency (conflict_id, public, side_id, seconds)
    INCLUDE (day, incident_type, opener, first_answer);
CREATE TABLE ledger_silence (
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL, incident_id bigint NOT NULL, side_id bigint NOT NULL,
    occurred_start timestamptz NOT NULL, parties bigint[] NOT NULL
);
CREATE INDEX ledger_silence_key ON ledger_silence (conflict_id, public, occurred_start, incident_id);
CREATE INDEX ledger_silence_day ON ledger_silence (conflict_id, day);
CREATE TABLE ledger_verdict_day (
    conflict_id bigint NOT NULL, day date NOT NULL, public boolean NOT NULL,
    incident_type varchar(32) NOT NULL, party_id bigint NOT NULL, verdict varchar(16) NOT NULL,
    claims integer NOT NULL
);
CREATE INDEX ledger_verdict_day_key ON ledger_verdict_day (conflict_id, public, day)
    INCLUDE (incident_type, party_id, verdict, claims);
CREATE INDEX ledger_verdict_day_day ON ledger_verdict_day (conflict_id, day);
"""

REFRESH = f"""
CREATE FUNCTION ledger_refresh(c bigint, d_from date, d_to date) RETURNS void
LANGUAGE plpgsql
-- A whole conflict's rebuild sorts its figures and latencies: in memory, not on disk.
SET work_mem = '64MB'
AS $$
DECLARE
    t_from timestamptz := d_from::timestamp AT TIME ZONE 'UTC';
    t_to timestamptz := d_to::timestamp AT TIME ZONE 'UTC';
BEGIN
    DELETE FROM ledger_accusation_day WHERE conflict_id = c AND day >= d_from AND day < d_to;
    DELETE FROM ledger_casualty_figure WHERE conflict_id = c AND day >= d_from AND day < d_to;
    DELETE FROM ledger_casualty_day WHERE conflict_id = c AND day >= d_from AND day < d_to;
    DELETE FROM ledger_latency WHERE conflict_id = c AND day >= d_from AND day < d_to;
    DELETE FROM ledger_silence WHERE conflict_id = c AND day >= d_from AND day < d_to;
    DELETE FROM ledger_verdict_day WHERE conflict_id = c AND day >= d_from AND day < d_to;

    -- Accusations: per incident each (accuser side, accused side), for every party's statements
    -- (party 0) and per party; mutual when the accused side accused back in the same set.
    INSERT INTO ledger_accusation_day
    WITH {SCOPE}, acc AS (
        SELECT DISTINCT cl.id AS incident_id, cl.day, cl.public, cl.incident_type, cl.party_id,
               al.side_id AS accuser, cl.accused_side_id AS accused
          FROM cl
          JOIN tracker_alignment al ON al.party_id = cl.party_id
          JOIN tracker_side sd ON sd.id = al.side_id AND sd.conflict_id = c
         WHERE cl.aspect = 'initiator' AND cl.accused_side_id IS NOT NULL
           AND cl.accused_side_id <> al.side_id
    ), every AS (
        SELECT DISTINCT incident_id, day, public, incident_type, 0::bigint AS party_id,
               accuser, accused
          FROM acc
    ), rows AS (SELECT * FROM every UNION ALL SELECT * FROM acc)
    SELECT c, a.day, a.public, a.incident_type, a.party_id, a.accuser, a.accused,
           count(*), count(b.incident_id)
      FROM rows a
      LEFT JOIN rows b ON b.incident_id = a.incident_id AND b.public = a.public
                      AND b.party_id = a.party_id AND b.accuser = a.accused
                      AND b.accused = a.accuser
     GROUP BY a.day, a.public, a.incident_type, a.party_id, a.accuser, a.accused;

    -- Casualty figures: a later figure by the same party for the same incident, victim side and
    -- category revises the earlier one (delta = new - previous); no maximum is "at least".
    INSERT INTO ledger_casualty_figure
    WITH {SCOPE}, figures AS (
        SELECT cl.day, cl.public, cl.incident_type, cl.id AS incident_id, cl.party_id,
               cl.casualty_side_id AS victim, k.kind,
               coalesce(cl.issued_at, cl.occurred_start) AS as_of, cl.claim_id,
               cl.statement_id, k.lo, k.hi
          FROM cl
         CROSS JOIN LATERAL (VALUES ('killed', cl.killed_min, cl.killed_max),
                                    ('wounded', cl.wounded_min, cl.wounded_max)) AS k(kind, lo, hi)
         WHERE cl.aspect = 'casualties' AND cl.casualty_side_id IS NOT NULL
           AND (k.lo IS NOT NULL OR k.hi IS NOT NULL)
    )
    SELECT c, f.day, f.public, f.incident_type, f.incident_id, f.party_id, f.victim, f.kind,
           f.as_of, f.claim_id, f.statement_id, f.lo, f.hi,
           coalesce(f.lo, 0) - coalesce(lag(coalesce(f.lo, 0)) OVER w, 0),
           coalesce(f.hi, f.lo) - coalesce(lag(coalesce(f.hi, f.lo)) OVER w, 0),
           (f.hi IS NULL)::int - coalesce(lag((f.hi IS NULL)::int) OVER w, 0),
           lag(f.claim_id) OVER w IS NOT NULL,
           lead(f.claim_id) OVER w IS NOT NULL
      FROM figures f
    WINDOW w AS (PARTITION BY f.public, f.party_id, f.victim, f.kind, f.incident_id
                 ORDER BY f.as_of, f.claim_id);

    INSERT INTO ledger_casualty_day
    SELECT conflict_id, day, public, incident_type, party_id, victim, kind,
           (as_of AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE revises),
           sum(d_lo), sum(d_hi), sum(d_open),
           max(ARRAY[(extract(epoch FROM as_of) * 1000000)::bigint, claim_id, statement_id,
                     incident_id])
      FROM ledger_casualty_figure
     WHERE conflict_id = c AND day >= d_from AND day < d_to
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

    -- Latency: per incident, each belligerent side's first dated statement; the first to speak
    -- (the opener) opened, every other side answered after `seconds` (a row per answer).
    INSERT INTO ledger_latency
    WITH {SCOPE}, firsts AS (
        SELECT st.id AS incident_id, st.day, st.public, st.incident_type, al.side_id,
               min(st.issued_at) AS first_at
          FROM st
          JOIN tracker_alignment al ON al.party_id = st.party_id
          JOIN tracker_side sd ON sd.id = al.side_id AND sd.conflict_id = c
                              AND sd.role = 'belligerent'
         WHERE st.issued_at IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5
    ), ranked AS (
        SELECT f.*, row_number() OVER per_incident AS turn,
               first_value(f.side_id) OVER per_incident AS opener,
               extract(epoch FROM f.first_at - min(f.first_at) OVER (
                   PARTITION BY f.incident_id, f.public)) AS seconds
          FROM firsts f
        WINDOW per_incident AS (PARTITION BY f.incident_id, f.public ORDER BY f.first_at, f.side_id)
    )
    SELECT c, r.day, r.public, r.incident_type, r.incident_id, r.side_id, r.opener, r.turn = 2,
           r.seconds, sp.parties
      FROM ranked r JOIN spoke sp ON sp.incident_id = r.incident_id AND sp.public = r.public
     WHERE r.turn > 1;

    -- Silences: a belligerent side that never spoke where another belligerent side did.
    INSERT INTO ledger_silence
    WITH {SCOPE}, belligerents AS (
        SELECT id FROM tracker_side WHERE conflict_id = c AND role = 'belligerent'
    ), spoken AS (
        SELECT DISTINCT st.id AS incident_id, st.public, al.side_id
          FROM st JOIN tracker_alignment al ON al.party_id = st.party_id
         WHERE al.side_id IN (SELECT id FROM belligerents)
    )
    SELECT c, inc.day, inc.public, inc.incident_type, inc.id, b.id, inc.occurred_start,
           sp.parties
      FROM inc CROSS JOIN belligerents b
      JOIN spoke sp ON sp.incident_id = inc.id AND sp.public = inc.public
     WHERE EXISTS (SELECT 1 FROM spoken x WHERE x.incident_id = inc.id
                      AND x.public = inc.public AND x.side_id <> b.id)
       AND NOT EXISTS (SELECT 1 FROM spoken x WHERE x.incident_id = inc.id
                          AND x.public = inc.public AND x.side_id = b.id);

    INSERT INTO ledger_verdict_day
    WITH {SCOPE}
    SELECT c, cl.day, cl.public, cl.incident_type, cl.party_id, cl.verdict, count(*)
      FROM cl GROUP BY 2, 3, 4, 5, 6;
END $$;

CREATE FUNCTION ledger_refresh_pending(c bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d date;
BEGIN
    -- Nearly always nothing (a commit processes its own): no write, so a read-only replica can
    -- serve the ledgers too.
    IF NOT EXISTS (SELECT 1 FROM ledger_dirty WHERE conflict_id = c) THEN
        RETURN;
    END IF;
    FOR d IN DELETE FROM ledger_dirty WHERE conflict_id = c RETURNING day LOOP
        PERFORM ledger_refresh(c, d, d + 1);
    END LOOP;
END $$;

CREATE FUNCTION ledger_refresh_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One commit at a time per conflict: the second recomputes after the first is visible.
    PERFORM pg_advisory_xact_lock(hashtext('ledger_refresh'), NEW.conflict_id::int);
    DELETE FROM ledger_dirty WHERE conflict_id = NEW.conflict_id AND day = NEW.day;
    IF FOUND THEN
        PERFORM ledger_refresh(NEW.conflict_id, NEW.day, NEW.day + 1);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_refresh_dirty AFTER INSERT ON ledger_dirty
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_refresh_dirty();
"""  # noqa: S608 - constant SQL pieces, no values

MARKS = """
CREATE FUNCTION ledger_mark_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO ledger_dirty
        VALUES (OLD.conflict_id, (OLD.occurred_start AT TIME ZONE 'UTC')::date)
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO ledger_dirty
        VALUES (NEW.conflict_id, (NEW.occurred_start AT TIME ZONE 'UTC')::date)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_mark_insert_delete AFTER INSERT OR DELETE ON tracker_incident
    FOR EACH ROW EXECUTE FUNCTION ledger_mark_incident();
CREATE TRIGGER ledger_mark_update AFTER UPDATE ON tracker_incident FOR EACH ROW
    WHEN (OLD.conflict_id IS DISTINCT FROM NEW.conflict_id
          OR OLD.occurred_start IS DISTINCT FROM NEW.occurred_start
          OR OLD.state IS DISTINCT FROM NEW.state
          OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id
          OR OLD.incident_type IS DISTINCT FROM NEW.incident_type)
    EXECUTE FUNCTION ledger_mark_incident();

CREATE FUNCTION ledger_mark_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.incident_id]
                               WHEN 'DELETE' THEN ARRAY[OLD.incident_id]
                               ELSE ARRAY[OLD.incident_id, NEW.incident_id] END;
BEGIN
    INSERT INTO ledger_dirty
    SELECT DISTINCT i.conflict_id, (i.occurred_start AT TIME ZONE 'UTC')::date
      FROM tracker_incident i WHERE i.id = ANY(ids)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_mark_insert_delete AFTER INSERT OR DELETE ON tracker_statement
    FOR EACH ROW EXECUTE FUNCTION ledger_mark_statement();
CREATE TRIGGER ledger_mark_update AFTER UPDATE ON tracker_statement FOR EACH ROW
    WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id
          OR OLD.party_id IS DISTINCT FROM NEW.party_id
          OR OLD.issued_at IS DISTINCT FROM NEW.issued_at
          OR OLD.held IS DISTINCT FROM NEW.held)
    EXECUTE FUNCTION ledger_mark_statement();

CREATE FUNCTION ledger_mark_claim() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.statement_id]
                               WHEN 'DELETE' THEN ARRAY[OLD.statement_id]
                               ELSE ARRAY[OLD.statement_id, NEW.statement_id] END;
BEGIN
    INSERT INTO ledger_dirty
    SELECT DISTINCT i.conflict_id, (i.occurred_start AT TIME ZONE 'UTC')::date
      FROM tracker_statement s JOIN tracker_incident i ON i.id = s.incident_id
     WHERE s.id = ANY(ids)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_mark_insert_delete AFTER INSERT OR DELETE ON tracker_claim
    FOR EACH ROW EXECUTE FUNCTION ledger_mark_claim();
CREATE TRIGGER ledger_mark_update AFTER UPDATE ON tracker_claim FOR EACH ROW
    WHEN (OLD.statement_id IS DISTINCT FROM NEW.statement_id
          OR OLD.aspect IS DISTINCT FROM NEW.aspect
          OR OLD.accused_side_id IS DISTINCT FROM NEW.accused_side_id
          OR OLD.casualty_side_id IS DISTINCT FROM NEW.casualty_side_id
          OR OLD.killed_min IS DISTINCT FROM NEW.killed_min
          OR OLD.killed_max IS DISTINCT FROM NEW.killed_max
          OR OLD.wounded_min IS DISTINCT FROM NEW.wounded_min
          OR OLD.wounded_max IS DISTINCT FROM NEW.wounded_max
          OR OLD.verdict IS DISTINCT FROM NEW.verdict
          OR OLD.held IS DISTINCT FROM NEW.held)
    EXECUTE FUNCTION ledger_mark_claim();

-- A party joining or leaving a side, or a side's role changing, touches every day of the
-- conflict (rare; editorial set-up).
CREATE FUNCTION ledger_mark_conflict_sides() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'tracker_side' THEN
        ids := ARRAY[OLD.id, NEW.id];
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.side_id];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.side_id];
    ELSE
        ids := ARRAY[OLD.side_id, NEW.side_id];
    END IF;
    INSERT INTO ledger_dirty
    SELECT DISTINCT i.conflict_id, (i.occurred_start AT TIME ZONE 'UTC')::date
      FROM tracker_side sd JOIN tracker_incident i ON i.conflict_id = sd.conflict_id
     WHERE sd.id = ANY(ids)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_mark AFTER INSERT OR UPDATE OR DELETE ON tracker_alignment
    FOR EACH ROW EXECUTE FUNCTION ledger_mark_conflict_sides();
CREATE TRIGGER ledger_mark_update AFTER UPDATE ON tracker_side FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION ledger_mark_conflict_sides();

-- Emptying the incidents (a test database's flush, an operator's reset) empties the summaries.
CREATE FUNCTION ledger_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ledger_dirty;
    DELETE FROM ledger_accusation_day;
    DELETE FROM ledger_casualty_figure;
    DELETE FROM ledger_casualty_day;
    DELETE FROM ledger_latency;
    DELETE FROM ledger_silence;
    DELETE FROM ledger_verdict_day;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_truncate AFTER TRUNCATE ON tracker_incident
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_truncate();

SELECT ledger_refresh(id, '-infinity', 'infinity') FROM tracker_conflict;
"""

DROP = """
DROP TRIGGER ledger_truncate ON tracker_incident;
DROP TRIGGER ledger_mark_update ON tracker_side;
DROP TRIGGER ledger_mark ON tracker_alignment;
DROP TRIGGER ledger_mark_update ON tracker_claim;
DROP TRIGGER ledger_mark_insert_delete ON tracker_claim;
DROP TRIGGER ledger_mark_update ON tracker_statement;
DROP TRIGGER ledger_mark_insert_delete ON tracker_statement;
DROP TRIGGER ledger_mark_update ON tracker_incident;
DROP TRIGGER ledger_mark_insert_delete ON tracker_incident;
DROP FUNCTION ledger_truncate, ledger_mark_conflict_sides, ledger_mark_claim, ledger_mark_statement,
    ledger_mark_incident, ledger_refresh_pending, ledger_refresh;
DROP TABLE ledger_dirty, ledger_accusation_day, ledger_casualty_figure, ledger_casualty_day,
    ledger_latency, ledger_silence, ledger_verdict_day;
DROP FUNCTION ledger_refresh_dirty;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0018_feed_settings"),
    ]

    operations = [
        migrations.RunSQL(sql=TABLES + REFRESH + MARKS, reverse_sql=DROP),
    ]
