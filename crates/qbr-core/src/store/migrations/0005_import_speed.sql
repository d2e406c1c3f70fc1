-- Format 5: cheaper contact writes for large imports.
-- Forward-only: never edit a migration that has shipped; add the next one.

-- Surveys find the contact they are about by its key: the unique (source, contact_key) index
-- serves that lookup once the (short, closed) list of sources is named, so a second index on
-- the key alone only cost every import one more B-tree insert per contact.
DROP INDEX interaction_contact_key;

-- Intervals as imported (intervals kind), so that two exports overlapping in time count each
-- interval once: the same start × program × queue × channel × site brought again by a later
-- import replaces the earlier import's row (`replaced_by`), and undoing the later import gives it
-- back. A batch's interval facts are the sums of the rows it holds, per day. Measures as `fact`.
CREATE TABLE interval_row (
    batch_id               INTEGER NOT NULL REFERENCES import_batch(id),
    started_at             INTEGER NOT NULL,     -- Unix seconds; a daily row: its date at 00:00 UTC
    day                    TEXT NOT NULL,
    program_id             INTEGER REFERENCES program(id),
    queue_id               INTEGER REFERENCES queue(id),
    channel_id             INTEGER REFERENCES channel(id),
    site_id                INTEGER REFERENCES site(id),
    replaced_by            INTEGER REFERENCES import_batch(id),
    offered                INTEGER,
    handled                INTEGER,
    abandoned              INTEGER,
    short_abandoned        INTEGER,
    answered_in_threshold  INTEGER,
    abandoned_in_threshold INTEGER,
    answer_wait_s          REAL,
    talk_s                 REAL,
    hold_s                 REAL,
    wrap_s                 REAL,
    handle_s               REAL,
    transferred            INTEGER,
    fcr_resolved           INTEGER,
    fcr_eligible           INTEGER,
    csat_responses         INTEGER,
    csat_satisfied         INTEGER,
    csat_sum               REAL,
    nps_responses          INTEGER,
    nps_promoters          INTEGER,
    nps_detractors         INTEGER,
    ces_responses          INTEGER,
    ces_sum                REAL,
    qa_evaluations         INTEGER,
    qa_score_sum           REAL,
    qa_failed              INTEGER,
    paid_s                 REAL,
    scheduled_s            REAL,
    adherent_s             REAL,
    logged_in_s            REAL,
    available_s            REAL,
    agent_handle_s         REAL,
    leavers                INTEGER,
    headcount              REAL,
    fte                    REAL,
    revenue                REAL,
    cost                   REAL,
    investment             REAL
) STRICT;
CREATE UNIQUE INDEX interval_row_batch_key ON interval_row(
    batch_id, started_at, ifnull(program_id, 0), ifnull(queue_id, 0), ifnull(channel_id, 0),
    ifnull(site_id, 0));
CREATE INDEX interval_row_key ON interval_row(
    started_at, ifnull(program_id, 0), ifnull(queue_id, 0), ifnull(channel_id, 0),
    ifnull(site_id, 0));
CREATE INDEX interval_row_replaced_by ON interval_row(replaced_by) WHERE replaced_by IS NOT NULL;
