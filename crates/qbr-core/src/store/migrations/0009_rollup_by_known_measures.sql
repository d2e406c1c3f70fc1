-- Format 9: `fact_rollup` keeps facts that carry different measures in different rows, so a
-- reader can tell from a rollup row's NULLs which measures all of its facts carry, and a ratio
-- sums its denominator only where its numerator is known (metrics.md, "Unknown is not zero").
-- No column changes: every day is marked dirty here and rolled up again by the migration's Rust
-- step (store::rollup::refresh), in the same transaction.
INSERT OR IGNORE INTO rollup_dirty (day) SELECT DISTINCT day FROM fact;
