-- A listing filtered to one sector walks each audience key's range within that sector: the
-- copy's sector (which never changes) is kept beside each of its audience keys, with an index
-- that starts with both. A ministry's GREEN copies of one sector are then one range, not every
-- GREEN copy of the nation read and dropped.
ALTER TABLE copy_audience ADD COLUMN sector TEXT NOT NULL DEFAULT '';
UPDATE copy_audience a SET sector = c.sector FROM copies c WHERE c.id = a.copy_id;
CREATE INDEX copy_audience_sector_walk ON copy_audience(key, sector, created_at, copy_id);
