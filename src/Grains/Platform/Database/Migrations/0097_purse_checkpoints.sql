-- A compartment's ledger summed through one of its entries, written only when that sum and the entries after it agreed
-- with the balance: a purse opens by adding the entries after its checkpoint, however many years of sales came before.
CREATE TABLE purse_checkpoints (
    pupil_id     uuid NOT NULL,
    compartment  smallint NOT NULL,
    through_id   bigint NOT NULL,
    sum_cents    bigint NOT NULL,
    PRIMARY KEY (pupil_id, compartment),
    FOREIGN KEY (pupil_id, compartment) REFERENCES purse_compartments (pupil_id, compartment)
);

-- The entries after a checkpoint, and their amounts, from the index alone.
CREATE INDEX ledger_by_purse ON ledger_entries (pupil_id, compartment, id) INCLUDE (amount_cents);
