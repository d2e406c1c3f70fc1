-- Format 8: a service level a source reports only as a percentage (a daily totals file with
-- "Service Level (20 Seconds)" and no counts), kept as two additive measures so that it adds up
-- as a ratio of sums: `sl_reported_met` is the share times the contacts it speaks of (offered,
-- else handled), `sl_reported_base` those contacts. The service level metric falls back to
-- Σsl_reported_met / Σsl_reported_base, labelled as reported by the source, only where a scope
-- has no answered-in-threshold counts.
-- Forward-only: never edit a migration that has shipped; add the next one.
ALTER TABLE fact ADD COLUMN sl_reported_met REAL;
ALTER TABLE fact ADD COLUMN sl_reported_base REAL;
ALTER TABLE fact_rollup ADD COLUMN sl_reported_met REAL;
ALTER TABLE fact_rollup ADD COLUMN sl_reported_base REAL;
ALTER TABLE interval_row ADD COLUMN sl_reported_met REAL;
ALTER TABLE interval_row ADD COLUMN sl_reported_base REAL;
