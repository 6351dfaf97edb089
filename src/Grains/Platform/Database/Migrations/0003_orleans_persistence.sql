-- Grain state for Orleans' ADO.NET grain storage provider.
-- The provider identifies a state by the service id, the state name (its "grain type" parameter) and the
-- grain key split into two 64-bit halves (a Guid, or 0 and an integer key) plus a string part: the key
-- extension, or the whole key of a string-keyed grain. It also sends a hash of the key and of the state name,
-- which lead the unique index so that every lookup is an index probe.
-- Writes follow the provider's etag contract, the etag being our version number:
--   * no etag (a state never stored)   -> insert at version 1; if a row already exists, conflict;
--   * an etag                          -> overwrite only if it equals the stored version, which is then +1;
--   * the single result column is the new version, or NULL for a conflict, which the provider turns into an
--     InconsistentStateException. (Returning no row would let an etag-less write pass silently, so every
--     write query returns exactly one row.)
-- Clearing keeps the row, with no payload and a bumped version, so the grain's next write still needs the
-- etag; DeleteStorageKey (used only with DeleteStateOnClear) removes the row and so the etag altogether.
CREATE TABLE orleans_grain_state (
    service_id          text NOT NULL,
    grain_id_hash       integer NOT NULL,
    grain_type_hash     integer NOT NULL,
    grain_id_n0         bigint NOT NULL,
    grain_id_n1         bigint NOT NULL,
    grain_type          text NOT NULL,    -- the state name
    grain_id_extension  text,             -- key extension, or the key of a string-keyed grain
    payload             bytea,            -- NULL once cleared
    version             integer NOT NULL,
    modified_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- No row: the state was never written (the provider then creates a default one without an etag).
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

-- At most one of the two branches can produce a row: the update needs a version, the insert needs none.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type,
         grain_id_extension, payload, version)
    SELECT @ServiceId, @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @GrainTypeString,
           @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version
)
SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted)) AS "NewGrainStateVersion"
$sql$),

('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$sql$),

-- The provider only checks that the answer differs from the etag it sent (NULL again means conflict);
-- we answer with the version a clear would have produced.
('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_grain_state
    WHERE grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
$sql$);
