-- Timestamps are microseconds since the Unix epoch (UTC), except the audit log's `at`, which is
-- the exact RFC 3339 text that was hashed. Flags are 0/1 integers, lists are JSON text: the same
-- shape as the PostgreSQL schema, so that one body of queries serves both.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sectors TEXT NOT NULL,
    ceptoars TEXT NOT NULL,
    nisc_partner BIGINT NOT NULL,
    aliases TEXT NOT NULL,
    domains TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    department TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    employment TEXT NOT NULL,
    need_to_know TEXT,
    active BIGINT NOT NULL,
    locale TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX people_org ON people(org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked BIGINT NOT NULL
);
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO counters (name, value) VALUES ('R', 0), ('T', 0);

CREATE TABLE chains (
    id TEXT PRIMARY KEY,
    number BIGINT UNIQUE,
    sector TEXT NOT NULL,
    statutory BIGINT NOT NULL,
    origin_org TEXT NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    latest_report_no BIGINT NOT NULL,
    exercise BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    chain_id TEXT NOT NULL REFERENCES chains(id),
    report_no BIGINT NOT NULL,
    ident TEXT UNIQUE,
    numbered_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (chain_id, report_no)
);

CREATE TABLE copies (
    id TEXT PRIMARY KEY,
    chain_id TEXT NOT NULL REFERENCES chains(id),
    report_id TEXT NOT NULL REFERENCES reports(id),
    report_no BIGINT NOT NULL,
    hop_kind TEXT NOT NULL,
    sender_org TEXT NOT NULL,
    sender_person TEXT NOT NULL,
    addressee_org TEXT NOT NULL,
    added_recipients TEXT NOT NULL,
    tlp TEXT NOT NULL,
    importance TEXT,
    sector TEXT NOT NULL,
    held_by_nisc BIGINT NOT NULL,
    anonymised BIGINT NOT NULL,
    parent_id TEXT,
    form TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX copies_chain ON copies(chain_id, created_at);
CREATE INDEX copies_created ON copies(created_at, id);

-- The policy's audience keys per copy: "what may this person read" becomes an index lookup.
CREATE TABLE copy_audience (
    key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    copy_id TEXT NOT NULL REFERENCES copies(id),
    PRIMARY KEY (key, created_at, copy_id)
);
CREATE INDEX copy_audience_copy ON copy_audience(copy_id, key);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    actor_org TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Kept apart from the entries so that deleting the newest entries is detectable.
CREATE TABLE audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
