-- 突合: NISC links liaison chains into incidents (インシデント), numbered I<n> from counter 'I';
-- a chain is in one incident at most. Candidate pairs NISC dismissed are not proposed again
-- (chain_a before chain_b in byte order, as the application orders them).
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX incidents_created ON incidents(created_at);

CREATE TABLE incident_chains (
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    chain_id TEXT NOT NULL UNIQUE REFERENCES chains(id),
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, chain_id)
);

CREATE TABLE cross_check_dismissals (
    chain_a TEXT NOT NULL REFERENCES chains(id),
    chain_b TEXT NOT NULL REFERENCES chains(id),
    dismissed_by TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (chain_a, chain_b)
);
INSERT INTO counters (name, value) VALUES ('I', 0);
