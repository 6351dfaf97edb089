-- Each school's "Conditions générales d'utilisation" (terms) and "Politique de protection des données"
-- (privacy): every edit the manager publishes is a new version, numbered per school and kind, and never
-- changed afterwards, so that what a parent accepted can always be read again word for word. A version holds
-- the text in each language the school writes (NULL for a language it leaves out; readers fall back).
CREATE TABLE legal_versions (
    school_id     uuid NOT NULL REFERENCES schools (id),
    kind          text NOT NULL CHECK (kind IN ('terms', 'privacy')),
    version       integer NOT NULL CHECK (version > 0),
    text_fr       text,
    text_nl       text,
    text_en       text,
    published_at  timestamptz NOT NULL,
    published_by  uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (school_id, kind, version),
    CHECK (coalesce(text_fr, text_nl, text_en) IS NOT NULL)
);

-- A parent's acceptance of one version of the terms (kind is always 'terms': the privacy policy informs, it is
-- not agreed to). Written once; a later version needs a row of its own.
CREATE TABLE legal_acceptances (
    school_id    uuid NOT NULL,
    kind         text NOT NULL CHECK (kind = 'terms'),
    version      integer NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id),
    accepted_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind, version),
    FOREIGN KEY (school_id, kind, version) REFERENCES legal_versions (school_id, kind, version)
);

CREATE INDEX legal_acceptances_by_version ON legal_acceptances (school_id, kind, version);

CREATE FUNCTION legal_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published texts and acceptances are kept as written: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER legal_versions_never_changed
    BEFORE UPDATE OR DELETE ON legal_versions
    FOR EACH ROW EXECUTE FUNCTION legal_records_append_only();

CREATE TRIGGER legal_versions_never_truncated
    BEFORE TRUNCATE ON legal_versions
    FOR EACH STATEMENT EXECUTE FUNCTION legal_records_append_only();

CREATE TRIGGER legal_acceptances_never_changed
    BEFORE UPDATE OR DELETE ON legal_acceptances
    FOR EACH ROW EXECUTE FUNCTION legal_records_append_only();

CREATE TRIGGER legal_acceptances_never_truncated
    BEFORE TRUNCATE ON legal_acceptances
    FOR EACH STATEMENT EXECUTE FUNCTION legal_records_append_only();
