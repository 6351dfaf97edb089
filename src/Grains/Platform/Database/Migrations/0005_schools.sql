-- One installation serves many schools; every other table of ours carries school_id.
CREATE TABLE schools (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text NOT NULL,
    -- The school's own address (e.g. monecole.itschool.be); NULL when it is reached only through /e/{slug}.
    host        text UNIQUE CHECK (host = lower(host)),
    created_at  timestamptz NOT NULL DEFAULT now()
);
