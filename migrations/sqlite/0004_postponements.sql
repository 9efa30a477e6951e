-- Postponements: a claim's resolve-by date moved later, as a record of its own. The claim
-- row keeps the date it was recorded with; the latest postponement (highest id) gives the
-- date hindsight now reminds about. Like every record, each one is also an event, so the
-- events table is rebuilt to accept the new kind (SQLite cannot change a CHECK in place);
-- its rows, indexes and append-only triggers come through unchanged.
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE postponements (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    resolve_by   TEXT NOT NULL,            -- the new date, YYYY-MM-DD
    note         TEXT,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX postponements_claim ON postponements(claim_id, id);

CREATE TABLE events_v4 (
    seq          INTEGER PRIMARY KEY,
    recorded_at  TEXT NOT NULL,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('source', 'claim', 'forecast', 'resolution', 'postponement')),
    row_id       INTEGER NOT NULL,
    key          TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
INSERT INTO events_v4 (seq, recorded_at, kind, row_id, key, payload, prev_hash, hash)
    SELECT seq, recorded_at, kind, row_id, key, payload, prev_hash, hash FROM events ORDER BY seq;
DROP TRIGGER events_no_update;
DROP TRIGGER events_no_delete;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE INDEX events_key ON events(key, seq);
CREATE INDEX events_row ON events(kind, row_id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted');
END;
