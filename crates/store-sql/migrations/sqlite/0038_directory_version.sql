-- The organisation directory's version: bumped in the transaction of every change to
-- `organisations`, so that each node may keep the directory in memory and reload it only when
-- the version it read differs from the one its copy was loaded at.
INSERT INTO counters (name, value) VALUES ('directory', 0);
