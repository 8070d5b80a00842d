-- リスク登録簿: an organisation's risk criteria (the domain's RiskCriteria in JSON) and its
-- entries (services, assets, risks, treatment plans; the app's JSON body), with the columns
-- storage selects on: kind, parent (a treatment's risk), treatment status and deadline
-- (YYYY-MM-DD), and a risk's 要再評価 flag (JSON).
CREATE TABLE risk_criteria (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    criteria TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE risk_entries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    parent_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    due_on TEXT,
    reassess TEXT,
    created_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX risk_entries_org ON risk_entries(org_id, kind, created_at);
CREATE INDEX risk_entries_due ON risk_entries(due_on) WHERE kind = 'treatment' AND status <> 'done';

-- CP / BCP / IT-BCP / 事業復旧計画 of an organisation, the app's JSON body with the review date.
CREATE TABLE continuity_plans (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    review_on TEXT,
    created_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX continuity_plans_org ON continuity_plans(org_id, kind);

-- Reminders of a treatment deadline or a plan review date, one per (entry, date, phase),
-- claimed by a node before it sends (as deadline_reminders).
CREATE TABLE risk_reminders (
    ref_id TEXT NOT NULL,
    due_on TEXT NOT NULL,
    phase TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    sent_at BIGINT,
    PRIMARY KEY (ref_id, due_on, phase)
);
