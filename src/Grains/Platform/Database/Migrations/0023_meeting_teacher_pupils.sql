-- A teacher may see the parents of chosen pupils besides (or instead of) whole classes: a remedial or
-- special-needs teacher, a class council's delegate.

ALTER TABLE meeting_teachers ADD COLUMN pupils uuid[] NOT NULL DEFAULT '{}';
