-- An evening's meetings summary opened by a guardian for a child, as the documents list shows it beside uploaded
-- documents, invoices and order confirmations. Unlike those, the summary changes: a booking for the child after
-- opened_at makes it unread again, so opening it again moves opened_at forward instead of keeping the first time.
-- The evening's deletion takes its reads along: the summary it was is gone.
CREATE TABLE meeting_summary_reads (
    evening_id  uuid NOT NULL REFERENCES meeting_evenings (id) ON DELETE CASCADE,
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    opened_at   timestamptz NOT NULL,
    PRIMARY KEY (evening_id, pupil_id, user_id)
);
