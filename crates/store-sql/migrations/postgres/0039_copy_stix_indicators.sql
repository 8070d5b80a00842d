-- The indicators the STIX export names for a copy (the application's JSON list), derived from
-- the copy's form once, when the copy is written: a copy never changes, so neither do they, and
-- a TAXII read no longer re-runs the extractor on every copy of every page. NULL for a copy
-- written before this: its indicators are derived on its first export and kept then. Should the
-- extractor ever change what it finds, a migration that sets this column back to NULL makes
-- every copy's indicators be derived again.
ALTER TABLE copies ADD COLUMN stix_indicators TEXT;
