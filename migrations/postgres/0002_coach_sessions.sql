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
