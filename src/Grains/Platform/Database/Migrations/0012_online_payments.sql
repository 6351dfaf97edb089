-- Online top-ups: a parent pays a payment provider, whose webhook credits the purse.

CREATE TABLE online_payments (
    id                   uuid PRIMARY KEY,
    school_id            uuid NOT NULL REFERENCES schools (id),
    pupil_id             uuid NOT NULL REFERENCES pupils (id),
    compartment          smallint NOT NULL,
    amount_cents         bigint NOT NULL CHECK (amount_cents > 0),
    provider             text NOT NULL,
    -- Set in the transaction that inserts the row, so it is never null once committed; a webhook names it.
    provider_payment_id  text UNIQUE,
    redirect_url         text,
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'expired')),
    payment_method       text,
    started_by           uuid NOT NULL REFERENCES users (id),
    -- The dialog's one key per form: a double click or a retry starts one payment, not two.
    request_key          text NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (started_by, request_key),
    FOREIGN KEY (pupil_id, compartment) REFERENCES purse_compartments (pupil_id, compartment)
);

CREATE INDEX online_payments_by_school ON online_payments (school_id, created_at DESC);

-- The built-in sandbox provider's own books: what its test checkout page recorded.
CREATE TABLE sandbox_payments (
    id            text PRIMARY KEY,
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    description   text NOT NULL,
    return_url    text NOT NULL,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'failed')),
    method        text,
    created_at    timestamptz NOT NULL
);
