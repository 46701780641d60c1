-- Coach sessions, so a session started through one HTTP replica continues through another.
-- The state is the coach's own (method::coach::State) as JSON; `caller` binds the session to
-- whoever started it; `touched` is when it last moved, by the database's clock, so replicas
-- with different clocks agree on what has expired.
CREATE TABLE coach_session (
    handle   text PRIMARY KEY,
    caller   text,
    state    jsonb NOT NULL,
    touched  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX coach_session_by_touched ON coach_session (touched);

-- The coach for 2026 clients that elicit carries its state in a sealed requestState instead:
-- every replica must open what another sealed, so the sealing key is kept here, made once by
-- whichever replica needs it first; and each sealed state answers once, on any replica, so a
-- digest of every one used is kept until it would have expired anyway.
CREATE TABLE ladder_secret (
    name   text PRIMARY KEY,
    value  bytea NOT NULL
);

CREATE TABLE coach_spent (
    digest  bytea PRIMARY KEY,
    used    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX coach_spent_by_used ON coach_spent (used);
