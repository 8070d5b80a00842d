-- 情報提供 (information provision): NISC's notices T<n> / T<n>-<k>, the sources they draw on,
-- their audience keys, per-recipient deliveries, relays and consent requests. Same portable
-- shape as 0001: BIGINT-sized microseconds for time, 0/1 integers for flags, JSON text for lists.

-- Sources NISC recorded that are not liaison chains (vendor advisories, JPCERT/CC alerts…).
CREATE TABLE source_items (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    url TEXT NOT NULL,
    tlp TEXT NOT NULL,
    allowed_sectors TEXT,
    identifiers TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX source_items_created ON source_items(created_at, id);

-- A provision chain; numbered T<n> from the counter row 'T' when its first report is sent.
CREATE TABLE provision_chains (
    id TEXT PRIMARY KEY,
    number INTEGER UNIQUE,
    created_at INTEGER NOT NULL
);

-- One report (第k報) of a chain: a draft ('draft') until sent ('sent', with ident and sent_at).
CREATE TABLE provisions (
    id TEXT PRIMARY KEY,
    chain_id TEXT NOT NULL REFERENCES provision_chains(id),
    report_no INTEGER NOT NULL,
    ident TEXT UNIQUE,
    state TEXT NOT NULL,
    form TEXT NOT NULL,
    tlp TEXT NOT NULL,
    importance TEXT,
    sectors TEXT NOT NULL,
    sources TEXT NOT NULL,
    resolutions TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (chain_id, report_no)
);
CREATE INDEX provisions_state ON provisions(state, created_at, id);

-- The policy's audience keys per sent provision, as for copies (created_at = sent_at).
CREATE TABLE provision_audience (
    key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    provision_id TEXT NOT NULL REFERENCES provisions(id),
    PRIMARY KEY (key, created_at, provision_id)
);
CREATE INDEX provision_audience_provision ON provision_audience(provision_id, key);

-- An organisation passing a provision on; recipients is a JSON list of organisation ids.
CREATE TABLE provision_relays (
    id TEXT PRIMARY KEY,
    provision_id TEXT NOT NULL REFERENCES provisions(id),
    from_org TEXT NOT NULL,
    by_person TEXT NOT NULL,
    recipients TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX provision_relays_provision ON provision_relays(provision_id, at);

-- Per-recipient state; an organisation reached twice keeps its first delivery.
CREATE TABLE provision_deliveries (
    provision_id TEXT NOT NULL REFERENCES provisions(id),
    org_id TEXT NOT NULL,
    via_org TEXT,
    relay_id TEXT REFERENCES provision_relays(id),
    delivered_at INTEGER NOT NULL,
    read_at INTEGER,
    acked_at INTEGER,
    ack_note TEXT NOT NULL,
    PRIMARY KEY (provision_id, org_id)
);
CREATE INDEX provision_deliveries_org ON provision_deliveries(org_id, delivered_at);

-- Requests to a source's sender to widen the scope it allowed: 'pending' → 'approved'/'refused'.
CREATE TABLE consent_requests (
    id TEXT PRIMARY KEY,
    provision_id TEXT NOT NULL REFERENCES provisions(id),
    source TEXT NOT NULL,
    decider_org TEXT NOT NULL,
    sectors TEXT NOT NULL,
    tlp TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT,
    decided_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX consent_requests_provision ON consent_requests(provision_id, created_at);
CREATE INDEX consent_requests_decider ON consent_requests(decider_org, created_at);
