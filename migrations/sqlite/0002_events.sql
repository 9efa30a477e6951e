-- The ledger's history: every record hindsight writes is also appended here, in the same
-- transaction, as an event chained to the one before by SHA-256. docs/EVENTS.md specifies
-- the columns, the payload of each kind and the hash rule, so that another program can
-- check a ledger. The rows of a database made before this migration become its first
-- events; a Rust hook writes them (SQL cannot hash), see src/store/schema.rs.
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,      -- 1, 2, 3… in the order appended
    recorded_at  TEXT NOT NULL,            -- when hindsight appended it (the payload's "at")
    kind         TEXT NOT NULL CHECK (kind IN ('source', 'claim', 'forecast', 'resolution')),
    row_id       INTEGER NOT NULL,         -- the record's id in its table (the payload's "id")
    key          TEXT NOT NULL,            -- a source's key, or the claim's key for the rest
    payload      TEXT NOT NULL,            -- canonical JSON, hashed byte for byte
    prev_hash    TEXT NOT NULL,            -- the hash of event seq - 1 (64 zeros for the first)
    hash         TEXT NOT NULL             -- SHA-256(prev_hash || "\n" || payload), lowercase hex
);
CREATE INDEX events_key ON events(key, seq);
CREATE INDEX events_row ON events(kind, row_id);

-- Append-only: a correction is a new event, never an edit of an old one.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted');
END;
