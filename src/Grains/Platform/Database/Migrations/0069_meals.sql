-- Meal reservations: the school's rules and menus, pupils' declared allergies, and the bookings. A booking is
-- paid from the pupil's purse when it is made and refunded when it is cancelled; the day's grain
-- (MealDayGrain) is the only writer of meal_bookings. Allergens are the 14 EU allergens as a bit set
-- (ItSchool.Meals.Allergens): bit 0 gluten … bit 13 molluscs.

-- How a school takes bookings. The cut-off is a Brussels wall-clock time a number of school days (Monday to
-- Friday) before the meal's day: 09:00 and 0 is "09:00 the same day", 14:00 and 2 is "14:00 two school days before".
CREATE TABLE meal_rules (
    school_id           uuid PRIMARY KEY REFERENCES schools (id),
    horizon_days        integer NOT NULL CHECK (horizon_days BETWEEN 1 AND 366),
    cutoff_time         time NOT NULL,
    cutoff_school_days  smallint NOT NULL CHECK (cutoff_school_days BETWEEN 0 AND 20),
    -- Null: every class may book; otherwise only these (exactly as pupils.class_name spells them).
    allowed_classes     text[] CHECK (allowed_classes IS NULL OR cardinality(allowed_classes) > 0),
    updated_at          timestamptz NOT NULL
);

-- What an article costs a class when it differs from the article's own price (e.g. primary / secondary):
-- one row per class of the group.
CREATE TABLE meal_class_prices (
    school_id     uuid NOT NULL REFERENCES schools (id),
    article_code  text NOT NULL CHECK (article_code ~ '^[A-Z0-9_-]{1,20}$'),
    class_name    text NOT NULL CHECK (length(class_name) BETWEEN 1 AND 20),
    price_cents   bigint NOT NULL CHECK (price_cents > 0 AND price_cents <= 100000),
    PRIMARY KEY (school_id, article_code, class_name)
);

-- The articles offered on a day. An article with bookings is never deleted: it is withdrawn (and its
-- bookings refunded by the day's grain).
CREATE TABLE meal_articles (
    school_id     uuid NOT NULL REFERENCES schools (id),
    day           date NOT NULL,
    code          text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,20}$'),
    label         text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 80),
    price_cents   bigint NOT NULL CHECK (price_cents > 0 AND price_cents <= 100000),
    compartment   smallint NOT NULL,
    allergens     integer NOT NULL DEFAULT 0 CHECK (allergens BETWEEN 0 AND 16383),
    -- Null: unlimited.
    capacity      integer CHECK (capacity > 0),
    withdrawn_at  timestamptz,
    PRIMARY KEY (school_id, day, code),
    FOREIGN KEY (school_id, compartment) REFERENCES wallet_compartments (school_id, compartment)
);

-- A day without meals (holiday, strike, trip): nothing can be booked, and what was booked is refunded.
CREATE TABLE meal_closed_days (
    school_id  uuid NOT NULL REFERENCES schools (id),
    day        date NOT NULL,
    reason     text NOT NULL CHECK (reason IN ('holiday', 'strike', 'trip', 'other')),
    closed_at  timestamptz NOT NULL,
    PRIMARY KEY (school_id, day)
);

-- What the school declared from the medical form.
CREATE TABLE meal_allergies (
    pupil_id    uuid PRIMARY KEY REFERENCES pupils (id),
    allergens   integer NOT NULL CHECK (allergens BETWEEN 1 AND 16383),
    updated_at  timestamptz NOT NULL
);

-- A booking and its money. 'pending': written before the purse debit (key debit_key); 'booked': debited;
-- 'failed': the purse declined, nothing moved; 'cancelled': a refund is owed (key refund_key) for
-- refund_reason; 'refunded': the purse credited it. A crash leaves 'pending' or 'cancelled', which the
-- day's grain finishes at its next activation.
CREATE TABLE meal_bookings (
    id              uuid PRIMARY KEY,
    school_id       uuid NOT NULL REFERENCES schools (id),
    day             date NOT NULL,
    article_code    text NOT NULL,
    label           text NOT NULL,
    pupil_id        uuid NOT NULL REFERENCES pupils (id),
    compartment     smallint NOT NULL,
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    request_key     text NOT NULL CHECK (length(request_key) BETWEEN 1 AND 100),
    booked_by_kind  text NOT NULL,
    booked_by_id    text,
    booked_by_name  text,
    status          text NOT NULL CHECK (status IN ('pending', 'booked', 'failed', 'cancelled', 'refunded')),
    debit_key       text NOT NULL UNIQUE,
    refund_key      text UNIQUE,
    refund_reason   text CHECK (refund_reason IN ('cancelled_by_guardian', 'day_closed', 'article_withdrawn')),
    cancelled_by    text,
    created_at      timestamptz NOT NULL,
    booked_at       timestamptz,
    cancelled_at    timestamptz,
    finished_at     timestamptz,
    UNIQUE (school_id, day, request_key),
    FOREIGN KEY (school_id, day, article_code) REFERENCES meal_articles (school_id, day, code),
    CHECK (debit_key = 'meal/' || id::text),
    CHECK ((status IN ('cancelled', 'refunded')) = (refund_reason IS NOT NULL AND cancelled_at IS NOT NULL AND booked_at IS NOT NULL
                                                     AND refund_key = 'meal-refund/' || id::text)),
    CHECK (status NOT IN ('booked', 'cancelled', 'refunded') OR booked_at IS NOT NULL),
    CHECK (status NOT IN ('pending', 'failed') OR (booked_at IS NULL AND refund_key IS NULL)),
    CHECK ((status IN ('failed', 'refunded')) = (finished_at IS NOT NULL))
);

CREATE INDEX meal_bookings_by_day ON meal_bookings (school_id, day);
CREATE INDEX meal_bookings_by_pupil ON meal_bookings (pupil_id, day);

-- A booking moves forward only (pending → booked | failed, booked → cancelled → refunded), never loses what
-- it was, and is never deleted: the ledger's meal entries always have their booking.
CREATE FUNCTION meal_bookings_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'meal bookings are never deleted: % refused', TG_OP;
    END IF;
    IF (NEW.id, NEW.school_id, NEW.day, NEW.article_code, NEW.label, NEW.pupil_id, NEW.compartment, NEW.amount_cents,
        NEW.request_key, NEW.debit_key, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.school_id, OLD.day, OLD.article_code, OLD.label, OLD.pupil_id, OLD.compartment, OLD.amount_cents,
        OLD.request_key, OLD.debit_key, OLD.created_at) THEN
        RAISE EXCEPTION 'a meal booking''s identity and amount never change';
    END IF;
    IF NOT ((OLD.status, NEW.status) IN (('pending', 'booked'), ('pending', 'failed'), ('booked', 'cancelled'), ('cancelled', 'refunded'))) THEN
        RAISE EXCEPTION 'a meal booking cannot go from % to %', OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER meal_bookings_forward_only
    BEFORE UPDATE OR DELETE ON meal_bookings
    FOR EACH ROW EXECUTE FUNCTION meal_bookings_move_forward();

CREATE TRIGGER meal_bookings_never_truncated
    BEFORE TRUNCATE ON meal_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION meal_bookings_move_forward();
