-- 連絡先: each organisation's points of contact (24/7 emergency hotline, provisions, CEPTOAR),
-- with the day they were last verified (YYYY-MM-DD).
CREATE TABLE org_contacts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    hours TEXT NOT NULL,
    verified_on TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX org_contacts_org ON org_contacts(org_id, kind);

-- 連絡確認: a ping to chosen organisations' points of contact, acknowledged per organisation.
CREATE TABLE contact_checks (
    id TEXT PRIMARY KEY,
    sender_org TEXT NOT NULL,
    sender_person TEXT NOT NULL,
    message TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT
);
CREATE INDEX contact_checks_sender ON contact_checks(sender_org, sent_at);

CREATE TABLE contact_check_targets (
    check_id TEXT NOT NULL REFERENCES contact_checks(id),
    org_id TEXT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    PRIMARY KEY (check_id, org_id)
);
CREATE INDEX contact_check_targets_org ON contact_check_targets(org_id, check_id);
