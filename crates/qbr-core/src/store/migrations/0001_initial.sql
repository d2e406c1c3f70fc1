-- Workspace format 1. Forward-only: never edit a migration that has shipped; add the next one.

-- Key/value settings (see settings.rs for the keys) and their history.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE setting_change (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT NOT NULL,
    changed_at TEXT NOT NULL            -- RFC 3339, UTC
) STRICT;

-- Dimensions. Names are as the source spelled them; a missing dimension is NULL in facts, never ''.
CREATE TABLE program (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE queue (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    threshold_s INTEGER                 -- overrides the channel's service threshold when set
) STRICT;
CREATE TABLE channel (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE site (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE agent (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    pseudonym TEXT UNIQUE               -- stable stand-in for client-facing output
) STRICT;

INSERT INTO channel (name) VALUES ('voice'), ('chat'), ('messaging'), ('email');

-- A queue or campaign name that belongs to a program (saved queue-to-program mapping).
CREATE TABLE program_alias (
    source_type TEXT NOT NULL CHECK (source_type IN ('queue', 'campaign')),
    source_name TEXT NOT NULL,
    program_id  INTEGER NOT NULL REFERENCES program(id),
    PRIMARY KEY (source_type, source_name)
) STRICT;

-- One import of one file. Every fact and interaction row belongs to exactly one batch.
CREATE TABLE import_batch (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN
                        ('interactions', 'intervals', 'surveys', 'quality', 'workforce', 'finance', 'demo')),
    file_name       TEXT NOT NULL,
    file_size       INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    preset          TEXT,
    mapping         TEXT,
    source_timezone TEXT NOT NULL,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    rows_taken      INTEGER NOT NULL DEFAULT 0,
    rows_refused    INTEGER NOT NULL DEFAULT 0,
    rows_duplicate  INTEGER NOT NULL DEFAULT 0,
    first_day       TEXT,
    last_day        TEXT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    app_version     TEXT NOT NULL,
    undone_at       TEXT
) STRICT;
CREATE INDEX import_batch_sha ON import_batch(sha256);

-- Rows an import refused, with what was expected.
CREATE TABLE import_refusal (
    batch_id    INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    row_no      INTEGER NOT NULL,
    column_name TEXT,
    value       TEXT,
    expected    TEXT NOT NULL
) STRICT;
CREATE INDEX import_refusal_batch ON import_refusal(batch_id);

-- Interaction-level records, kept for drill-down, repeat-contact FCR and percentiles.
CREATE TABLE interaction (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES import_batch(id),
    source            TEXT NOT NULL,        -- preset or 'generic': contact keys are unique per source
    contact_key       TEXT NOT NULL,
    started_at        INTEGER NOT NULL,     -- Unix seconds, UTC
    day               TEXT NOT NULL,        -- YYYY-MM-DD in the workspace time zone
    channel_id        INTEGER REFERENCES channel(id),
    program_id        INTEGER REFERENCES program(id),
    queue_id          INTEGER REFERENCES queue(id),
    site_id           INTEGER REFERENCES site(id),
    team_id           INTEGER REFERENCES team(id),
    agent_id          INTEGER REFERENCES agent(id),
    customer_key      TEXT,
    direction         TEXT,
    outcome           TEXT NOT NULL CHECK (outcome IN ('handled', 'abandoned', 'callback', 'other')),
    wait_s            REAL,
    talk_s            REAL,
    hold_s            REAL,
    wrap_s            REAL,
    handle_s          REAL,
    transferred       INTEGER,
    resolved          INTEGER,
    csat              INTEGER,
    nps               INTEGER,
    ces               INTEGER,
    source_updated_at INTEGER,
    UNIQUE (source, contact_key)
) STRICT;
CREATE INDEX interaction_batch ON interaction(batch_id);
CREATE INDEX interaction_day ON interaction(day);
CREATE INDEX interaction_customer ON interaction(customer_key, started_at) WHERE customer_key IS NOT NULL;

-- Additive base measures (metrics.md) at the finest grain the data has. A NULL measure means
-- "this row does not measure it", which metrics must tell apart from 0. `grain` is 'month' for
-- sources that only give monthly figures (finance, monthly headcount); their `day` is the 1st.
CREATE TABLE fact (
    id                     INTEGER PRIMARY KEY,
    batch_id               INTEGER NOT NULL REFERENCES import_batch(id),
    day                    TEXT NOT NULL,
    grain                  TEXT NOT NULL DEFAULT 'day' CHECK (grain IN ('day', 'month')),
    program_id             INTEGER REFERENCES program(id),
    queue_id               INTEGER REFERENCES queue(id),
    channel_id             INTEGER REFERENCES channel(id),
    site_id                INTEGER REFERENCES site(id),
    team_id                INTEGER REFERENCES team(id),
    agent_id               INTEGER REFERENCES agent(id),
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
CREATE INDEX fact_day ON fact(day);
CREATE INDEX fact_batch ON fact(batch_id);

-- Contract targets per metric and scope, with effective dates.
CREATE TABLE target (
    id              INTEGER PRIMARY KEY,
    metric_id       TEXT NOT NULL,
    scope_dimension TEXT CHECK (scope_dimension IN ('program', 'queue', 'channel', 'site', 'team')),
    scope_value     TEXT,
    direction       TEXT NOT NULL CHECK (direction IN ('at_least', 'at_most', 'band')),
    value           REAL NOT NULL,
    value_high      REAL,                -- upper bound of a band
    tolerance       REAL NOT NULL DEFAULT 0.05,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    created_at      TEXT NOT NULL,
    CHECK ((scope_dimension IS NULL) = (scope_value IS NULL)),
    CHECK (direction <> 'band' OR value_high IS NOT NULL)
) STRICT;

-- User-defined metrics over base measures.
CREATE TABLE custom_metric (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    formula    TEXT NOT NULL,
    unit       TEXT NOT NULL,
    direction  TEXT NOT NULL CHECK (direction IN ('higher', 'lower', 'band', 'none')),
    created_at TEXT NOT NULL
) STRICT;

-- Root causes: why a metric moved, for a scope and a period range.
CREATE TABLE root_cause (
    id              INTEGER PRIMARY KEY,
    category        TEXT NOT NULL CHECK (category IN
                        ('people', 'process', 'technology', 'demand', 'customer', 'external', 'other')),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    evidence        TEXT NOT NULL DEFAULT '',
    author          TEXT NOT NULL DEFAULT '',
    visibility      TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'client')),
    scope_dimension TEXT CHECK (scope_dimension IN ('program', 'queue', 'channel', 'site', 'team')),
    scope_value     TEXT,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE TABLE root_cause_metric (
    cause_id  INTEGER NOT NULL REFERENCES root_cause(id) ON DELETE CASCADE,
    metric_id TEXT NOT NULL,
    PRIMARY KEY (cause_id, metric_id)
) STRICT;
CREATE TABLE root_cause_revision (
    id        INTEGER PRIMARY KEY,
    cause_id  INTEGER NOT NULL REFERENCES root_cause(id) ON DELETE CASCADE,
    snapshot  TEXT NOT NULL,            -- the cause as it was before the edit (JSON)
    edited_at TEXT NOT NULL
) STRICT;

-- Improvement actions and their progress.
CREATE TABLE action (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    start_date      TEXT,
    due_date        TEXT,
    completed_on    TEXT,
    status          TEXT NOT NULL DEFAULT 'planned'
                        CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    metric_id       TEXT,
    scope_dimension TEXT CHECK (scope_dimension IN ('program', 'queue', 'channel', 'site', 'team')),
    scope_value     TEXT,
    expected_kind   TEXT CHECK (expected_kind IN ('target', 'change')),
    expected_value  REAL,
    cost            REAL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE TABLE action_cause (
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    cause_id  INTEGER NOT NULL REFERENCES root_cause(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, cause_id)
) STRICT;
CREATE TABLE action_note (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    noted_on   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Saved column mappings, reused automatically for next quarter's file.
CREATE TABLE mapping (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    spec       TEXT NOT NULL,            -- JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Each PDF export: its definition and a fingerprint of the data it used.
CREATE TABLE pack_snapshot (
    id           INTEGER PRIMARY KEY,
    created_at   TEXT NOT NULL,
    period_label TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (audience IN ('client', 'internal')),
    definition   TEXT NOT NULL,          -- JSON
    fingerprint  TEXT NOT NULL,
    file_name    TEXT,
    pdf_sha256   TEXT,
    app_version  TEXT NOT NULL
) STRICT;
