-- Overdue reminders: the school chooses after how many days past the due date guardians get a reminder;
-- each step is recorded once per invoice, in the transaction that queues its mails, so it is never sent twice.
ALTER TABLE invoice_settings ADD COLUMN reminder_days integer[] NOT NULL DEFAULT '{7,21}';

CREATE TABLE invoice_reminders (
    invoice_id  uuid NOT NULL REFERENCES invoices (id),
    step        integer NOT NULL,
    sent_at     timestamptz NOT NULL,
    recipients  integer NOT NULL,
    PRIMARY KEY (invoice_id, step)
);
