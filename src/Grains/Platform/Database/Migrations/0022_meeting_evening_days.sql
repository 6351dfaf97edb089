-- A meeting evening may span several dates with the same hours (a school that sees parents over two
-- evenings). The school can also change an evening after creating it: every change raises its revision,
-- and each write to a timetable checks, under a share lock on the evening, that it was decided on the
-- revision that is current, so nothing lands on a slot whose date or time has just changed.

ALTER TABLE meeting_evenings ADD COLUMN days date[];
UPDATE meeting_evenings SET days = ARRAY[day];
ALTER TABLE meeting_evenings
    ALTER COLUMN days SET NOT NULL,
    ADD CONSTRAINT meeting_evenings_days CHECK (cardinality(days) BETWEEN 1 AND 10),
    ADD COLUMN revision bigint NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz;

DROP INDEX meeting_evenings_school;
ALTER TABLE meeting_evenings DROP COLUMN day;
CREATE INDEX meeting_evenings_school ON meeting_evenings (school_id);
