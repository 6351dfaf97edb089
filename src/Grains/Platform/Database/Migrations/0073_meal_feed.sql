-- Meals' calendar feed and reminder mail. A feed's address carries a random token that only its guardian
-- holds: the database keeps its SHA-256, so a copy of the database opens no family's calendar. One per
-- guardian account and pupil; "Nouveau lien" replaces it, and the old address stops working at once.
CREATE TABLE meal_calendar_feeds (
    user_id     uuid NOT NULL REFERENCES users (id),
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    school_id   uuid NOT NULL REFERENCES schools (id),
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, pupil_id)
);

-- "Nothing booked next week" mails sent: the row is claimed in the transaction that queues the mail, so each
-- guardian gets one per pupil and week whichever node runs the job, however often. week is that week's Monday.
CREATE TABLE meal_reminders_sent (
    user_id   uuid NOT NULL REFERENCES users (id),
    pupil_id  uuid NOT NULL REFERENCES pupils (id),
    week      date NOT NULL CHECK (extract(isodow FROM week) = 1),
    sent_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, pupil_id, week)
);

-- Guardian accounts that asked for no more reminders; deleting the row opts back in.
CREATE TABLE meal_reminder_opt_outs (
    user_id        uuid PRIMARY KEY REFERENCES users (id),
    opted_out_at   timestamptz NOT NULL
);
