-- Format 5: cheaper contact writes for large imports.
-- Forward-only: never edit a migration that has shipped; add the next one.

-- Surveys find the contact they are about by its key: the unique (source, contact_key) index
-- serves that lookup once the (short, closed) list of sources is named, so a second index on
-- the key alone only cost every import one more B-tree insert per contact.
DROP INDEX interaction_contact_key;
