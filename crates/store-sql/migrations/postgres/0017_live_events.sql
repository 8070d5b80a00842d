-- Live events too large for a NOTIFY payload (PostgreSQL caps it at 8000 bytes: an event naming
-- thousands of reached organisations): the event is stored here and the notification carries
-- only `@<id>`; every node's listener reads it back. Rows older than an hour are deleted as new
-- ones arrive.
CREATE TABLE live_events (
    id BIGSERIAL PRIMARY KEY,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX live_events_created ON live_events(created_at);
