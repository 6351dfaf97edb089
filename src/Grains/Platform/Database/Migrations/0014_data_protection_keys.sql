-- ASP.NET Core's data-protection key ring (it encrypts session and antiforgery cookies), shared by every
-- web node through the database: a cookie issued by one node opens on another, and survives restarts.
CREATE TABLE data_protection_keys (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name  text NOT NULL,
    xml            text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
