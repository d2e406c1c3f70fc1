-- Format 7: contacts are kept in blocks instead of one row each.
-- Forward-only: never edit a migration that has shipped; add the next one.
--
-- A row of `interaction` cost a B-tree row and four index entries: about 8 µs of CPU per contact
-- on import, and 200 bytes of file. A block holds up to 4,096 contacts of one batch and one day,
-- encoded and compressed (store/contacts.rs), and is written as one row: the import of a
-- quarter writes a few hundred rows instead of millions. Nothing reads contacts but the import
-- itself (duplicates, replacements, undo, recomputing a day), survey linking and repeat-contact
-- FCR, and all of those read whole days.
--
-- A contact an import took over (interaction_superseded) remembers the block and slot it left,
-- so undoing the import puts it back where it was. The rows of format 6 are moved into blocks by
-- the migration's Rust step (store/migrations.rs), which then drops `interaction`.
CREATE TABLE contact_block (
    id               INTEGER PRIMARY KEY,
    batch_id         INTEGER NOT NULL REFERENCES import_batch(id),
    day              TEXT NOT NULL,      -- every contact of the block starts on this day (workspace zone)
    source           TEXT NOT NULL,      -- the batch's preset or 'generic': keys are unique per source
    contacts         INTEGER NOT NULL,   -- contacts held (slots left empty by a takeover not counted)
    last_customer_at INTEGER,            -- latest started_at of a contact with a customer key
    keys             BLOB NOT NULL,      -- per slot, the xxh3 of source and key (8 bytes LE; 0: empty)
    data             BLOB NOT NULL       -- codec byte, then the slots (postcard), LZ4-compressed
) STRICT;
CREATE INDEX contact_block_batch_day ON contact_block(batch_id, day);
CREATE INDEX contact_block_day ON contact_block(day);

CREATE TABLE interaction_superseded_7 (
    replaced_by       INTEGER NOT NULL REFERENCES import_batch(id),
    block_id          INTEGER,           -- the block and slot it left (NULL: moved from format 6)
    slot              INTEGER,
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
INSERT INTO interaction_superseded_7 (replaced_by, batch_id, source, contact_key, started_at, day,
    channel_id, program_id, queue_id, site_id, team_id, agent_id, customer_key, direction, outcome,
    wait_s, talk_s, hold_s, wrap_s, handle_s, transferred, resolved, csat, nps, ces,
    source_updated_at)
SELECT replaced_by, batch_id, source, contact_key, started_at, day,
    channel_id, program_id, queue_id, site_id, team_id, agent_id, customer_key, direction, outcome,
    wait_s, talk_s, hold_s, wrap_s, handle_s, transferred, resolved, csat, nps, ces,
    source_updated_at
FROM interaction_superseded ORDER BY rowid;
DROP TABLE interaction_superseded;
ALTER TABLE interaction_superseded_7 RENAME TO interaction_superseded;
CREATE INDEX interaction_superseded_by ON interaction_superseded(replaced_by);
CREATE INDEX interaction_superseded_batch ON interaction_superseded(batch_id);
