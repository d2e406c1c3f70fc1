-- Format 11: the duplicates an import meets are kept in blocks instead of one row each.
-- Forward-only: never edit a migration that has shipped; add the next one.
--
-- A duplicate is a copy of a contact another import (or an earlier row of the same file)
-- already holds. It does not count; it is kept so that undoing the holding import hands the
-- contact to the import that offered the copy. Kept as rows of `interaction_duplicate` (two index
-- entries each), a file half of whose contacts were already in the workspace spent most of its
-- import writing them. A block holds up to 4,096 copies offered by one batch on one day from one
-- source, encoded as contact blocks are (store/contacts.rs), with each slot's key hash beside,
-- which is what undoing the holding import looks for. The rows of format 7 are moved into blocks
-- by the migration's Rust step (store/migrations.rs), which then drops `interaction_duplicate`.
CREATE TABLE duplicate_block (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batch(id), -- the import that offered the copies
    day      TEXT NOT NULL,      -- every copy of the block starts on this day (workspace zone)
    source   TEXT NOT NULL,      -- the batch's preset or 'generic'
    contacts INTEGER NOT NULL,   -- copies kept (a slot whose copy was handed over is left empty)
    keys     BLOB NOT NULL,      -- per slot, the xxh3 of source and key (8 bytes LE; 0: empty)
    data     BLOB NOT NULL       -- codec byte, then the slots (postcard), LZ4-compressed
) STRICT;
CREATE INDEX duplicate_block_batch ON duplicate_block(batch_id);
CREATE INDEX duplicate_block_day ON duplicate_block(day);
