-- A bank import sent through the API was recorded as uploaded by "<key name> (clé d'API)": French words kept in
-- the database. The key's name is now stored alone, beside a kind that says it is an API key (uploaded_by_kind,
-- spelled as the ledger spells ActorKind), and the words are the reader's, at display time. Earlier rows are
-- split here; every other row was uploaded by a person.
--
-- The wallet credits such an import made carry the same text as their actor's name (their kind is 'import' and
-- their actor id the import's, which now says it was an API key). The ledger is append-only, so, as in 0062,
-- its row trigger is disabled for this one UPDATE and enabled again within this migration's transaction (ALTER
-- TABLE holds ACCESS EXCLUSIVE on ledger_entries until the commit). Only caused_by_name changes.

ALTER TABLE bank_imports ADD COLUMN uploaded_by_kind text NOT NULL DEFAULT 'user';

UPDATE bank_imports
SET uploaded_by_kind = 'api_key', uploaded_by = left(uploaded_by, length(uploaded_by) - length(' (clé d''API)'))
WHERE uploaded_by LIKE '% (clé d''API)';

ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;

UPDATE ledger_entries
SET caused_by_name = left(caused_by_name, length(caused_by_name) - length(' (clé d''API)'))
WHERE caused_by_kind = 'import' AND caused_by_name LIKE '% (clé d''API)';

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;
