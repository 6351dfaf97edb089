-- "Envoyer un rappel" by a manager, for one invoice or a selection: the same mail as the overdue reminders,
-- recorded once per invoice and click (the form's key) in the transaction that queues its mails, so a double
-- click or a resent form mails nobody twice. The invoice pages show the last reminder of either kind.
CREATE TABLE invoice_manual_reminders (
    invoice_id   uuid NOT NULL REFERENCES invoices (id),
    request_key  text NOT NULL,
    sent_at      timestamptz NOT NULL,
    sent_by      text NOT NULL,
    recipients   integer NOT NULL,
    PRIMARY KEY (invoice_id, request_key)
);
