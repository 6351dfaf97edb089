-- The jobs that look for open work over every school read only what is still open: the online payments a provider
-- has not settled, the invoices not paid yet. Without these partial indexes each pass read every payment and
-- invoice ever made.
CREATE INDEX online_payments_pending ON online_payments (provider, created_at)
    WHERE status = 'pending' AND provider_payment_id IS NOT NULL;
CREATE INDEX invoices_unpaid_by_due ON invoices (due_on) WHERE paid_cents + credited_cents < total_cents;

-- A job that must run on one node of the cluster at a time holds its row until held_until; the holder renews it at
-- each pass, another node takes it once it has lapsed (its holder stopped or died).
CREATE TABLE job_leases (
    job         text PRIMARY KEY,
    holder      uuid NOT NULL,
    held_until  timestamptz NOT NULL
);
