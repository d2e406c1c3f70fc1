-- Pack templates and pack snapshots (issue 6).
--
-- Named 0006 because 0005 is taken by another change in flight; the runner applies files in the
-- order of `migrations::MIGRATIONS`, not by the number in the name.
--
-- `pack_snapshot` of format 1 was never written by any version, so it is replaced rather than
-- altered: a snapshot now keeps the exact document it rendered (to re-render it byte for byte)
-- and a fingerprint in parts, so the app can say WHICH inputs changed since.

DROP TABLE pack_snapshot;

-- A named pack definition reused quarter after quarter: sections, metrics and their breakdown
-- dimension, audience, paper, prepared by and branding. The logo is kept as bytes so a template
-- does not depend on a file that may move.
CREATE TABLE pack_template (
    name        TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,            -- JSON (qbr-api's PackDefinition)
    logo        BLOB,
    logo_format TEXT CHECK (logo_format IN ('png', 'jpeg')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((logo IS NULL) = (logo_format IS NULL))
) STRICT;

CREATE TABLE pack_snapshot (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,        -- RFC 3339, UTC
    period_label    TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('client', 'internal')),
    template_name   TEXT,
    definition      TEXT NOT NULL,        -- JSON: what the user asked for
    document        TEXT NOT NULL,        -- JSON: the exact document rendered
    fp_facts        TEXT NOT NULL,        -- sha256 of the facts of the days the pack reads
    fp_annotations  TEXT NOT NULL,        -- sha256 of causes and actions it could show
    fp_definitions  TEXT NOT NULL,        -- sha256 of targets, variants, settings, custom metrics
    facts_from      TEXT NOT NULL,        -- first day of the facts fingerprinted
    facts_to        TEXT NOT NULL,        -- last day
    app_version     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    pages           INTEGER NOT NULL
) STRICT;
