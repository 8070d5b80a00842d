-- The case listing: what keyword search matches (the form's text, normalised by the
-- application; NULL for copies stored before this column, filled in at start-up), and the
-- onward hops of a copy, which decide whether a received copy is still to be forwarded.
ALTER TABLE copies ADD COLUMN search_text TEXT;
CREATE INDEX copies_parent ON copies(parent_id, sender_org);
