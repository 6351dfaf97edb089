-- "Manuels scolaires": per class and school year, the school publishes its list of textbooks and materials, open to the
-- class's families from opens_on to closes_on (both inclusive, in the school's days). school_year is the year the school
-- year starts in (2026 for 2026-2027). Paid from the pupil's wallet (one debit per item) or by one invoice per confirmation.
CREATE TABLE textbook_lists (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    class_name   text NOT NULL CHECK (length(btrim(class_name)) BETWEEN 1 AND 40),
    school_year  integer NOT NULL CHECK (school_year BETWEEN 2000 AND 2200),
    opens_on     date NOT NULL,
    closes_on    date NOT NULL CHECK (closes_on >= opens_on),
    payment      text NOT NULL CHECK (payment IN ('wallet', 'invoice')),
    compartment  smallint CHECK ((payment = 'wallet') = (compartment IS NOT NULL)),
    due_days     integer NOT NULL DEFAULT 14 CHECK (due_days BETWEEN 0 AND 120),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (school_id, class_name, school_year)
);

-- An item of a list. A rental has a deposit (refunded when the school marks it returned) and a return date; an ISBN is
-- stored as its 10 or 13 characters without hyphens, its check digit verified before it is written.
CREATE TABLE textbook_items (
    id             uuid PRIMARY KEY,
    list_id        uuid NOT NULL REFERENCES textbook_lists (id),
    position       integer NOT NULL,
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 160),
    publisher      text NOT NULL DEFAULT '' CHECK (length(publisher) <= 80),
    isbn           text CHECK (isbn ~ '^([0-9]{9}[0-9X]|[0-9]{13})$'),
    price_cents    bigint NOT NULL CHECK (price_cents BETWEEN 0 AND 10000000),
    rental         boolean NOT NULL,
    deposit_cents  bigint NOT NULL DEFAULT 0 CHECK (deposit_cents BETWEEN 0 AND 10000000 AND (rental OR deposit_cents = 0)),
    return_on      date CHECK (rental OR return_on IS NULL),
    compulsory     boolean NOT NULL
);

CREATE INDEX textbook_items_by_list ON textbook_items (list_id, position);

-- A family's answer for one pupil on one list. Only one confirmed answer per pupil and list: a second click finds the
-- first. A wallet answer whose debit was declined is kept as 'declined' (its debits given back), so the family may answer
-- again. The invoice's id, when paid by invoice, is the confirmation's own.
CREATE TABLE textbook_confirmations (
    id                 uuid PRIMARY KEY,
    list_id            uuid NOT NULL REFERENCES textbook_lists (id),
    school_id          uuid NOT NULL REFERENCES schools (id),
    pupil_id           uuid NOT NULL REFERENCES pupils (id),
    status             text NOT NULL CHECK (status IN ('confirmed', 'declined')),
    payment            text NOT NULL CHECK (payment IN ('wallet', 'invoice')),
    compartment        smallint,
    invoice_id         uuid,
    total_cents        bigint NOT NULL CHECK (total_cents >= 0),
    confirmed_by_id    text,
    confirmed_by_name  text NOT NULL,
    confirmed_at       timestamptz NOT NULL
);

CREATE UNIQUE INDEX textbook_confirmations_once ON textbook_confirmations (list_id, pupil_id) WHERE status = 'confirmed';
CREATE INDEX textbook_confirmations_by_pupil ON textbook_confirmations (school_id, pupil_id, confirmed_at DESC);

-- What the family chose for each item, with the item as it was then (a later change of the list alters no answer), and
-- the school's marks: handed out, and for a rental returned (the moment its deposit is refunded).
CREATE TABLE textbook_choices (
    confirmation_id  uuid NOT NULL REFERENCES textbook_confirmations (id),
    item_id          uuid NOT NULL,
    position         integer NOT NULL,
    choice           text NOT NULL CHECK (choice IN ('order', 'owned', 'not_needed')),
    title            text NOT NULL,
    publisher        text NOT NULL,
    isbn             text,
    price_cents      bigint NOT NULL,
    rental           boolean NOT NULL,
    deposit_cents    bigint NOT NULL,
    return_on        date,
    compulsory       boolean NOT NULL,
    handed_out_at    timestamptz,
    handed_out_by    text,
    returned_at      timestamptz CHECK (returned_at IS NULL OR (rental AND handed_out_at IS NOT NULL AND choice = 'order')),
    returned_by      text,
    PRIMARY KEY (confirmation_id, item_id)
);

-- A guardian opening a confirmation's PDF: the documents list shows it read.
CREATE TABLE textbook_reads (
    confirmation_id  uuid NOT NULL REFERENCES textbook_confirmations (id),
    user_id          uuid NOT NULL,
    opened_at        timestamptz NOT NULL,
    PRIMARY KEY (confirmation_id, user_id)
);

-- "Relancer": each reminder the school sent to the families who had not answered.
CREATE TABLE textbook_reminders (
    list_id     uuid NOT NULL REFERENCES textbook_lists (id),
    sent_at     timestamptz NOT NULL,
    sent_by     text NOT NULL,
    recipients  integer NOT NULL
);

CREATE INDEX textbook_reminders_by_list ON textbook_reminders (list_id, sent_at DESC);
