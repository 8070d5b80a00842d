-- Live events too large for a PostgreSQL NOTIFY payload are stored there and announced by id.
-- SQLite serves one node and delivers events in process, so it never writes here; the table
-- keeps the two schemas alike.
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX live_events_created ON live_events(created_at);
