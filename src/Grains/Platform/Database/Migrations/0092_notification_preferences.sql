-- A user's notification settings: quiet hours (Brussels wall-clock, may cross midnight; none when null) and the hour of
-- the daily digest. A user without a row has the defaults: no quiet hours, digest at 18:00.
CREATE TABLE notification_settings (
    user_id     uuid PRIMARY KEY REFERENCES users (id),
    quiet_start time,
    quiet_end   time,
    digest_at   time NOT NULL DEFAULT '18:00',
    updated_at  timestamptz NOT NULL,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL) AND (quiet_start IS NULL OR quiet_start <> quiet_end))
);

-- Per user and kind: the e-mail at once, in the digest, or not at all, and whether to push. No row: at once, and push.
CREATE TABLE notification_preferences (
    user_id uuid NOT NULL REFERENCES users (id),
    kind    text NOT NULL,
    email   text NOT NULL CHECK (email IN ('immediate', 'digest', 'off')),
    push    boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- What the next daily digest of a user lists; digest_day says which digest took it (null: still waiting).
CREATE TABLE notification_digest_items (
    id         uuid PRIMARY KEY,
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    kind       text NOT NULL,
    subject    text NOT NULL,
    summary    text NOT NULL,
    url        text NOT NULL,
    home       text NOT NULL,
    created_at timestamptz NOT NULL,
    digest_day date
);

CREATE INDEX notification_digest_items_waiting ON notification_digest_items (user_id, created_at) WHERE digest_day IS NULL;

-- One digest per user and Brussels day: the row is claimed in the transaction that marks its items and queues its mail.
CREATE TABLE notification_digests (
    user_id uuid NOT NULL REFERENCES users (id),
    day     date NOT NULL,
    sent_at timestamptz NOT NULL,
    items   integer NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- Secrets of this installation, drawn here once (never a default): 'unsubscribe' signs the mails' unsubscribe links.
-- gen_random_uuid() is a strong random source; two of them and the clock, through SHA-256, make a 256-bit key.
CREATE TABLE installation_secrets (
    name   text PRIMARY KEY,
    secret bytea NOT NULL
);

INSERT INTO installation_secrets (name, secret)
VALUES ('unsubscribe', sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')));

-- A non-essential mail's one-click unsubscribe address (List-Unsubscribe, RFC 8058); null for essential mail.
ALTER TABLE mail_outbox ADD COLUMN unsubscribe_url text;

-- The family news already told (a new invoice, document, order or absence to justify), one row per thing: claimed in the
-- transaction that routes its notifications, so each is told once whichever node runs the pass. What existed before
-- this migration counts as told.
CREATE TABLE family_news_told (
    source     text NOT NULL CHECK (source IN ('invoice', 'document', 'order', 'absence')),
    subject_id uuid NOT NULL,
    told_at    timestamptz NOT NULL,
    PRIMARY KEY (source, subject_id)
);

INSERT INTO family_news_told (source, subject_id, told_at)
SELECT 'invoice', id, now() FROM invoices
UNION ALL SELECT 'document', id, now() FROM documents
UNION ALL SELECT 'order', id, now() FROM orders
UNION ALL SELECT 'absence', id, now() FROM absences;
