-- Accounts, and every dated thing recorded about them. A record's body is JSON: for a
-- diagnosis or a trust audit, the input and the engine's own result; for an action or a
-- sharing event, the facts as given. Deleting an account deletes its records.
CREATE TABLE account (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The name folded for lookups: trimmed, lower case, inner white space collapsed.
    key         TEXT NOT NULL UNIQUE,
    domain      TEXT,
    acv_usd     REAL,
    renewal     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT
);

CREATE TABLE record (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('diagnosis', 'trust_audit', 'action', 'sharing')),
    -- The day the record is about (YYYY-MM-DD), which places it in a quarter.
    date         TEXT NOT NULL,
    body         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT
);

CREATE INDEX record_by_account_and_date ON record (account_id, date, id);
