-- What a school sells or collects between two dates: a photographer's order, the e-shop (T-shirts…), or a form such as
-- "Location-retour chromebooks". A form is open to the families of its classes from opens_on to closes_on, both
-- inclusive, in the school's days; it is paid from the pupil's wallet at once or by an invoice of its own.
CREATE TABLE order_forms (
    id           uuid PRIMARY KEY,
    school_id    uuid NOT NULL REFERENCES schools (id),
    kind         text NOT NULL CHECK (kind IN ('photos', 'shop', 'form')),
    title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    opens_on     date NOT NULL,
    closes_on    date NOT NULL CHECK (closes_on >= opens_on),
    -- NULL: every class of the school.
    classes      text[],
    payment      text NOT NULL CHECK (payment IN ('wallet', 'invoice')),
    -- The wallet's compartment a wallet payment is taken from; NULL for an invoice.
    compartment  smallint CHECK ((payment = 'wallet') = (compartment IS NOT NULL)),
    -- An invoice's due date: this many days after the order.
    due_days     integer NOT NULL DEFAULT 14 CHECK (due_days BETWEEN 0 AND 120),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    -- Bumped by every change the school makes, so that the form's grain and the pages know to read it again.
    version      integer NOT NULL DEFAULT 1
);

CREATE INDEX order_forms_by_school ON order_forms (school_id, closes_on DESC);

-- An article of a form, at its price; an order copies label and price, so a later change never alters an order placed.
CREATE TABLE order_articles (
    form_id          uuid NOT NULL REFERENCES order_forms (id) ON DELETE CASCADE,
    code             text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,20}$'),
    label            text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 120),
    price_cents      bigint NOT NULL CHECK (price_cents BETWEEN 0 AND 10000000),
    -- At most this many of the article (all options together) per pupil; NULL: no limit.
    limit_per_pupil  integer CHECK (limit_per_pupil > 0),
    position         integer NOT NULL,
    -- Withdrawn articles are no longer offered; orders already placed keep them.
    withdrawn_at     timestamptz,
    PRIMARY KEY (form_id, code)
);

-- The sizes (or other choices) of an article, each with its own stock; an article without choices has one row, ''.
CREATE TABLE order_article_options (
    form_id       uuid NOT NULL,
    article_code  text NOT NULL,
    option        text NOT NULL CHECK (length(option) <= 20),
    -- How many the school has to sell in all (placed orders included); NULL: no limit.
    stock         integer CHECK (stock >= 0),
    position      integer NOT NULL,
    PRIMARY KEY (form_id, article_code, option),
    FOREIGN KEY (form_id, article_code) REFERENCES order_articles (form_id, code) ON DELETE CASCADE
);

-- A photographer's proofs of one pupil, shown to that pupil's guardians only, on the photo order's page.
CREATE TABLE order_proofs (
    id            uuid PRIMARY KEY,
    form_id       uuid NOT NULL REFERENCES order_forms (id) ON DELETE CASCADE,
    pupil_id      uuid NOT NULL REFERENCES pupils (id),
    file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    data          bytea NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL
);

CREATE INDEX order_proofs_by_pupil ON order_proofs (form_id, pupil_id, uploaded_at);

-- An order of one pupil on one form, decided by the form's grain only. A wallet order is written in the commit of its
-- debit (key order/{id}), its cancellation in the commit of its refund (key order-refund/{id}); an invoice order is
-- written before its invoice, whose id is the order's, so that the grain can issue it again after a crash.
CREATE TABLE orders (
    id               uuid PRIMARY KEY,
    form_id          uuid NOT NULL REFERENCES order_forms (id),
    school_id        uuid NOT NULL REFERENCES schools (id),
    pupil_id         uuid NOT NULL REFERENCES pupils (id),
    -- The parent's click: the same key twice on a form orders once.
    request_key      text NOT NULL CHECK (length(request_key) BETWEEN 1 AND 100),
    total_cents      bigint NOT NULL CHECK (total_cents >= 0),
    payment          text NOT NULL CHECK (payment IN ('wallet', 'invoice')),
    compartment      smallint,
    invoice_id       uuid,
    status           text NOT NULL CHECK (status IN ('placed', 'cancelled')),
    placed_by_kind   text NOT NULL,
    placed_by_id     text,
    placed_by_name   text,
    placed_at        timestamptz NOT NULL,
    cancelled_by     text,
    cancelled_at     timestamptz,
    delivered_by     text,
    delivered_at     timestamptz,
    UNIQUE (form_id, request_key),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (NOT (status = 'cancelled' AND delivered_at IS NOT NULL))
);

CREATE INDEX orders_by_pupil ON orders (pupil_id, placed_at DESC);
CREATE INDEX orders_by_form ON orders (form_id, placed_at);

CREATE TABLE order_lines (
    order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    article_code  text NOT NULL,
    option        text NOT NULL,
    label         text NOT NULL,
    quantity      integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    unit_cents    bigint NOT NULL CHECK (unit_cents >= 0),
    PRIMARY KEY (order_id, position)
);

-- An order's confirmation opened by a guardian, as the documents list shows it beside uploaded documents and invoices.
CREATE TABLE order_reads (
    order_id   uuid NOT NULL REFERENCES orders (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    opened_at  timestamptz NOT NULL,
    PRIMARY KEY (order_id, user_id)
);
