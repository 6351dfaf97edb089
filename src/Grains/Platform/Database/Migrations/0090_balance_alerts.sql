-- A guardian's low-balance alert for a child's compartment: below the threshold, one alert, then none until the balance
-- is back at the threshold or repeat_days passed. The threshold is the guardian's own (threshold_cents), the school's
-- default (follows_default), or none (neither). A guardian without a row follows the school's default every 2 days.
CREATE TABLE balance_alert_settings (
    pupil_id        uuid NOT NULL REFERENCES pupils (id),
    compartment     smallint NOT NULL,
    guardian_id     uuid NOT NULL REFERENCES users (id),
    follows_default boolean NOT NULL,
    threshold_cents bigint CHECK (threshold_cents BETWEEN 0 AND 100000000),
    repeat_days     integer NOT NULL CHECK (repeat_days BETWEEN 1 AND 30),
    PRIMARY KEY (pupil_id, compartment, guardian_id),
    CHECK (NOT (follows_default AND threshold_cents IS NOT NULL))
);

-- The school's default threshold for a compartment, for guardians who chose nothing.
CREATE TABLE balance_alert_defaults (
    school_id       uuid NOT NULL REFERENCES schools (id),
    compartment     smallint NOT NULL,
    threshold_cents bigint NOT NULL CHECK (threshold_cents BETWEEN 0 AND 100000000),
    PRIMARY KEY (school_id, compartment)
);

-- Written by the purse in the same commit as the movement that took the balance below a guardian's threshold: a row
-- here is the alert's decision, once per crossing; alerted_at is the guardian's last alert while the balance stays below
-- (the row goes when the balance is back at the threshold).
CREATE TABLE balance_alert_state (
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    compartment smallint NOT NULL,
    guardian_id uuid NOT NULL REFERENCES users (id),
    alerted_at  timestamptz NOT NULL,
    PRIMARY KEY (pupil_id, compartment, guardian_id)
);

-- The alerts to tell: each is turned into its mail (in the guardian's language) once, by the job that sets notified_at
-- in the same transaction as the mail's outbox row.
CREATE TABLE balance_alerts (
    id              uuid PRIMARY KEY,
    school_id       uuid NOT NULL REFERENCES schools (id),
    pupil_id        uuid NOT NULL REFERENCES pupils (id),
    compartment     smallint NOT NULL,
    guardian_id     uuid NOT NULL REFERENCES users (id),
    balance_cents   bigint NOT NULL,
    threshold_cents bigint NOT NULL,
    raised_at       timestamptz NOT NULL,
    notified_at     timestamptz
);

CREATE INDEX balance_alerts_to_notify ON balance_alerts (raised_at) WHERE notified_at IS NULL;
