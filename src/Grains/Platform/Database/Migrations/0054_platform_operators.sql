-- The platform operator runs the installation: creates schools and their first manager, suspends and
-- reopens them. Not a school role: an operator belongs to no school and never sees pupils.
CREATE TABLE platform_operators (
    id              uuid PRIMARY KEY,
    user_name       text NOT NULL,
    email           text NOT NULL,
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    password_hash   text NOT NULL,
    -- Changed by a password change: every other session ends at its next request.
    session_stamp   uuid NOT NULL,
    failures        integer NOT NULL DEFAULT 0,
    window_started_at timestamptz,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    last_signed_in_at timestamptz
);
CREATE UNIQUE INDEX platform_operators_user_name ON platform_operators (lower(user_name));
CREATE UNIQUE INDEX platform_operators_email ON platform_operators (lower(email));

-- The one-time link printed in the log of a start that finds no operator. Only its SHA-256 is kept.
CREATE TABLE platform_setup_links (
    token_hash  bytea PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- The school's postal address and enterprise number (BCE), as the operator enters them.
ALTER TABLE schools ADD COLUMN postal_address text;
ALTER TABLE schools ADD COLUMN enterprise_number text;
