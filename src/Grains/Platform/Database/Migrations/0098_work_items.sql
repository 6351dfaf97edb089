-- Long work that leaves the request (a bank file applied, a school's grouped invoices, the mails of a deleted evening):
-- any web node runs it, one at a time per item under a lease, and another node takes it over once a lease lapses.
CREATE TABLE work_items (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    kind         text NOT NULL,
    -- The same request sent twice (a double click) finds the item the first one queued.
    request_key  text NOT NULL UNIQUE,
    arguments    jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total        integer NOT NULL DEFAULT 0,
    done         integer NOT NULL DEFAULT 0,
    -- Grows with every change a page can show, so a page that reconnects knows whether it missed one.
    version      bigint NOT NULL DEFAULT 1,
    attempts     integer NOT NULL DEFAULT 0,
    leased_by    uuid,
    lease_until  timestamptz,
    outcome      jsonb,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    finished_at  timestamptz
);

CREATE INDEX work_items_waiting ON work_items (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX work_items_by_school ON work_items (school_id, created_at DESC);
