-- Invoices (payment requests): one row per invoice for the lists, its lines, and the append-only record of
-- what was paid or credited on it. The invoice grain is the only writer of an invoice's rows.

-- How the school lets parents pay and what happens to money paid beyond what an invoice asks.
CREATE TABLE invoice_settings (
    school_id              uuid PRIMARY KEY REFERENCES schools (id),
    bank_transfer_enabled  boolean NOT NULL DEFAULT true,
    online_enabled         boolean NOT NULL DEFAULT true,
    wallet_enabled         boolean NOT NULL DEFAULT true,
    -- Whether a wallet short of the whole amount may pay part of an invoice.
    partial_wallet_enabled boolean NOT NULL DEFAULT true,
    -- 'wallet': the excess of a payment goes to the pupil's general wallet; 'flag': it waits for the manager.
    overpayment            text NOT NULL DEFAULT 'wallet' CHECK (overpayment IN ('wallet', 'flag'))
);

-- Invoice communications are 2xxxxxxxxx (wallets use 1xxxxxxxxx): the ten digits alone say which kind of
-- account a bank credit is for.
CREATE SEQUENCE invoice_communication_seq MINVALUE 1 MAXVALUE 999999999;

-- The document number sequence, per school and calendar year of issue.
CREATE TABLE invoice_numbers (
    school_id  uuid NOT NULL REFERENCES schools (id),
    year       integer NOT NULL,
    last       integer NOT NULL,
    PRIMARY KEY (school_id, year)
);

CREATE TABLE invoices (
    id              uuid PRIMARY KEY,
    school_id       uuid NOT NULL REFERENCES schools (id),
    pupil_id        uuid NOT NULL REFERENCES pupils (id),
    number          text NOT NULL,
    communication   bigint NOT NULL UNIQUE DEFAULT (2000000000 + nextval('invoice_communication_seq')),
    label           text NOT NULL,
    issued_on       date NOT NULL,
    due_on          date NOT NULL CHECK (due_on >= issued_on),
    total_cents     bigint NOT NULL CHECK (total_cents > 0),
    -- Running sums of invoice_movements, kept by the grain in the same transaction as each movement.
    paid_cents      bigint NOT NULL DEFAULT 0,
    credited_cents  bigint NOT NULL DEFAULT 0,
    -- Money received beyond what was owed that the school chose to flag rather than move to the wallet.
    flagged_cents   bigint NOT NULL DEFAULT 0,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (school_id, number),
    CHECK (paid_cents + credited_cents <= total_cents)
);

CREATE INDEX invoices_by_school ON invoices (school_id, issued_on DESC, number DESC);
CREATE INDEX invoices_by_pupil ON invoices (pupil_id, issued_on DESC);

CREATE TABLE invoice_lines (
    invoice_id   uuid NOT NULL REFERENCES invoices (id),
    position     smallint NOT NULL,
    label        text NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    unit_cents   bigint NOT NULL CHECK (unit_cents > 0),
    PRIMARY KEY (invoice_id, position)
);

-- A payment or a credit note. The reference is the idempotency key (bank reference, provider id, wallet
-- payment attempt, credit note request): the same reference twice is one movement.
CREATE TABLE invoice_movements (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id       uuid NOT NULL REFERENCES invoices (id),
    school_id        uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('payment', 'credit_note')),
    method           text,
    reference        text NOT NULL,
    -- What was received or credited, what of it went to the invoice, and the rest.
    received_cents   bigint NOT NULL CHECK (received_cents > 0),
    applied_cents    bigint NOT NULL CHECK (applied_cents >= 0),
    excess_cents     bigint NOT NULL CHECK (excess_cents >= 0),
    excess_handling  text CHECK (excess_handling IN ('wallet', 'flag')),
    payer            text,
    value_date       date,
    note             text,
    caused_by        text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    UNIQUE (invoice_id, reference),
    CHECK (applied_cents + excess_cents = received_cents)
);

CREATE INDEX invoice_movements_by_school ON invoice_movements (school_id, occurred_at DESC);

CREATE FUNCTION invoice_movements_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoice movements are append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER invoice_movements_append_only
    BEFORE UPDATE OR DELETE ON invoice_movements
    FOR EACH ROW EXECUTE FUNCTION invoice_movements_are_append_only();

-- Invoices are never deleted: a cancellation is a credit note.
CREATE FUNCTION invoices_are_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoices are never deleted; issue a credit note';
END;
$$;

CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_are_never_deleted();
CREATE TRIGGER invoice_lines_never_deleted BEFORE DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION invoices_are_never_deleted();

-- Work the invoice grain owes another grain (the purse): a wallet payment between its debit and its
-- recording, or an excess on its way to the wallet. A row is done once the other grain confirmed; an
-- invoice grain that activates finishes whatever is left here.
CREATE TABLE invoice_pending_transfers (
    key           text PRIMARY KEY,
    invoice_id    uuid NOT NULL REFERENCES invoices (id),
    pupil_id      uuid NOT NULL REFERENCES pupils (id),
    kind          text NOT NULL CHECK (kind IN ('wallet_payment', 'excess_to_wallet')),
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    caused_by     text NOT NULL,
    created_at    timestamptz NOT NULL,
    -- null while pending; 'paid', 'declined' (nothing moved) or 'credited'.
    outcome       text,
    finished_at   timestamptz
);

CREATE INDEX invoice_pending_open ON invoice_pending_transfers (invoice_id) WHERE outcome IS NULL;
