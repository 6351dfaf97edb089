-- A credit note may credit more than is still owed: that part was already paid and is refunded, to the pupil's
-- wallet (a pending transfer, as an excess), by the school's own transfer ('refund'), or through the online
-- provider that took it ('provider'). It no longer counts as paid, which can never go below zero.
ALTER TABLE invoice_movements
    DROP CONSTRAINT invoice_movements_excess_handling_check,
    ADD CONSTRAINT invoice_movements_excess_handling_check CHECK (excess_handling IN ('wallet', 'flag', 'refund', 'provider'));

ALTER TABLE invoice_pending_transfers
    DROP CONSTRAINT invoice_pending_transfers_kind_check,
    ADD CONSTRAINT invoice_pending_transfers_kind_check CHECK (kind IN ('wallet_payment', 'excess_to_wallet', 'refund_to_wallet'));

ALTER TABLE invoices ADD CONSTRAINT invoices_paid_not_negative CHECK (paid_cents >= 0);

-- What the provider must still pay back, one row per online payment a credit note refunds, written with the
-- credit note. The web tier asks the provider (the row's key is the provider's idempotency key) and records its
-- answer; a row the provider could not take yet stays pending and is asked again.
CREATE TABLE invoice_provider_refunds (
    key                  text PRIMARY KEY,
    invoice_id           uuid NOT NULL REFERENCES invoices (id),
    school_id            uuid NOT NULL REFERENCES schools (id),
    provider             text NOT NULL,
    provider_payment_id  text NOT NULL,
    amount_cents         bigint NOT NULL CHECK (amount_cents > 0),
    created_at           timestamptz NOT NULL,
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'refunded', 'failed')),
    provider_refund_id   text,
    attempts             integer NOT NULL DEFAULT 0,
    last_error           text,
    finished_at          timestamptz
);

CREATE INDEX invoice_provider_refunds_by_invoice ON invoice_provider_refunds (invoice_id);
CREATE INDEX invoice_provider_refunds_pending ON invoice_provider_refunds (created_at) WHERE status = 'pending';

-- The sandbox provider's refunds, as its books would hold them: never more than the payment took.
CREATE TABLE sandbox_refunds (
    id               text PRIMARY KEY,
    payment_id       text NOT NULL REFERENCES sandbox_payments (id),
    idempotency_key  text NOT NULL UNIQUE,
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    created_at       timestamptz NOT NULL
);
