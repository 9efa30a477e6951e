-- Forecasts stored compactly (issue 14), and the open claims kept at hand by due date.
--
-- A forecaster's name is stored once, in `forecasters`; a forecast refers to it by id.
-- A forecast's two times are whole seconds since 1970-01-01T00:00:00Z (INTEGER, negative
-- before 1970; years 0000-9999 like every time in the ledger) instead of RFC 3339 text:
-- a row is about a third of its former size and times compare without parsing. Every
-- other table keeps its text times. Existing rows are copied with their ids, so the
-- history's events (which name the forecaster and carry the times as text) still match.
--
-- `open_claims` holds each claim that has no resolution yet with the date it is now due
-- (its latest postponement's, else its own). The functions that insert claims,
-- resolutions and postponements keep it in the same statement sequence (SQLite triggers
-- would make each of those inserts keep a statement journal, a third of their cost), and
-- `verify` checks it against those tables. `list --due` reads it by date instead of
-- looking at every claim, so the index of claims by resolve-by date goes.
--
-- The resolutions table is rebuilt with the same rows so that its check of the outcome is
-- a chain of comparisons: SQLite checks `outcome IN (…)` by building a small temporary
-- table on every insert.
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE forecasters (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);
INSERT INTO forecasters (name) SELECT DISTINCT forecaster FROM forecasts ORDER BY forecaster;

CREATE TABLE forecasts_v6 (
    id             INTEGER PRIMARY KEY,
    claim_id       INTEGER NOT NULL REFERENCES claims(id),
    forecaster_id  INTEGER NOT NULL REFERENCES forecasters(id),
    p              REAL NOT NULL CHECK (p >= 0.0 AND p <= 1.0),
    made_at        INTEGER NOT NULL,   -- seconds since 1970-01-01T00:00:00Z
    note           TEXT,
    recorded_at    INTEGER NOT NULL    -- seconds since 1970-01-01T00:00:00Z
);
-- A ledger edited behind hindsight's back must still upgrade, so that `verify` can say
-- what was edited. A time is converted only from the form hindsight writes (one that
-- strftime gives back unchanged: a real instant, whole seconds, 'Z'); any other value is
-- kept as it was, and `verify` reports it. Foreign keys are checked when the migration
-- commits (deferred): a forecast whose claim was deleted is carried over as it was, and
-- dropping the old table removes the same dangling reference it adds.
PRAGMA defer_foreign_keys = ON;
INSERT INTO forecasts_v6 (id, claim_id, forecaster_id, p, made_at, note, recorded_at)
    SELECT f.id, f.claim_id, w.id, f.p,
           CASE WHEN typeof(f.made_at) = 'text'
                 AND strftime('%Y-%m-%dT%H:%M:%SZ', f.made_at) = f.made_at
                THEN unixepoch(f.made_at) ELSE f.made_at END,
           f.note,
           CASE WHEN typeof(f.recorded_at) = 'text'
                 AND strftime('%Y-%m-%dT%H:%M:%SZ', f.recorded_at) = f.recorded_at
                THEN unixepoch(f.recorded_at) ELSE f.recorded_at END
      FROM forecasts f JOIN forecasters w ON w.name = f.forecaster
     ORDER BY f.id;
DROP TABLE forecasts;
ALTER TABLE forecasts_v6 RENAME TO forecasts;
CREATE INDEX forecasts_claim ON forecasts(claim_id, forecaster_id, made_at);

CREATE TABLE resolutions_v6 (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    outcome      TEXT NOT NULL
                 CHECK (outcome = 'yes' OR outcome = 'no' OR outcome = 'annulled'
                        OR outcome = 'ambiguous'),
    resolved_on  TEXT NOT NULL,
    evidence     TEXT,
    note         TEXT,
    recorded_at  TEXT NOT NULL
);
INSERT INTO resolutions_v6 (id, claim_id, outcome, resolved_on, evidence, note, recorded_at)
    SELECT id, claim_id, outcome, resolved_on, evidence, note, recorded_at
      FROM resolutions ORDER BY id;
DROP TABLE resolutions;
ALTER TABLE resolutions_v6 RENAME TO resolutions;
CREATE INDEX resolutions_claim ON resolutions(claim_id, id);

CREATE TABLE open_claims (
    claim_id  INTEGER PRIMARY KEY REFERENCES claims(id),
    due       TEXT NOT NULL              -- YYYY-MM-DD
);
INSERT INTO open_claims (claim_id, due)
    SELECT c.id,
           coalesce((SELECT p.resolve_by FROM postponements p WHERE p.claim_id = c.id
                      ORDER BY p.id DESC LIMIT 1), c.resolve_by)
      FROM claims c
     WHERE NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.claim_id = c.id);
CREATE INDEX open_claims_due ON open_claims(due, claim_id);
-- The claims by resolve-by date served only the list of due claims, which now reads
-- open_claims.
DROP INDEX claims_resolve_by;

