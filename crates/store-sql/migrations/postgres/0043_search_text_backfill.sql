-- The copies still without search text (stored before keyword search existed), which the server
-- computes once at start-up (`App::index_search_text`). The index holds only those rows, so on a
-- database where every copy has its text (the normal case) the start-up's look for them is one
-- probe of an empty index, not a walk through every copy.
CREATE INDEX copies_without_search_text ON copies(created_at, id) WHERE search_text IS NULL;
