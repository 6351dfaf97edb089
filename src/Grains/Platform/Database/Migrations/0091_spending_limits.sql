-- What kind of purchase a debit was (a sale at a canteen till, a snack or vending machine, the school shop), so that the
-- purse can sum a pupil's spending per day and week against the limits; a void carries its sale's kind back. Null for
-- what no limit counts (meals booked ahead, invoices, transfers, corrections).
ALTER TABLE ledger_entries ADD COLUMN spend_kind smallint CHECK (spend_kind BETWEEN 1 AND 3);

-- The purchases of the current week made before this migration count too: the sales and their voids of the last 8 days.
-- Like 0062, the one edit of old ledger rows, with the append-only trigger off inside this migration's transaction under
-- an exclusive lock (no other session writes a row, or sees the trigger off, meanwhile); only the new column is filled.
LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE;
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only;
UPDATE ledger_entries e SET spend_kind = CASE t.kind WHEN 'canteen' THEN 1 WHEN 'vending' THEN 2 ELSE 3 END
FROM pos_sales s JOIN pos_terminals t ON t.id = s.terminal_id
WHERE s.created_at > now() - interval '8 days' AND s.ledger_entry_id IS NOT NULL AND e.pupil_id = s.pupil_id
  AND (e.id = s.ledger_entry_id OR e.idempotency_key = 'pos-void/' || s.id::text);
ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only;

-- A child's spending limits, set by a guardian: per scope (0 = all purchases, else a spend kind), a maximum per day
-- and/or per week. One row per child and scope, shared by the child's guardians.
CREATE TABLE spending_limits (
    pupil_id     uuid NOT NULL REFERENCES pupils (id),
    scope        smallint NOT NULL CHECK (scope BETWEEN 0 AND 3),
    daily_cents  bigint CHECK (daily_cents BETWEEN 0 AND 100000000),
    weekly_cents bigint CHECK (weekly_cents BETWEEN 0 AND 100000000),
    set_by       uuid NOT NULL REFERENCES users (id),
    set_at       timestamptz NOT NULL,
    PRIMARY KEY (pupil_id, scope),
    CHECK (daily_cents IS NOT NULL OR weekly_cents IS NOT NULL)
);

-- The school's ceiling per scope: a guardian's limit may only be lower; without one, the ceiling is the limit.
CREATE TABLE spending_ceilings (
    school_id    uuid NOT NULL REFERENCES schools (id),
    scope        smallint NOT NULL CHECK (scope BETWEEN 0 AND 3),
    daily_cents  bigint CHECK (daily_cents BETWEEN 0 AND 100000000),
    weekly_cents bigint CHECK (weekly_cents BETWEEN 0 AND 100000000),
    PRIMARY KEY (school_id, scope),
    CHECK (daily_cents IS NOT NULL OR weekly_cents IS NOT NULL)
);

-- What a child may not buy: an article (by its code) or a whole category of the school's articles.
CREATE TABLE spending_blocks (
    pupil_id uuid NOT NULL REFERENCES pupils (id),
    kind     text NOT NULL CHECK (kind IN ('article', 'category')),
    value    text NOT NULL,
    set_by   uuid NOT NULL REFERENCES users (id),
    set_at   timestamptz NOT NULL,
    PRIMARY KEY (pupil_id, kind, value)
);
