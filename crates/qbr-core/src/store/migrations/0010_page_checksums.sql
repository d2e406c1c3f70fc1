-- Format 10: every page ends with 8 reserved bytes holding a checksum of the rest of the page
-- (store/checksum.rs), so that a damaged page is found when it is read. No table changes: the
-- reserved bytes are set by a VACUUM after this migration commits (Workspace::open), which
-- writes every page again with its checksum. Older versions of QBR Desk, which would write pages
-- without updating their checksums, refuse a file of this format as newer.
SELECT 1;
