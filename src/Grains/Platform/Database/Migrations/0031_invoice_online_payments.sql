-- An online payment either tops up a compartment or pays an invoice ("Payer › en ligne"): the provider's
-- webhook then pays the invoice instead of crediting the purse.
ALTER TABLE online_payments ADD COLUMN invoice_id uuid REFERENCES invoices (id);
