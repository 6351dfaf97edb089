-- A booked meal handed out at the canteen's till: one row per booking, written once and never changed, so that
-- the kitchen counts what was served against what was booked and a second tap says "already served". The
-- booking itself stays as the day's grain wrote it (meal_bookings moves forward only, through its own states).
CREATE TABLE meal_servings (
    booking_id      uuid PRIMARY KEY REFERENCES meal_bookings (id),
    school_id       uuid NOT NULL REFERENCES schools (id),
    day             date NOT NULL,
    served_at       timestamptz NOT NULL,
    served_by_id    text NOT NULL,
    served_by_name  text NOT NULL,
    terminal_id     uuid
);

CREATE INDEX meal_servings_by_day ON meal_servings (school_id, day);

CREATE FUNCTION meal_servings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a served meal stays served: % refused', TG_OP;
END;
$$;

CREATE TRIGGER meal_servings_never_changed
    BEFORE UPDATE OR DELETE ON meal_servings
    FOR EACH ROW EXECUTE FUNCTION meal_servings_append_only();

CREATE TRIGGER meal_servings_never_truncated
    BEFORE TRUNCATE ON meal_servings
    FOR EACH STATEMENT EXECUTE FUNCTION meal_servings_append_only();
