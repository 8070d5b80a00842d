-- 安全基準等: a sector's safety standard (the domain's SafetyStandard as JSON in body).
CREATE TABLE safety_standards (
    id TEXT PRIMARY KEY,
    sector TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- 自己評価: one per organisation, standard and fiscal year; items and shared_with as JSON.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    standard_id TEXT NOT NULL REFERENCES safety_standards(id),
    year INTEGER NOT NULL,
    edition TEXT NOT NULL,
    items TEXT NOT NULL,
    shared_with TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, standard_id, year)
);
CREATE INDEX assessments_org ON assessments(org_id, year);

-- Recurring tasks of the measures (backups and restore tests, access reviews…): the day an
-- organisation last did each.
CREATE TABLE assessment_tasks (
    org_id TEXT NOT NULL,
    item TEXT NOT NULL,
    done_on TEXT NOT NULL,
    done_by TEXT NOT NULL,
    PRIMARY KEY (org_id, item)
);

-- 浸透状況調査: one survey per fiscal year, to the operators of the sectors listed (JSON).
CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    sectors TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT
);

-- An operator's answer to a survey (answers as JSON), replaced on resubmission while open.
CREATE TABLE survey_responses (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    org_id TEXT NOT NULL,
    sector TEXT NOT NULL,
    answers TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, org_id)
);
