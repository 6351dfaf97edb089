-- "Se connecter avec Microsoft": the Entra application a school (or the whole installation) signs in with. The
-- client secret is stored as the web tier's DataProtection ciphertext, never in clear.
CREATE TABLE microsoft_sign_in_settings (
    school_id         uuid PRIMARY KEY REFERENCES schools (id),
    tenant_id         text NOT NULL CHECK (tenant_id <> ''),
    client_id         text NOT NULL CHECK (client_id <> ''),
    protected_secret  text NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- The installation-wide application, used by every school that has none of its own (one row at most).
CREATE TABLE microsoft_sign_in_installation (
    one               boolean PRIMARY KEY DEFAULT true CHECK (one),
    tenant_id         text NOT NULL CHECK (tenant_id <> ''),
    client_id         text NOT NULL CHECK (client_id <> ''),
    protected_secret  text NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- A person's Microsoft identity (tenant + object id, stable for the life of the Entra account) linked to their
-- account at their first Microsoft sign-in; later sign-ins go by the link, never by the e-mail address again.
CREATE TABLE microsoft_links (
    school_id  uuid NOT NULL REFERENCES schools (id),
    tenant_id  text NOT NULL,
    object_id  text NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    linked_at  timestamptz NOT NULL,
    PRIMARY KEY (school_id, tenant_id, object_id)
);
