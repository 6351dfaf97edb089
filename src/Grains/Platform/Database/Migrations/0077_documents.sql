-- Documents the school sends to families (a letter, a permission form, a photo), and the receipts of who opened them.
-- The file lives in document_chunks as bytea rows of a fixed size rather than as a large object: rows are written
-- and read one at a time (an upload or a download never holds more than a chunk), they belong to the document's
-- transaction (a refused upload leaves nothing), they go when the document goes (a large object would need its own
-- unlink and could be orphaned), and they are in every ordinary backup and replica like the rest of the school's data.
CREATE TABLE documents (
    id             uuid PRIMARY KEY,
    school_id      uuid NOT NULL REFERENCES schools (id),
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    dated_on       date NOT NULL,
    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    -- The type the content was sniffed as (never what the browser claimed): the download is served with it.
    content_type   text NOT NULL,
    size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
    -- How the school addressed it, to show in its list: 'pupils' (one or a selection), 'class', 'school'.
    audience       text NOT NULL CHECK (audience IN ('pupils', 'class', 'school')),
    class_name     text,
    uploaded_by    text NOT NULL,
    uploaded_at    timestamptz NOT NULL
);

CREATE INDEX documents_by_school ON documents (school_id, dated_on DESC, uploaded_at DESC);

-- Deferred: the chunks are written while the upload streams, the document's row once its form is known to be valid,
-- both in one transaction.
CREATE TABLE document_chunks (
    document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position     integer NOT NULL CHECK (position >= 0),
    data         bytea NOT NULL,
    PRIMARY KEY (document_id, position)
);

-- The pupils a document is for, fixed when it is sent: a class or the whole school means its pupils at that moment.
CREATE TABLE document_pupils (
    document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pupil_id     uuid NOT NULL REFERENCES pupils (id),
    PRIMARY KEY (document_id, pupil_id)
);

CREATE INDEX document_pupils_by_pupil ON document_pupils (pupil_id, document_id);

-- Opened by a guardian: per guardian, not per family (the other guardian has not read it because one did).
CREATE TABLE document_reads (
    document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id),
    opened_at    timestamptz NOT NULL,
    PRIMARY KEY (document_id, user_id)
);

-- The same for the invoices the parents' document list shows beside the uploaded documents.
CREATE TABLE invoice_reads (
    invoice_id  uuid NOT NULL REFERENCES invoices (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    opened_at   timestamptz NOT NULL,
    PRIMARY KEY (invoice_id, user_id)
);

-- Each "Relancer": the mails go out in the same transaction through the outbox; the last one's moment keeps a second
-- click from sending them twice.
CREATE TABLE document_reminders (
    document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    sent_at      timestamptz NOT NULL,
    sent_by      text NOT NULL,
    recipients   integer NOT NULL,
    PRIMARY KEY (document_id, sent_at)
);
