-- Invitations, first connection, password reset, lockout and the e-mail outbox.

ALTER TABLE users
    -- Changes when the person chooses "sign out everywhere" or resets the password: every session cookie
    -- carries the stamp it was issued with and dies at its next request once they differ.
    ADD COLUMN session_stamp       uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN invited_at          timestamptz,
    ADD COLUMN first_signed_in_at  timestamptz,
    ADD COLUMN last_signed_in_at   timestamptz;

-- One-time login tokens ("jetons de connexion"); only their SHA-256 is kept.
CREATE TABLE login_tokens (
    id          uuid PRIMARY KEY,
    school_id   uuid NOT NULL REFERENCES schools (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    token_hash  bytea NOT NULL UNIQUE,
    purpose     text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    -- Set when a newer token for the same person replaces this one.
    revoked_at  timestamptz
);

CREATE INDEX login_tokens_open_by_user ON login_tokens (user_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- Failed sign-ins counted per login *as typed*, whether or not such an account exists, so that a lockout
-- tells an attacker nothing about which names are real.
CREATE TABLE sign_in_failures (
    school_id          uuid NOT NULL REFERENCES schools (id),
    login              text NOT NULL,
    failures           integer NOT NULL,
    window_started_at  timestamptz NOT NULL,
    locked_until       timestamptz,
    PRIMARY KEY (school_id, login)
);

-- Mail is written here first and delivered by a background sender, so an SMTP outage loses nothing.
CREATE TABLE mail_outbox (
    id                 uuid PRIMARY KEY,
    school_id          uuid NOT NULL REFERENCES schools (id),
    recipient_address  text NOT NULL,
    recipient_name     text NOT NULL,
    subject            text NOT NULL,
    -- Bodies hold "{secret}" where a one-time token goes; the token itself waits in "secret" only until
    -- the mail is delivered, then it is erased.
    text_body          text NOT NULL,
    html_body          text NOT NULL,
    secret             text,
    created_at         timestamptz NOT NULL,
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL,
    sent_at            timestamptz,
    last_error         text
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX mail_outbox_by_school ON mail_outbox (school_id, created_at DESC);

-- The school's own pupil number (matricule): the key that lets a CSV import update instead of duplicate.
ALTER TABLE pupils ADD COLUMN reference text;
CREATE UNIQUE INDEX pupils_school_reference ON pupils (school_id, reference) WHERE reference IS NOT NULL;
