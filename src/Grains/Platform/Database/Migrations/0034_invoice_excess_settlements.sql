-- Money paid beyond what an invoice asked, which the school chose to flag, is settled by the manager: sent
-- to the pupil's wallet, or paid back to the payer by the school's own bank ('refund'). A settlement is a
-- movement like the others (append-only, its reference the idempotency key) and lowers the flagged sum,
-- which can never go below zero.

ALTER TABLE invoice_movements
    DROP CONSTRAINT invoice_movements_kind_check,
    ADD CONSTRAINT invoice_movements_kind_check CHECK (kind IN ('payment', 'credit_note', 'excess_settlement')),
    DROP CONSTRAINT invoice_movements_excess_handling_check,
    ADD CONSTRAINT invoice_movements_excess_handling_check CHECK (excess_handling IN ('wallet', 'flag', 'refund'));

ALTER TABLE invoices ADD CONSTRAINT invoices_flagged_not_negative CHECK (flagged_cents >= 0);
