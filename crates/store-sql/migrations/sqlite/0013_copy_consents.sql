-- Consent requests also for liaison copies: a holder that would forward a copy under a looser
-- TLP than its sender chose asks that sender first. Such a request names no provision; its
-- source is `copy:<id>` and it records the requesting organisation. SQLite cannot relax a NOT
-- NULL column, so the table is rebuilt (nothing references it).
CREATE TABLE consent_requests_new (
    id TEXT PRIMARY KEY,
    provision_id TEXT REFERENCES provisions(id),
    source TEXT NOT NULL,
    decider_org TEXT NOT NULL,
    sectors TEXT NOT NULL,
    tlp TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT,
    decided_at INTEGER,
    created_at INTEGER NOT NULL,
    requester_org TEXT,
    CHECK ((provision_id IS NULL) = (source LIKE 'copy:%'))
);
INSERT INTO consent_requests_new (id, provision_id, source, decider_org, sectors, tlp, status, note,
    decided_by, decided_at, created_at, requester_org)
SELECT id, provision_id, source, decider_org, sectors, tlp, status, note, decided_by, decided_at,
    created_at, NULL
FROM consent_requests;
DROP TABLE consent_requests;
ALTER TABLE consent_requests_new RENAME TO consent_requests;
CREATE INDEX consent_requests_provision ON consent_requests(provision_id, created_at);
CREATE INDEX consent_requests_decider ON consent_requests(decider_org, created_at);
CREATE INDEX consent_requests_source ON consent_requests(source, created_at);
