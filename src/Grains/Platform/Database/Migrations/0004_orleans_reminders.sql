-- Reminders for Orleans' ADO.NET reminder service.
-- Every silo owns a slice of a 32-bit hash ring and periodically loads the reminders whose grain hash falls in
-- its slice, so besides lookups by grain the table must answer hash-range scans: hence grain_hash and its index.
-- The provider sends hashes as the uint values reinterpreted as int4 and picks the query itself: ReadRangeRows1Key
-- for a range (begin, end] that does not wrap around in signed order, ReadRangeRows2Key for one that does
-- (including begin = end, the whole ring). Begin is exclusive, end inclusive.
-- The version is the reminder's etag: every upsert bumps it and a delete succeeds only with the current one.
-- Period is in milliseconds; the provider sends int4 or int8 depending on its size and reads either back.
CREATE TABLE orleans_reminder (
    service_id      text NOT NULL,
    grain_id        text NOT NULL,     -- GrainId.ToString(), parsed back by the provider
    reminder_name   text NOT NULL,
    grain_hash      integer NOT NULL,  -- GrainId.GetUniformHashCode(), as int4
    start_time      timestamptz NOT NULL,
    period          bigint NOT NULL,
    version         integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminder_ring ON orleans_reminder (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
$sql$),

('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash
$sql$),

('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

-- No row means no such reminder.
('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName
$sql$),

-- Registering an existing reminder again replaces its schedule; either way the new etag comes back.
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminder AS r
    (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash,
    start_time = excluded.start_time,
    period     = excluded.period,
    version    = r.version + 1
RETURNING r.version AS "Version"
$sql$),

-- One row with one boolean: whether the reminder existed with that etag and is now gone.
('DeleteReminderRowKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted)
$sql$),

('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminder
WHERE service_id = @ServiceId
$sql$);
