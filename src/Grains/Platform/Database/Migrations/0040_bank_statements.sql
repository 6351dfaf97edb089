-- Bank statements: each import (with its report), each statement seen per account (for continuity and
-- duplicate detection), and each bank movement keyed by the bank's own reference, so that a re-import or
-- an overlapping file never records, and never credits, a movement twice.

CREATE TABLE bank_imports (
    id                uuid PRIMARY KEY,
    school_id         uuid NOT NULL REFERENCES schools (id),
    file_name         text NOT NULL,
    format            text,
    -- The uploaded file, kept from the preview until it is applied (then erased).
    content           bytea,
    status            text NOT NULL CHECK (status IN ('previewed', 'applied', 'rejected')),
    problem           text,
    uploaded_at       timestamptz NOT NULL,
    uploaded_by       text NOT NULL,
    applied_at        timestamptz,
    statements        integer NOT NULL DEFAULT 0,
    movements         integer NOT NULL DEFAULT 0,
    duplicates        integer NOT NULL DEFAULT 0,
    credited          integer NOT NULL DEFAULT 0,
    credited_cents    bigint NOT NULL DEFAULT 0,
    invoices_paid     integer NOT NULL DEFAULT 0,
    unmatched         integer NOT NULL DEFAULT 0
);

CREATE INDEX bank_imports_by_school ON bank_imports (school_id, uploaded_at DESC);

-- Statement numbers restart every year, so a statement is its account, the year of its closing date and
-- its number. The digest covers what the statement says (balances and movements), not the file's bytes:
-- the same statement downloaded twice has a different header date.
CREATE TABLE bank_statements (
    school_id             uuid NOT NULL REFERENCES schools (id),
    account               text NOT NULL,
    year                  smallint NOT NULL,
    number                integer NOT NULL,
    opening_cents         bigint NOT NULL,
    closing_cents         bigint NOT NULL,
    closing_date          date NOT NULL,
    digest                bytea NOT NULL,
    import_id             uuid NOT NULL REFERENCES bank_imports (id),
    PRIMARY KEY (school_id, account, year, number)
);

CREATE TABLE bank_movements (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id             uuid NOT NULL REFERENCES schools (id),
    bank_reference        text NOT NULL,
    import_id             uuid NOT NULL REFERENCES bank_imports (id),
    account               text NOT NULL,
    year                  smallint NOT NULL,
    statement_number      integer NOT NULL,
    amount_cents          bigint NOT NULL,
    value_date            date NOT NULL,
    counterparty_name     text,
    counterparty_account  text,
    communication         text,
    -- The ten digits of a valid structured communication, without the check.
    structured            bigint,
    status                text NOT NULL CHECK (status IN ('wallet', 'invoice', 'to_resolve', 'credited', 'invoice_paid', 'not_for_us')),
    pupil_id              uuid REFERENCES pupils (id),
    compartment           smallint,
    invoice_id            uuid,
    ledger_entry_id       bigint,
    resolved_by           text,
    resolved_at           timestamptz,
    reason                text,
    UNIQUE (school_id, bank_reference)
);

CREATE INDEX bank_movements_pending ON bank_movements (school_id, account, year, statement_number) WHERE status IN ('wallet', 'invoice');
CREATE INDEX bank_movements_to_resolve ON bank_movements (school_id, value_date DESC) WHERE status = 'to_resolve';

-- API keys of school managers (the bank-statement import for schools that automate their downloads):
-- shown once, stored as SHA-256, revocable.
CREATE TABLE manager_api_keys (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    name         text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    key_hint     text NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
