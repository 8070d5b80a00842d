-- 別紙・検体: files attached to one liaison copy (owner_kind 'copy') or one provision
-- (owner_kind 'provision'). The bytes live in the database, in chunks, so that both backends
-- keep them in the same transaction as their audit entry, the backup covers them, and a
-- download streams chunk by chunk.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_org TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id, uploaded_at);

CREATE TABLE attachment_chunks (
    attachment_id TEXT NOT NULL REFERENCES attachments(id),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
