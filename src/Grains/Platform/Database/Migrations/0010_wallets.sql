-- Wallets: the school's compartments, each pupil's purse, and the append-only ledger.

CREATE TABLE wallet_settings (
    school_id             uuid PRIMARY KEY REFERENCES schools (id),
    iban                  text,
    bic                   text,
    beneficiary           text,
    online_min_cents      bigint NOT NULL DEFAULT 500 CHECK (online_min_cents > 0),
    online_max_cents      bigint NOT NULL DEFAULT 20000 CHECK (online_max_cents >= online_min_cents),
    bank_transfer_enabled boolean NOT NULL DEFAULT true,
    online_enabled        boolean NOT NULL DEFAULT true
);

-- One or two compartments per school ("Portefeuille général", "Repas").
CREATE TABLE wallet_compartments (
    school_id    uuid NOT NULL REFERENCES schools (id),
    compartment  smallint NOT NULL CHECK (compartment IN (1, 2)),
    name         text NOT NULL,
    -- The lowest balance a debit may leave: 0, or minus the overdraft the school allows.
    floor_cents  bigint NOT NULL DEFAULT 0 CHECK (floor_cents <= 0),
    PRIMARY KEY (school_id, compartment)
);

-- Wallet communications are 1xxxxxxxxx (invoices will use 2xxxxxxxxx), so the ten digits alone route
-- a bank credit to the right kind of account.
CREATE SEQUENCE wallet_communication_seq MINVALUE 1 MAXVALUE 999999999;

-- A pupil's compartment: its cached balance, which the purse grain keeps equal to the ledger's sum.
CREATE TABLE purse_compartments (
    pupil_id       uuid NOT NULL REFERENCES pupils (id),
    compartment    smallint NOT NULL,
    school_id      uuid NOT NULL REFERENCES schools (id),
    communication  bigint NOT NULL UNIQUE DEFAULT (1000000000 + nextval('wallet_communication_seq')),
    balance_cents  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (pupil_id, compartment),
    FOREIGN KEY (school_id, compartment) REFERENCES wallet_compartments (school_id, compartment)
);

CREATE TABLE ledger_entries (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id            uuid NOT NULL,
    pupil_id             uuid NOT NULL,
    compartment          smallint NOT NULL,
    amount_cents         bigint NOT NULL CHECK (amount_cents <> 0),
    balance_after_cents  bigint NOT NULL,
    kind                 text NOT NULL,
    payment_method       text,
    subject              text NOT NULL,
    caused_by_kind       text NOT NULL,
    caused_by_id         text,
    caused_by_name       text,
    idempotency_key      text NOT NULL,
    occurred_at          timestamptz NOT NULL,
    FOREIGN KEY (pupil_id, compartment) REFERENCES purse_compartments (pupil_id, compartment),
    -- A transfer writes two entries under one key, one per compartment.
    UNIQUE (pupil_id, idempotency_key, compartment)
);

CREATE INDEX ledger_by_pupil ON ledger_entries (pupil_id, occurred_at DESC, id DESC);
CREATE INDEX ledger_by_school ON ledger_entries (school_id, occurred_at DESC, id DESC);

-- Nothing is ever edited or deleted: a cancellation or a correction is a new entry.
CREATE FUNCTION ledger_entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_are_append_only();
