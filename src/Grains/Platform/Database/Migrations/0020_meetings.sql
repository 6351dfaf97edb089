-- Parent–teacher meetings: the evenings a school opens, the teachers taking part (with the classes they
-- see parents for), and each teacher's timetable: breaks and appointments, one row per slot. The
-- timetable grain decides; the primary keys make a slot held twice impossible even so.

CREATE TABLE meeting_evenings (
    id                          uuid PRIMARY KEY,
    school_id                   uuid NOT NULL REFERENCES schools (id),
    name                        text NOT NULL,
    -- The day and times as the school reads them (Brussels); the booking window is a pair of instants.
    day                         date NOT NULL,
    starts                      time NOT NULL,
    ends                        time NOT NULL,
    slot_minutes                int NOT NULL CHECK (slot_minutes BETWEEN 5 AND 60),
    opens_at                    timestamptz NOT NULL,
    closes_at                   timestamptz NOT NULL,
    max_per_pupil               int CHECK (max_per_pupil > 0),
    max_per_parent_per_teacher  int NOT NULL CHECK (max_per_parent_per_teacher > 0),
    -- Whether a parent must keep one free slot between two of their appointments (to walk between rooms).
    gap_between                 boolean NOT NULL,
    created_at                  timestamptz NOT NULL,
    CHECK (ends > starts),
    CHECK (closes_at > opens_at)
);

CREATE INDEX meeting_evenings_school ON meeting_evenings (school_id, day);

CREATE TABLE meeting_teachers (
    evening_id  uuid NOT NULL REFERENCES meeting_evenings (id),
    teacher_id  uuid NOT NULL REFERENCES users (id),
    room        text,
    classes     text[] NOT NULL,
    PRIMARY KEY (evening_id, teacher_id)
);

CREATE TABLE meeting_breaks (
    evening_id  uuid NOT NULL,
    teacher_id  uuid NOT NULL,
    slot        int NOT NULL CHECK (slot >= 0),
    PRIMARY KEY (evening_id, teacher_id, slot),
    FOREIGN KEY (evening_id, teacher_id) REFERENCES meeting_teachers
);

CREATE TABLE meeting_appointments (
    evening_id  uuid NOT NULL,
    teacher_id  uuid NOT NULL,
    slot        int NOT NULL CHECK (slot >= 0),
    parent_id   uuid NOT NULL REFERENCES users (id),
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    booked_at   timestamptz NOT NULL,
    PRIMARY KEY (evening_id, teacher_id, slot),
    FOREIGN KEY (evening_id, teacher_id) REFERENCES meeting_teachers
);

CREATE INDEX meeting_appointments_parent ON meeting_appointments (evening_id, parent_id);
CREATE INDEX meeting_appointments_pupil ON meeting_appointments (evening_id, pupil_id);
