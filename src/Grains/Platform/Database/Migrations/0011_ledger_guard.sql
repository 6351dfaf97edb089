-- A purse writes its entries and moves its balances in one statement batch (one round trip, one implicit
-- transaction). If a balance row is not at the value the purse believed, this raises and the whole batch,
-- entries included, rolls back.
CREATE FUNCTION purse_balances_moved(expected integer, moved bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    IF moved <> expected THEN
        RAISE EXCEPTION 'a purse balance changed outside its purse (% of % rows moved)', moved, expected
            USING ERRCODE = 'IS001';
    END IF;
    RETURN expected;
END;
$$;
