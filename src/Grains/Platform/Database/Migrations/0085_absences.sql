-- The reasons a school accepts for an absence ("Maladie", "Raison familiale"…), in the order its forms offer them. A
-- justifying reason makes the absence justified; the list starts empty in a new school and its manager fills it.
CREATE TABLE absence_reasons (
    school_id   uuid NOT NULL REFERENCES schools (id),
    code        text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,20}$'),
    label       text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 80),
    justifying  boolean NOT NULL,
    position    integer NOT NULL,
    PRIMARY KEY (school_id, code)
);

-- A pupil absent for a half-day, or for the whole day (which counts for both halves). The register of a class writes
-- its half-day in one go: a pupil ticked becomes absent, one unticked loses the register's absence of that half-day,
-- never one written by someone else. A pupil has at most one absence per half-day (or day) kept here.
CREATE TABLE absences (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    pupil_id     uuid NOT NULL REFERENCES pupils (id),
    day          date NOT NULL,
    part         text NOT NULL CHECK (part IN ('morning', 'afternoon', 'day')),
    -- NULL: not justified (yet).
    reason_code  text,
    source       text NOT NULL CHECK (source IN ('register')),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    UNIQUE (pupil_id, day, part),
    FOREIGN KEY (school_id, reason_code) REFERENCES absence_reasons (school_id, code)
);

CREATE INDEX absences_by_school_day ON absences (school_id, day);
