-- Ledger entries say what they are about as a code and arguments (subject_code, subject_args: a JSON array of
-- strings), and each reader sees the words in their own language. Until now the subject was French prose.
--
-- The ledger is append-only (0010's row trigger, 0051's truncate trigger), so filling the new columns on old
-- rows is the one edit it ever gets, done here and only here: the row trigger is disabled for this UPDATE and
-- enabled again within this migration's own transaction. ALTER TABLE holds ACCESS EXCLUSIVE on
-- ledger_entries until the commit, so no other session writes a row, or sees the trigger off, meanwhile; if
-- anything fails, the rollback leaves the trigger as it was. Amounts, balances, keys and moments are not
-- touched, and the old French text stays in `subject` beside its code (new entries leave it empty).
--
-- Each known French pattern becomes its code only when the French resource text rebuilt from the code and
-- arguments is exactly the old text; anything else — text that matches no pattern, a sale whose lines were
-- cut at 200 characters — is kept whole under 'verbatim', which shows it as it was. Nothing is lost.

ALTER TABLE ledger_entries ADD COLUMN subject_code text, ADD COLUMN subject_args jsonb;
ALTER TABLE ledger_entries ALTER COLUMN subject DROP NOT NULL;

ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;

WITH sold AS (
    -- A terminal's sale as the ledger named it ("Vente Pomme ×2, Jus d'orange") and as arguments
    -- (label, quantity, label, quantity, …), from the lines pos_sales kept.
    SELECT s.id, s.ledger_entry_id,
           (SELECT string_agg(CASE WHEN (x.l->>'quantity')::int = 1 THEN x.l->>'label'
                                   ELSE (x.l->>'label') || ' ×' || (x.l->>'quantity') END, ', ' ORDER BY x.n)
            FROM jsonb_array_elements(s.lines) WITH ORDINALITY AS x(l, n)) AS named,
           (SELECT jsonb_agg(a.v ORDER BY x.n, a.k)
            FROM jsonb_array_elements(s.lines) WITH ORDINALITY AS x(l, n),
                 LATERAL (VALUES (1, to_jsonb(x.l->>'label')), (2, to_jsonb(x.l->>'quantity'))) AS a(k, v)) AS args
    FROM pos_sales s
    WHERE s.status_code = 201 AND s.lines IS NOT NULL AND jsonb_typeof(s.lines) = 'array'
),
coded AS (
    SELECT e.id,
           CASE
               WHEN sale.id IS NOT NULL THEN 'sale'
               WHEN void.id IS NOT NULL THEN 'sale_void'
               WHEN e.kind = 'bank_top_up' AND e.subject = 'Rechargement par virement' THEN 'bank_top_up'
               WHEN e.kind = 'online_top_up' AND e.subject = 'Rechargement en ligne' THEN 'online_top_up'
               WHEN e.kind = 'internal_transfer' AND transfer.m IS NOT NULL THEN 'transfer'
               WHEN e.kind = 'invoice_payment' AND invoice.m IS NOT NULL THEN 'invoice_payment'
               WHEN e.kind = 'refund' AND credit_note.m IS NOT NULL THEN 'credit_note'
               WHEN e.kind = 'refund' AND excess.m IS NOT NULL THEN 'invoice_excess'
               WHEN e.kind = 'correction' AND correction.m IS NOT NULL THEN 'correction'
               WHEN e.kind = 'meal_reservation' AND meal.m IS NOT NULL THEN 'meal_reservation'
               WHEN e.kind = 'cancellation' AND meal_cancelled.m IS NOT NULL THEN 'meal_cancellation'
               ELSE 'verbatim'
           END AS code,
           CASE
               WHEN sale.id IS NOT NULL THEN sale.args
               WHEN void.id IS NOT NULL THEN void.args
               WHEN e.kind IN ('bank_top_up', 'online_top_up')
                    AND e.subject IN ('Rechargement par virement', 'Rechargement en ligne') THEN '[]'::jsonb
               WHEN e.kind = 'internal_transfer' AND transfer.m IS NOT NULL THEN to_jsonb(transfer.m)
               WHEN e.kind = 'invoice_payment' AND invoice.m IS NOT NULL THEN to_jsonb(invoice.m)
               WHEN e.kind = 'refund' AND credit_note.m IS NOT NULL THEN to_jsonb(credit_note.m)
               WHEN e.kind = 'refund' AND excess.m IS NOT NULL THEN to_jsonb(excess.m)
               WHEN e.kind = 'correction' AND correction.m IS NOT NULL THEN to_jsonb(correction.m)
               WHEN e.kind = 'meal_reservation' AND meal.m IS NOT NULL
                   THEN jsonb_build_array(meal.m[1], meal.m[4] || '-' || meal.m[3] || '-' || meal.m[2])
               WHEN e.kind = 'cancellation' AND meal_cancelled.m IS NOT NULL
                   THEN jsonb_build_array(meal_cancelled.m[1], meal_cancelled.m[4] || '-' || meal_cancelled.m[3] || '-' || meal_cancelled.m[2])
               ELSE jsonb_build_array(e.subject)
           END AS args
    FROM ledger_entries e
    LEFT JOIN sold sale ON e.kind = 'sale' AND sale.ledger_entry_id = e.id AND e.subject = 'Vente ' || sale.named
    LEFT JOIN sold void ON e.kind = 'cancellation' AND e.idempotency_key = 'pos-void/' || void.id
                           AND e.subject = 'Annulation : ' || void.named
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^(.*) → (.*)$') AS m) transfer ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Facture (\S+) — (.*)$') AS m) invoice ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Note de crédit · Facture (\S+) — (.*)$') AS m) credit_note ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Trop-perçu · Facture (\S+) — (.*)$') AS m) excess ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Correction : (.*)$') AS m) correction ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Réservation de repas « (.*) » pour le (\d{2})/(\d{2})/(\d{4})$') AS m) meal ON true
    LEFT JOIN LATERAL (SELECT regexp_match(e.subject, '^Annulation de la réservation « (.*) » du (\d{2})/(\d{2})/(\d{4})$') AS m) meal_cancelled
        ON true
)
UPDATE ledger_entries e SET subject_code = c.code, subject_args = c.args
FROM coded c WHERE c.id = e.id;

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;

ALTER TABLE ledger_entries ALTER COLUMN subject_code SET NOT NULL, ALTER COLUMN subject_args SET NOT NULL;
