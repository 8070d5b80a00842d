-- 問合せ: inquiry threads on a provision, opened by a ministry inside its scope with NISC.
CREATE TABLE inquiries (
    id TEXT PRIMARY KEY,
    provision_id TEXT NOT NULL REFERENCES provisions(id),
    ministry_org TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX inquiries_provision ON inquiries(provision_id, created_at);

CREATE TABLE inquiry_messages (
    id TEXT PRIMARY KEY,
    inquiry_id TEXT NOT NULL REFERENCES inquiries(id),
    author TEXT NOT NULL,
    author_org TEXT NOT NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX inquiry_messages_inquiry ON inquiry_messages(inquiry_id, at);
