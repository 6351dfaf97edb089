-- The platform operator suspends a school without deleting anything: its pages, APIs and terminals
-- answer "suspended" while this is set.
ALTER TABLE schools ADD COLUMN suspended_at timestamptz;
