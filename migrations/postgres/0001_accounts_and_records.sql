-- Accounts, and every dated thing recorded about them: the same tables as the SQLite store's
-- first migration, in PostgreSQL's own types. A record's body is JSON: for a diagnosis or a
-- trust audit, the input and the engine's own result; for an action or a sharing event, the
-- facts as given. Deleting an account deletes its records.
CREATE TABLE account (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    -- The name folded for lookups: trimmed, lower case, inner white space collapsed.
    key         text NOT NULL UNIQUE,
    domain      text,
    acv_usd     double precision,
    renewal     date,
    created_at  timestamptz NOT NULL DEFAULT date_trunc('second', now()),
    created_by  text
);

CREATE TABLE record (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('diagnosis', 'trust_audit', 'action', 'sharing')),
    -- The day the record is about, which places it in a quarter.
    date         date NOT NULL,
    body         jsonb NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT date_trunc('second', now()),
    recorded_by  text
);

CREATE INDEX record_by_account_and_date ON record (account_id, date, id);
