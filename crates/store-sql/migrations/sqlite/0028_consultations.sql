-- 相談: an operator consulting its ministry, its CEPTOAR or NISC before filing (手引書 Ⅱ.2.1),
-- numbered C<n> from counter 'C'; a thread of messages between the two organisations; the
-- liaison chain it led to.
CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    operator_org TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    addressee_org TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sector TEXT,
    service TEXT,
    status TEXT NOT NULL,
    chain_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_by TEXT,
    closed_at INTEGER
);
CREATE INDEX consultations_operator ON consultations(operator_org, number);
CREATE INDEX consultations_addressee ON consultations(addressee_org, status, number);

CREATE TABLE consultation_messages (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    author TEXT NOT NULL,
    author_org TEXT NOT NULL,
    body TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX consultation_messages_thread ON consultation_messages(consultation_id, at);
INSERT INTO counters (name, value) VALUES ('C', 0);
