-- 連携要請: NISC's requests for cooperation (N15, N17), numbered K<n> from counter 'K'; each
-- addressee's answer state, and one reply thread per addressee.
CREATE TABLE coop_requests (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX coop_requests_created ON coop_requests(created_at);

CREATE TABLE coop_addressees (
    request_id TEXT NOT NULL REFERENCES coop_requests(id),
    org TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, org)
);
CREATE INDEX coop_addressees_org ON coop_addressees(org);

CREATE TABLE coop_messages (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES coop_requests(id),
    thread_org TEXT NOT NULL,
    author TEXT NOT NULL,
    author_org TEXT NOT NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX coop_messages_thread ON coop_messages(request_id, thread_org, at);
INSERT INTO counters (name, value) VALUES ('K', 0);
