-- Sessions ended by "Déconnexion": a copy of the cookie kept elsewhere must open nothing afterwards, while
-- the person's other devices stay signed in (the session stamp ends them all at once). A row is needed only
-- as long as the cookie could have lived.
CREATE TABLE ended_sessions (
    session_id  uuid PRIMARY KEY,
    school_id   uuid NOT NULL REFERENCES schools (id),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX ended_sessions_expiry ON ended_sessions (expires_at);
