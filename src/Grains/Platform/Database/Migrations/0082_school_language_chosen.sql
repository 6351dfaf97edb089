-- A school's language is the one its operator chose for it; until one is chosen (NULL), each reader's browser
-- decides, then French. Until now every school held fr-BE whether or not anyone had chosen it, so that value
-- cannot be told from a choice: those schools go back to "not chosen".
ALTER TABLE schools ALTER COLUMN default_language DROP NOT NULL, ALTER COLUMN default_language DROP DEFAULT;
UPDATE schools SET default_language = NULL WHERE default_language = 'fr-BE';
