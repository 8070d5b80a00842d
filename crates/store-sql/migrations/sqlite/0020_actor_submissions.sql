-- What the other actors of the diagram send NISC (N16, N18, N19): attack techniques, recovery
-- methods, damage, terrorism-related and related information. Numbered S<n> from counter 'S'.
CREATE TABLE actor_submissions (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    sender_org TEXT NOT NULL,
    sender_person TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp TEXT NOT NULL,
    importance TEXT,
    sectors TEXT NOT NULL,
    -- The source item NISC recorded from it, once it has.
    source_item TEXT REFERENCES source_items(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX actor_submissions_sender ON actor_submissions(sender_org, created_at);
CREATE INDEX actor_submissions_created ON actor_submissions(created_at);
INSERT INTO counters (name, value) VALUES ('S', 0);
