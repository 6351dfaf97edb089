-- Orleans' ADO.NET providers ship no SQL of their own: at start-up each one runs
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards executes the text stored under each well-known key, binding its parameters by name
-- (@ServiceId, @DeploymentId, ...). The table and column names are therefore dictated by the providers.
-- They are left unquoted here as in that SELECT, so both fold to the same lower-case names.
-- The clustering and reminder providers refuse to start while a key they know is missing; each of the
-- following migrations creates one provider's tables and registers that provider's keys.
CREATE TABLE OrleansQuery (
    QueryKey    text PRIMARY KEY,
    QueryText   text NOT NULL
);
