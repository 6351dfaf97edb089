-- The school's events ("Réunion de parents", "Location Chromebooks"): a title, a text, when (whole days, or a start
-- and an end), for whom, and optionally a page of the school to open. Moments are UTC; an all-day event runs from
-- the Brussels midnight of its first day to that of the day after its last, so one comparison finds the upcoming ones.
CREATE TABLE school_events (
    id             uuid PRIMARY KEY,
    school_id      uuid NOT NULL REFERENCES schools (id),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    body           text NOT NULL CHECK (length(body) <= 4000),
    all_day        boolean NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- 'school': everyone; 'classes': pupils of the classes named; 'pupils': the pupils named (a pupil who left
    -- simply matches no more).
    audience       text NOT NULL CHECK (audience IN ('school', 'classes', 'pupils')),
    classes        text[] NOT NULL DEFAULT '{}',
    pupils         uuid[] NOT NULL DEFAULT '{}',
    -- A page of the school as a code and its argument ('meeting' + an evening's id, 'meals'), never an address.
    link_code      text CHECK (length(link_code) <= 40),
    link_argument  text CHECK (length(link_argument) <= 100),
    -- Counts the changes, as iCalendar's SEQUENCE: a calendar that synced an older version takes the newer one.
    sequence       int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX school_events_by_time ON school_events (school_id, ends_at);

-- The events' calendar feed, as the meals' (0073): one address per guardian account and pupil, of which only the
-- token's SHA-256 is kept; its own table, so that renewing one feed's address leaves the other's working.
CREATE TABLE event_calendar_feeds (
    user_id     uuid NOT NULL REFERENCES users (id),
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    school_id   uuid NOT NULL REFERENCES schools (id),
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, pupil_id)
);
