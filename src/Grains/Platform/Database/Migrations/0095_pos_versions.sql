-- What a node may keep in memory to price a sale without asking PostgreSQL first: the school's articles, its active cards
-- and their holders' first names. Every change to them moves the school's version in the same transaction; a sale priced
-- from memory carries the version it saw, and its answer's insert (in the debit's commit) refuses to be written if the
-- version moved or the terminal was revoked: the whole debit rolls back and the sale is priced again from the database.
CREATE TABLE pos_versions (
    school_id uuid PRIMARY KEY REFERENCES schools (id),
    version   bigint NOT NULL
);

CREATE FUNCTION pos_version_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pos_versions (school_id, version)
    VALUES (CASE TG_OP WHEN 'DELETE' THEN OLD.school_id ELSE NEW.school_id END, 1)
    ON CONFLICT (school_id) DO UPDATE SET version = pos_versions.version + 1;
    IF TG_OP = 'UPDATE' AND OLD.school_id IS DISTINCT FROM NEW.school_id THEN
        INSERT INTO pos_versions (school_id, version) VALUES (OLD.school_id, 1)
        ON CONFLICT (school_id) DO UPDATE SET version = pos_versions.version + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER pos_articles_version AFTER INSERT OR UPDATE OR DELETE ON pos_articles
    FOR EACH ROW EXECUTE FUNCTION pos_version_moved();
CREATE TRIGGER pupil_cards_version AFTER INSERT OR UPDATE OR DELETE ON pupil_cards
    FOR EACH ROW EXECUTE FUNCTION pos_version_moved();
-- A sale's answer names its pupil: a renamed or removed pupil is a change too; an import that rewrites the same name is not.
CREATE TRIGGER pupils_pos_version AFTER UPDATE OF first_name, school_id ON pupils
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.school_id IS DISTINCT FROM NEW.school_id)
    EXECUTE FUNCTION pos_version_moved();
CREATE TRIGGER pupils_deleted_pos_version AFTER DELETE ON pupils
    FOR EACH ROW EXECUTE FUNCTION pos_version_moved();

-- The guard of an accepted sale's answer, read with the insert: fewer rows written than sales means one of them was priced
-- from a school's state that has changed since, or sold by a terminal revoked since.
CREATE FUNCTION pos_sales_answered(expected integer, answered bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    IF answered <> expected THEN
        RAISE EXCEPTION 'a sale was priced from a state of its school that changed, or its terminal was revoked (% of % answers written)',
            answered, expected USING ERRCODE = 'IS002';
    END IF;
    RETURN expected;
END;
$$;
