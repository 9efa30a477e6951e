-- A smaller history (issue 14), for payload format 4.
--
-- The events' `kind` column holds a small integer instead of the kind's name: 0 forecast,
-- 1 claim, 2 resolution, 3 postponement, 4 source. SQLite stores 0 and 1 in no bytes and
-- the others in one, where 'forecast' took nine. The table is rebuilt with every event's
-- seq, claim_id, payload and hash as they were (the payloads are what the chain hashes),
-- and its index and append-only triggers as before. `verify` compares the column with the
-- payload's kind as it did the name.
--
-- `first_forecasts` holds the id of each forecaster's first forecast. A payload in format
-- 4 names a forecaster who has forecast before by that id instead of by name (see
-- docs/EVENTS.md); hindsight adds a row with each forecaster's first forecast, and
-- `verify` checks the table against the history. For the forecasts already here, the
-- first of each forecaster is the one with the lowest id (ids rise with the history).
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE events_v9 (
    seq       INTEGER PRIMARY KEY,      -- 1, 2, 3… in the order appended
    -- A chain of comparisons, not `kind IN (…)` (see migration 7).
    kind      INTEGER NOT NULL
              CHECK (kind = 0 OR kind = 1 OR kind = 2 OR kind = 3 OR kind = 4),
    claim_id  INTEGER,                  -- NULL for a source; else the claim's id (claims.id)
    payload   TEXT NOT NULL,            -- canonical JSON, hashed byte for byte
    hash      BLOB NOT NULL             -- SHA-256(previous hash as hex || "\n" || payload)
              CHECK (typeof(hash) = 'blob' AND length(hash) = 32)
);

INSERT INTO events_v9 (seq, kind, claim_id, payload, hash)
SELECT seq,
       CASE kind WHEN 'forecast' THEN 0 WHEN 'claim' THEN 1 WHEN 'resolution' THEN 2
                 WHEN 'postponement' THEN 3 WHEN 'source' THEN 4 END,
       claim_id, payload, hash
  FROM events
 ORDER BY seq;

-- IF EXISTS: someone may have dropped them to edit the history; the upgrade must still
-- open such a ledger, so that verify can say what was edited.
DROP TRIGGER IF EXISTS events_no_update;
DROP TRIGGER IF EXISTS events_no_delete;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
CREATE INDEX events_claim ON events(claim_id, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted');
END;

CREATE TABLE first_forecasts (
    forecaster_id  INTEGER PRIMARY KEY REFERENCES forecasters(id),
    forecast_id    INTEGER NOT NULL     -- forecasts.id
);
INSERT INTO first_forecasts (forecaster_id, forecast_id)
SELECT forecaster_id, min(id) FROM forecasts GROUP BY forecaster_id ORDER BY forecaster_id;
