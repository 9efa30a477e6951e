-- A compact history (issue 14): the events table keeps only what is not said elsewhere.
-- The columns recorded_at, row_id and key repeated the payload, and prev_hash repeated the
-- hash of the event before; they are gone. The hash is stored as its 32 bytes instead of
-- 64 hex digits, and each event names the claim it belongs to by id (`claim_id`), which
-- serves `log CLAIM` through the index events_claim. docs/EVENTS.md specifies the table
-- and the payloads; new events are written in payload format version 2.
--
-- The old rows come across as they are: same seq, same payload bytes (so the chain still
-- verifies), the hash converted from hex. A dropped column that disagreed with what it
-- should have said (someone edited it behind hindsight's back) would vanish without a
-- trace, so each such disagreement is kept in events_findings, which `verify` reports; on
-- an untouched ledger that table is empty.
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE events_v7 (
    seq       INTEGER PRIMARY KEY,      -- 1, 2, 3… in the order appended
    -- The kinds as a chain of comparisons, not `kind IN (…)`: SQLite checks an IN list of
    -- constants by building a small temporary table on every insert, which cost about 2 µs
    -- an event (a sixth of an import's time).
    kind      TEXT NOT NULL
              CHECK (kind = 'source' OR kind = 'claim' OR kind = 'forecast'
                     OR kind = 'resolution' OR kind = 'postponement'),
    claim_id  INTEGER,                  -- NULL for a source; else the claim's id (claims.id)
    payload   TEXT NOT NULL,            -- canonical JSON, hashed byte for byte
    hash      BLOB NOT NULL             -- SHA-256(previous hash as hex || "\n" || payload)
              CHECK (typeof(hash) = 'blob' AND length(hash) = 32)
);

-- What the dropped columns said where it was not what they should have said: `stored` is
-- the column's text, `expected` the value it should have held (the payload's, or for
-- prev_hash the hash of the event before).
CREATE TABLE events_findings (
    id        INTEGER PRIMARY KEY,      -- the order found in (kept by VACUUM, unlike a rowid)
    seq       INTEGER NOT NULL,
    field     TEXT NOT NULL CHECK (field IN ('recorded_at', 'row_id', 'key', 'prev_hash', 'hash')),
    stored    TEXT,
    expected  TEXT
);

-- A payload of format 1 begins with its kind, id, time and key, in a fixed form: an event
-- whose payload begins with exactly what its columns say agrees with them. Only the others
-- (none, unless someone edited the table) are read as JSON, field by field.
WITH suspect AS MATERIALIZED (
    SELECT e.seq, e.recorded_at, e.row_id, e.key, e.payload
      FROM events e
     WHERE instr(e.payload,
                 '{"v":1,"kind":"' || e.kind || '","id":' || e.row_id || ',"at":"' || e.recorded_at
                 || '","record":{"' || CASE WHEN e.kind IN ('source', 'claim') THEN 'key' ELSE 'claim' END
                 || '":' || json_quote(CAST(e.key AS TEXT)) || ',') IS NOT 1
        OR instr(e.recorded_at, '"') OR instr(e.recorded_at, '\')
), readable AS MATERIALIZED (
    SELECT * FROM suspect WHERE json_valid(payload) AND json_type(payload) = 'object'
)
INSERT INTO events_findings (seq, field, stored, expected)
SELECT seq, field, stored, expected FROM (
    SELECT seq, 'recorded_at' AS field, CAST(recorded_at AS TEXT) AS stored,
           CAST(json_extract(payload, '$.at') AS TEXT) AS expected
      FROM readable
    UNION ALL
    SELECT seq, 'row_id', CAST(row_id AS TEXT), CAST(json_extract(payload, '$.id') AS TEXT)
      FROM readable
    UNION ALL
    SELECT seq, 'key', CAST(key AS TEXT),
           CAST(json_extract(payload,
                             CASE WHEN json_extract(payload, '$.kind') IN ('source', 'claim')
                                  THEN '$.record.key' ELSE '$.record.claim' END) AS TEXT)
      FROM readable
    UNION ALL
    -- Compared only where the event before exists: a missing event shows as a gap in
    -- seq, which verify reports anyway.
    SELECT e.seq, 'prev_hash', CAST(e.prev_hash AS TEXT),
           CASE WHEN e.seq = 1 THEN '0000000000000000000000000000000000000000000000000000000000000000'
                ELSE (SELECT CAST(p.hash AS TEXT) FROM events p WHERE p.seq = e.seq - 1) END
      FROM events e
    UNION ALL
    SELECT e.seq, 'hash', CAST(e.hash AS TEXT), NULL
      FROM events e
     WHERE length(e.hash) <> 64 OR lower(hex(unhex(e.hash))) IS NOT e.hash
)
WHERE field = 'hash' OR (expected IS NOT NULL AND stored IS NOT expected)
ORDER BY seq, field;

-- A hash that was not 64 hex digits cannot be converted; 32 zero bytes stand in for it,
-- which verify then reports as a hash that does not match its content.
INSERT INTO events_v7 (seq, kind, claim_id, payload, hash)
SELECT e.seq, e.kind,
       CASE WHEN e.kind = 'source' THEN NULL ELSE c.id END,
       e.payload,
       CASE WHEN length(e.hash) = 64 AND length(unhex(e.hash)) = 32 THEN unhex(e.hash)
            ELSE zeroblob(32) END
  FROM events e LEFT JOIN claims c ON c.key = e.key
 ORDER BY e.seq;

-- IF EXISTS: someone may have dropped them to edit the history; the upgrade must still
-- open such a ledger, so that verify can say what was edited.
DROP TRIGGER IF EXISTS events_no_update;
DROP TRIGGER IF EXISTS events_no_delete;
DROP TABLE events;
ALTER TABLE events_v7 RENAME TO events;
CREATE INDEX events_claim ON events(claim_id, seq);

-- Append-only: a correction is a new event, never an edit of an old one; and what the
-- upgrade found stays found.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted');
END;
CREATE TRIGGER events_findings_no_update BEFORE UPDATE ON events_findings
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed');
END;
CREATE TRIGGER events_findings_no_delete BEFORE DELETE ON events_findings
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted');
END;
