-- The charges list: what a pupil owes that is not billed yet (day care sessions, photos, a book...), filled by
-- hand or by CSV import, and gathered per period into one grouped invoice ("Facture groupée").
CREATE TABLE invoice_charges (
    id          uuid PRIMARY KEY,
    school_id   uuid NOT NULL REFERENCES schools (id),
    pupil_id    uuid NOT NULL REFERENCES pupils (id),
    charged_on  date NOT NULL,
    label       text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_cents  bigint NOT NULL CHECK (unit_cents > 0),
    created_at  timestamptz NOT NULL,
    -- Set when a grouped invoice takes the charge; a charge is billed once.
    invoice_id  uuid,
    -- The same line imported twice is one charge.
    UNIQUE (school_id, pupil_id, charged_on, label, quantity, unit_cents)
);

CREATE INDEX invoice_charges_unbilled ON invoice_charges (school_id, charged_on) WHERE invoice_id IS NULL;
