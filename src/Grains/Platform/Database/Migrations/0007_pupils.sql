CREATE TABLE pupils (
    id          uuid PRIMARY KEY,
    school_id   uuid NOT NULL REFERENCES schools (id),
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    class_name  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX pupils_school_class ON pupils (school_id, class_name, last_name, first_name);

-- A pupil may have several guardians, each with their own account; a guardian may have several pupils.
CREATE TABLE guardianships (
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    pupil_id   uuid NOT NULL REFERENCES pupils (id),
    PRIMARY KEY (user_id, pupil_id)
);

CREATE INDEX guardianships_pupil ON guardianships (pupil_id);
