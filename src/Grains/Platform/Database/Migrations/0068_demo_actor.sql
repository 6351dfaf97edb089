-- The demo school's history names who wrote it by a code, not a French phrase: caused_by_kind 'import' with the
-- well-known caused_by_id 'demo' (DemoWallets.ActorId), and no name; a reader's screen says it in their language.
-- Until now those rows held caused_by_name 'Données de démonstration' and no id; that pair meant the same thing,
-- so nothing is lost. Only this exact pair is touched: rows of people, terminals and real imports stay as written.
--
-- The ledger is append-only: as in 0062, the row trigger is off for this one UPDATE only, within this migration's
-- transaction (ALTER TABLE holds ACCESS EXCLUSIVE until the commit; a failure rolls the trigger back on).

ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;

UPDATE ledger_entries SET caused_by_id = 'demo', caused_by_name = NULL
WHERE caused_by_kind = 'import' AND caused_by_id IS NULL AND caused_by_name = 'Données de démonstration';

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;
