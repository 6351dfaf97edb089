-- Row triggers never see a TRUNCATE (nor the tables a TRUNCATE ... CASCADE reaches): the append-only
-- tables refuse it by a statement trigger too, so only dropping the trigger (a schema change) empties them.
CREATE TRIGGER ledger_entries_never_truncated
    BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_are_append_only();

CREATE TRIGGER invoice_movements_never_truncated
    BEFORE TRUNCATE ON invoice_movements
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_movements_are_append_only();

CREATE TRIGGER invoices_never_truncated
    BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_are_never_deleted();

CREATE TRIGGER invoice_lines_never_truncated
    BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_are_never_deleted();
