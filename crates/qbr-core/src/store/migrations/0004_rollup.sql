-- Format 4: a day-grain rollup of `fact` without team and agent, so that scorecards and series
-- over program, queue, channel and site read thousands of rows instead of hundreds of thousands.
--
-- It is derived data, never edited by hand: triggers on `fact` (and on undoing an import) mark the
-- touched days dirty; every write transaction rebuilds its dirty days before it commits
-- (store::rollup); and readers use the rollup only while no day is dirty, so a stale rollup can
-- cost speed but never change a number.

CREATE TABLE fact_rollup (
    day        TEXT NOT NULL,
    grain      TEXT NOT NULL,
    program_id INTEGER,
    queue_id   INTEGER,
    channel_id INTEGER,
    site_id    INTEGER,
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
CREATE INDEX fact_rollup_day ON fact_rollup(day);

CREATE TABLE rollup_dirty (day TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

CREATE TRIGGER fact_rollup_insert AFTER INSERT ON fact BEGIN
    INSERT OR IGNORE INTO rollup_dirty (day) VALUES (NEW.day);
END;
CREATE TRIGGER fact_rollup_delete AFTER DELETE ON fact BEGIN
    INSERT OR IGNORE INTO rollup_dirty (day) VALUES (OLD.day);
END;
CREATE TRIGGER fact_rollup_update AFTER UPDATE ON fact BEGIN
    INSERT OR IGNORE INTO rollup_dirty (day) VALUES (OLD.day);
    INSERT OR IGNORE INTO rollup_dirty (day) VALUES (NEW.day);
END;
CREATE TRIGGER import_batch_undone_rollup AFTER UPDATE OF undone_at ON import_batch BEGIN
    INSERT OR IGNORE INTO rollup_dirty (day) SELECT DISTINCT day FROM fact WHERE batch_id = NEW.id;
END;

-- Existing workspaces: every day with facts starts dirty and is rolled up by the first write, or
-- right here for files that already hold data.
INSERT INTO fact_rollup (day, grain, program_id, queue_id, channel_id, site_id, offered, handled, abandoned, short_abandoned, answered_in_threshold, abandoned_in_threshold, answer_wait_s, talk_s, hold_s, wrap_s, handle_s, transferred, fcr_resolved, fcr_eligible, csat_responses, csat_satisfied, csat_sum, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum, qa_evaluations, qa_score_sum, qa_failed, paid_s, scheduled_s, adherent_s, logged_in_s, available_s, agent_handle_s, leavers, headcount, fte, revenue, cost, investment)
SELECT day, grain, program_id, queue_id, channel_id, site_id, sum(offered), sum(handled), sum(abandoned), sum(short_abandoned), sum(answered_in_threshold), sum(abandoned_in_threshold), sum(answer_wait_s), sum(talk_s), sum(hold_s), sum(wrap_s), sum(handle_s), sum(transferred), sum(fcr_resolved), sum(fcr_eligible), sum(csat_responses), sum(csat_satisfied), sum(csat_sum), sum(nps_responses), sum(nps_promoters), sum(nps_detractors), sum(ces_responses), sum(ces_sum), sum(qa_evaluations), sum(qa_score_sum), sum(qa_failed), sum(paid_s), sum(scheduled_s), sum(adherent_s), sum(logged_in_s), sum(available_s), sum(agent_handle_s), sum(leavers), sum(headcount), sum(fte), sum(revenue), sum(cost), sum(investment)
  FROM fact
 WHERE batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
 GROUP BY day, grain, program_id, queue_id, channel_id, site_id;
