-- Exercises (分野横断的演習) and CEPTOAR training (セプター訓練). An exercise's liaison chains
-- are numbered E-R<n> from a counter of their own ('ER'; 'ET' for provisions), so a real R<n>
-- never skips or collides; the number sits in its own column (UNIQUE like the real one).
INSERT INTO counters (name, value) VALUES ('ER', 0), ('ET', 0);
ALTER TABLE chains ADD COLUMN exercise_number BIGINT;
CREATE UNIQUE INDEX chains_exercise_number ON chains(exercise_number);
ALTER TABLE chains ADD COLUMN exercise_id TEXT;
CREATE INDEX chains_exercise ON chains(exercise_id);

CREATE TABLE exercises (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    organiser_org TEXT NOT NULL REFERENCES organisations(id),
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    ended_at BIGINT,
    cleaned_at BIGINT
);
CREATE INDEX exercises_organiser ON exercises(organiser_org, created_at);

CREATE TABLE exercise_participants (
    exercise_id TEXT NOT NULL REFERENCES exercises(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (exercise_id, org_id)
);
CREATE INDEX exercise_participants_org ON exercise_participants(org_id, exercise_id);

CREATE TABLE exercise_injects (
    exercise_id TEXT NOT NULL REFERENCES exercises(id),
    seq BIGINT NOT NULL,
    offset_minutes BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp TEXT NOT NULL,
    fired_at BIGINT,
    check_id TEXT,
    PRIMARY KEY (exercise_id, seq)
);

CREATE TABLE exercise_lessons (
    exercise_id TEXT NOT NULL REFERENCES exercises(id),
    seq BIGINT NOT NULL,
    text TEXT NOT NULL,
    owner_org TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (exercise_id, seq)
);
