CREATE TABLE users (
    id             uuid PRIMARY KEY,
    school_id      uuid NOT NULL REFERENCES schools (id),
    user_name      text NOT NULL,
    email          text,
    first_name     text NOT NULL,
    last_name      text NOT NULL,
    role           text NOT NULL CHECK (role IN ('parent', 'teacher', 'manager', 'canteen')),
    -- NULL until the person chooses a password (first connection with an invitation token).
    password_hash  text,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_school_user_name ON users (school_id, lower(user_name));
-- Not unique: two guardians of one family may share an address.
CREATE INDEX users_school_email ON users (school_id, lower(email));
