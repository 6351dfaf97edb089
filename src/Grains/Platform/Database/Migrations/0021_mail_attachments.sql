-- Files sent with a mail (a meeting's calendar file). Kept beside the outbox row; most mails have none.
CREATE TABLE mail_attachments (
    mail_id       uuid NOT NULL REFERENCES mail_outbox (id),
    position      int NOT NULL,
    file_name     text NOT NULL,
    content_type  text NOT NULL,
    content       text NOT NULL,
    PRIMARY KEY (mail_id, position)
);
