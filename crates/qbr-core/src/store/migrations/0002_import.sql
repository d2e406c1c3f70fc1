-- Import bookkeeping, so that undoing an import restores exactly the state before it.
-- Forward-only: never edit a migration that has shipped; add the next one.

-- A contact an import replaced with a newer delivery of itself (Amazon Connect's latest
-- LastUpdateTimestamp wins). The row is kept as it was, under the batch that held it, until the
-- replacing import is undone (the row goes back) or the holding import is undone (it is dropped).
CREATE TABLE interaction_superseded (
    replaced_by       INTEGER NOT NULL REFERENCES import_batch(id),
    id                INTEGER NOT NULL,
    batch_id          INTEGER NOT NULL REFERENCES import_batch(id),
    source            TEXT NOT NULL,
    contact_key       TEXT NOT NULL,
    started_at        INTEGER NOT NULL,
    day               TEXT NOT NULL,
    channel_id        INTEGER REFERENCES channel(id),
    program_id        INTEGER REFERENCES program(id),
    queue_id          INTEGER REFERENCES queue(id),
    site_id           INTEGER REFERENCES site(id),
    team_id           INTEGER REFERENCES team(id),
    agent_id          INTEGER REFERENCES agent(id),
    customer_key      TEXT,
    direction         TEXT,
    outcome           TEXT NOT NULL,
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
    source_updated_at INTEGER
) STRICT;
CREATE INDEX interaction_superseded_by ON interaction_superseded(replaced_by);
CREATE INDEX interaction_superseded_batch ON interaction_superseded(batch_id);

-- A contact an import offered again while another import already held it (overlapping exports).
-- It does not count; it is kept so that undoing the holding import hands the contact to this one
-- instead of losing it.
CREATE TABLE interaction_duplicate (
    batch_id          INTEGER NOT NULL REFERENCES import_batch(id),
    source            TEXT NOT NULL,
    contact_key       TEXT NOT NULL,
    started_at        INTEGER NOT NULL,
    day               TEXT NOT NULL,
    channel_id        INTEGER REFERENCES channel(id),
    program_id        INTEGER REFERENCES program(id),
    queue_id          INTEGER REFERENCES queue(id),
    site_id           INTEGER REFERENCES site(id),
    team_id           INTEGER REFERENCES team(id),
    agent_id          INTEGER REFERENCES agent(id),
    customer_key      TEXT,
    direction         TEXT,
    outcome           TEXT NOT NULL,
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
    source_updated_at INTEGER
) STRICT;
CREATE INDEX interaction_duplicate_contact ON interaction_duplicate(source, contact_key);
CREATE INDEX interaction_duplicate_batch ON interaction_duplicate(batch_id);

-- Surveys find the contact they are about by its key alone (the unique index leads with source).
CREATE INDEX interaction_contact_key ON interaction(contact_key);

-- Dimension members an import created, removed again by its undo when nothing else uses them.
CREATE TABLE import_member (
    batch_id  INTEGER NOT NULL REFERENCES import_batch(id),
    dimension TEXT NOT NULL CHECK (dimension IN ('program', 'queue', 'channel', 'site', 'team', 'agent')),
    member_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, dimension, member_id)
) STRICT;
