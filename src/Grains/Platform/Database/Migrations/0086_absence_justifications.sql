-- What a school decides about absences beyond its reasons: how many days after an absence a family may still justify it
-- online, whether a parent's advance report cancels booked meals even after the meal cut-off, and whether a half-day of
-- which only some periods were missed counts as a half-day. A school without a row has the defaults the code states.
CREATE TABLE absence_settings (
    school_id                    uuid PRIMARY KEY REFERENCES schools (id),
    justify_within_days          integer NOT NULL CHECK (justify_within_days BETWEEN 0 AND 60),
    reports_release_after_cutoff boolean NOT NULL,
    partial_counts_as_half_day   boolean NOT NULL
);

-- A family's justification of one or more absences of a pupil, or the reason given with an advance report: a reason of
-- the school's list, a comment, and perhaps a scan (a medical certificate). The school accepts it (the absences take its
-- reason) or refuses it with a note the family reads. The request key makes a double click one justification.
CREATE TABLE absence_justifications (
    id             uuid PRIMARY KEY,
    school_id      uuid NOT NULL REFERENCES schools (id),
    pupil_id       uuid NOT NULL REFERENCES pupils (id),
    reason_code    text NOT NULL,
    comment        text NOT NULL CHECK (length(comment) <= 1000),
    scan_name      text,
    scan_type      text,
    scan           bytea,
    submitted_by   uuid NOT NULL REFERENCES users (id),
    submitted_at   timestamptz NOT NULL,
    request_key    uuid NOT NULL UNIQUE,
    status         text NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decided_by     text,
    decided_at     timestamptz,
    decision_note  text CHECK (length(decision_note) <= 1000),
    FOREIGN KEY (school_id, reason_code) REFERENCES absence_reasons (school_id, code),
    CHECK ((scan IS NULL) = (scan_name IS NULL) AND (scan IS NULL) = (scan_type IS NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE INDEX absence_justifications_pending ON absence_justifications (school_id, submitted_at) WHERE status = 'pending';

-- An absence now also comes from the school's software (import, with the line's own key so the same file twice changes
-- nothing) or from a parent's advance report; a half-day may name the periods missed (secondary schools), null for all.
-- A report's booked meals are released once: released_meals_at says it was done.
ALTER TABLE absences DROP CONSTRAINT absences_source_check;
ALTER TABLE absences ADD CONSTRAINT absences_source_check CHECK (source IN ('register', 'import', 'report'));
ALTER TABLE absences
    ADD COLUMN periods           smallint[] CHECK (periods IS NULL OR (cardinality(periods) BETWEEN 1 AND 12 AND 0 < ALL (periods) AND 13 > ALL (periods))),
    ADD COLUMN import_key        text CHECK (import_key IS NULL OR length(import_key) BETWEEN 1 AND 100),
    ADD COLUMN justification_id  uuid REFERENCES absence_justifications (id),
    ADD COLUMN released_meals_at timestamptz,
    ADD CHECK ((source = 'import') = (import_key IS NOT NULL)),
    ADD CHECK (periods IS NULL OR part <> 'day');

CREATE UNIQUE INDEX absences_import_key ON absences (school_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX absences_unreleased_reports ON absences (day) WHERE source = 'report' AND released_meals_at IS NULL;
