-- 報告期限: a sector's reporting policy (first report within N of 判明, a follow-up every M while
-- 続報あり, a final report within D), as the domain's ReportingPolicy in JSON. A sector without a
-- row has no deadlines.
CREATE TABLE reporting_policies (
    sector TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Reminders of a chain's deadlines, one per (chain, deadline, due time, phase): a node claims a
-- row (claimed_by, claimed_until in micros) before it sends, and sets sent_at after; a lapsed
-- unsent claim is taken over, a sent row never reminds again.
CREATE TABLE deadline_reminders (
    chain_id TEXT NOT NULL REFERENCES chains(id),
    deadline TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    phase TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    sent_at BIGINT,
    PRIMARY KEY (chain_id, deadline, due_at, phase)
);
CREATE INDEX chains_open_sector ON chains(status, sector);
