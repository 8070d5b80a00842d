-- The in-app inbox: one durable row per person told about something, written set-based
-- (INSERT … SELECT over people) so a fan-out to thousands of organisations is one statement.
CREATE TABLE notifications (
    person_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    title TEXT NOT NULL,
    importance TEXT,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    PRIMARY KEY (person_id, kind, ref_id)
);
CREATE INDEX notifications_person ON notifications(person_id, created_at);
