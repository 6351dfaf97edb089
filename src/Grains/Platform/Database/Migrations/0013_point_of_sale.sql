-- Point of sale: terminals with their API keys, the school's articles, pupils' cards, and the sales
-- terminals posted (with the first answer given, so a retried request gets the very same answer).

CREATE TABLE pos_terminals (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('canteen', 'shop', 'vending')),
    compartment  smallint NOT NULL,
    -- SHA-256 of the API key; the key itself is shown once, when it is created.
    key_hash     bytea NOT NULL UNIQUE,
    key_hint     text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    FOREIGN KEY (school_id, compartment) REFERENCES wallet_compartments (school_id, compartment)
);

CREATE TABLE pos_articles (
    school_id    uuid NOT NULL REFERENCES schools (id),
    code         text NOT NULL,
    label        text NOT NULL,
    price_cents  bigint NOT NULL CHECK (price_cents >= 0),
    category     text,
    -- An open-price article takes the unit price the terminal sends (within the school's limits).
    open_price   boolean NOT NULL DEFAULT false,
    active       boolean NOT NULL DEFAULT true,
    PRIMARY KEY (school_id, code)
);

CREATE TABLE pupil_cards (
    school_id    uuid NOT NULL REFERENCES schools (id),
    uid          text NOT NULL,
    pupil_id     uuid NOT NULL REFERENCES pupils (id),
    assigned_at  timestamptz NOT NULL,
    -- A lost card is revoked, never deleted: its old sales still name it.
    revoked_at   timestamptz
);

CREATE UNIQUE INDEX pupil_cards_active_uid ON pupil_cards (school_id, upper(uid)) WHERE revoked_at IS NULL;
CREATE INDEX pupil_cards_by_pupil ON pupil_cards (pupil_id);

CREATE TABLE pos_sales (
    id               uuid PRIMARY KEY,
    school_id        uuid NOT NULL REFERENCES schools (id),
    terminal_id      uuid NOT NULL REFERENCES pos_terminals (id),
    idempotency_key  text NOT NULL,
    request_hash     bytea NOT NULL,
    status_code      integer NOT NULL,
    response         jsonb NOT NULL,
    pupil_id         uuid REFERENCES pupils (id),
    amount_cents     bigint,
    lines            jsonb,
    ledger_entry_id  bigint,
    created_at       timestamptz NOT NULL,
    voided_at        timestamptz,
    UNIQUE (terminal_id, idempotency_key)
);

CREATE INDEX pos_sales_by_pupil ON pos_sales (pupil_id, created_at DESC) WHERE status_code = 201;
