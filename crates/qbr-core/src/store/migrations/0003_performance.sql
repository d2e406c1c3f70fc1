-- Workspace format 3: indexes for large workspaces (millions of contacts).
-- Forward-only: never edit a migration that has shipped; add the next one.

-- A batch's contacts of one day, as recomputing that day's facts reads them. With only an index
-- on batch_id, each day scanned every contact of the batch: quadratic in the size of an import.
-- The composite index serves every lookup by batch alone as well.
DROP INDEX interaction_batch;
CREATE INDEX interaction_batch_day ON interaction(batch_id, day);

-- The same for facts: recomputing a day deletes that batch's facts of that day.
DROP INDEX fact_batch;
CREATE INDEX fact_batch_day ON fact(batch_id, day);
