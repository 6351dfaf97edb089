-- The installation's VAPID key pair (P-256), made by the first node that starts without one in its configuration.
-- One row at most: nodes starting together each insert with ON CONFLICT DO NOTHING, then all read the row that won.
CREATE TABLE push_vapid_keys (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    public_key  text NOT NULL,
    private_key text NOT NULL,
    created_at  timestamptz NOT NULL
);

-- A device (a browser's push subscription under the school's service worker) on which a user allowed notifications.
-- An endpoint is one browser profile's: unique across users and schools, so that a device taken over by another
-- account sends to that account only.
CREATE TABLE push_subscriptions (
    id         uuid PRIMARY KEY,
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    endpoint   text NOT NULL UNIQUE,
    p256dh     text NOT NULL,
    auth       text NOT NULL,
    device     text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX push_subscriptions_user ON push_subscriptions (school_id, user_id);

-- A notice on its way to one device: made for each of the user's devices when the notice falls due (in the same
-- transaction that marks push_queue.sent_at), claimed under a lease by one node at a time, gone once the push service
-- took it, refused it for good, or the device went away.
CREATE TABLE push_deliveries (
    id              uuid PRIMARY KEY,
    notice_id       uuid NOT NULL REFERENCES push_queue (id) ON DELETE CASCADE,
    subscription_id uuid NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    UNIQUE (notice_id, subscription_id)
);

CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at);
