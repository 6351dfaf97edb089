-- A person reads ItSchool in their own language (fr-BE, nl-BE or en-BE), and so do their mails; without a
-- choice of theirs, in their school's. NULL: the person never chose, the school's language applies.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('fr-BE', 'nl-BE', 'en-BE'));

ALTER TABLE schools ADD COLUMN default_language text NOT NULL DEFAULT 'fr-BE'
    CHECK (default_language IN ('fr-BE', 'nl-BE', 'en-BE'));
