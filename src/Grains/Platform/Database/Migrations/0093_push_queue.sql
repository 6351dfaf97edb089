-- A push notification to a user's installed app, queued in the transaction of what it tells (like mail_outbox) and
-- delivered from send_after (the end of the user's quiet hours, or now) to each device the user allowed.
CREATE TABLE push_queue (
    id         uuid PRIMARY KEY,
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    title      text NOT NULL,
    body       text NOT NULL,
    url        text NOT NULL,
    tag        text NOT NULL,
    send_after timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at    timestamptz
);

CREATE INDEX push_queue_due ON push_queue (send_after) WHERE sent_at IS NULL;
