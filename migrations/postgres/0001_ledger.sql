-- The whole ledger schema for PostgreSQL (15 or later), in one file. It holds the same
-- tables as the SQLite ledger at schema version 8, with the same names, columns and
-- stored forms, so that both engines read, verify and export a ledger identically.
--
-- How values are kept (the same as in SQLite):
--   * dates are TEXT 'YYYY-MM-DD'; times are TEXT in UTC RFC 3339 with whole seconds
--     ('2015-05-26T00:00:00Z'), so text order is time order. The exception is a
--     forecast's made_at and recorded_at: BIGINT seconds since 1970-01-01T00:00:00Z.
--   * every integer is BIGINT (hindsight reads them all as 64-bit), a probability is
--     DOUBLE PRECISION (SQLite's REAL is the same 8-byte float), a hash is 32 raw bytes.
--   * every TEXT column is COLLATE "C": comparisons, ORDER BY, UNIQUE and indexes work on
--     the bytes of the UTF-8 text, as SQLite's default BINARY collation does, whatever
--     the database's locale. Without it 'a' might sort before 'B' here and after it
--     there, and exports would differ between engines.
--   * every record table has recorded_by: the role that wrote the row (current_user at
--     connection), or the name an imported file gave; NULL where unknown.
--   * ids are plain BIGINT keys that hindsight assigns itself: one more than the table's
--     highest, under the ledger's write lock (an advisory lock every write takes). So ids
--     have no gaps, a failed write uses none up, and the same commands give the same ids
--     as on SQLite, which the history's payloads (and so its hashes) name. No sequence
--     exists, so a role that may insert needs no right on one.
--
-- The file names no schema: it creates everything in the first schema of the current
-- search_path. The runner that applies it creates the version table (hindsight_schema)
-- and runs this file and the version update in one transaction.
--
-- Records are never changed once written: triggers refuse UPDATE, DELETE and TRUNCATE
-- on the history and on every record table (see the end of the file). Only open_claims,
-- which hindsight derives from the records and keeps current, may be changed.
-- Never edit a migration that has shipped: add a new numbered file instead.

-- Where a claim came from: an article, a talk, a report. `key` is the name a user gives
-- it on the command line; body and body_sha256 optionally keep the text as it was read.
CREATE TABLE sources (
    id           BIGINT PRIMARY KEY,
    key          TEXT COLLATE "C" NOT NULL UNIQUE,
    title        TEXT COLLATE "C" NOT NULL,
    publisher    TEXT COLLATE "C",
    url          TEXT COLLATE "C",
    published    TEXT COLLATE "C",            -- YYYY-MM-DD
    body         TEXT COLLATE "C",
    body_sha256  TEXT COLLATE "C",            -- hex digest of body
    recorded_at  TEXT COLLATE "C" NOT NULL,   -- RFC 3339
    recorded_by  TEXT COLLATE "C"             -- who recorded it; NULL if unknown
);

-- A source's authors, numbered in the order the byline gives them.
CREATE TABLE source_authors (
    source_id  BIGINT NOT NULL REFERENCES sources(id),
    position   BIGINT NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (source_id, position)
);
CREATE INDEX source_authors_name ON source_authors(name);

-- A statement about the future that will turn out true or false, with the date it is
-- due to be settled (resolve_by) and optionally: the words quoted from its source, how
-- to decide it (criteria), another claim it depends on (condition_id, never itself), and
-- the window in which forecasts count (opens_at, closes_at; RFC 3339).
CREATE TABLE claims (
    id            BIGINT PRIMARY KEY,
    key           TEXT COLLATE "C" NOT NULL UNIQUE,
    statement     TEXT COLLATE "C" NOT NULL CHECK (length(trim(statement)) > 0),
    quote         TEXT COLLATE "C",
    criteria      TEXT COLLATE "C",
    resolve_by    TEXT COLLATE "C" NOT NULL,  -- YYYY-MM-DD, as first recorded
    condition_id  BIGINT REFERENCES claims(id),
    source_id     BIGINT REFERENCES sources(id),
    created_at    TEXT COLLATE "C" NOT NULL,  -- RFC 3339: when the claim was made
    recorded_at   TEXT COLLATE "C" NOT NULL,  -- RFC 3339: when hindsight stored it
    opens_at      TEXT COLLATE "C",           -- RFC 3339 or NULL
    closes_at     TEXT COLLATE "C",           -- RFC 3339 or NULL
    recorded_by   TEXT COLLATE "C",           -- who recorded it; NULL if unknown
    CHECK (condition_id IS NULL OR condition_id <> id)
);
CREATE INDEX claims_source ON claims(source_id);
CREATE INDEX claims_condition ON claims(condition_id);

-- Free-form labels on claims, each at most once per claim.
CREATE TABLE claim_tags (
    claim_id  BIGINT NOT NULL REFERENCES claims(id),
    tag       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (claim_id, tag)
);
CREATE INDEX claim_tags_tag ON claim_tags(tag);

-- A claim's due date moved later, kept as a record of its own. The claim keeps the date
-- it was recorded with; its postponement with the highest id gives the date in force.
CREATE TABLE postponements (
    id           BIGINT PRIMARY KEY,
    claim_id     BIGINT NOT NULL REFERENCES claims(id),
    resolve_by   TEXT COLLATE "C" NOT NULL,   -- the new date, YYYY-MM-DD
    note         TEXT COLLATE "C",
    recorded_at  TEXT COLLATE "C" NOT NULL,   -- RFC 3339
    recorded_by  TEXT COLLATE "C"             -- who recorded it; NULL if unknown
);
CREATE INDEX postponements_claim ON postponements(claim_id, id);

-- Everyone who has made a forecast, each name stored once.
CREATE TABLE forecasters (
    id    BIGINT PRIMARY KEY,
    name  TEXT COLLATE "C" NOT NULL UNIQUE
);

-- A probability, between 0 and 1, that a forecaster gave a claim at some moment. Both
-- times are whole seconds since 1970 (negative before it), not text.
CREATE TABLE forecasts (
    id             BIGINT PRIMARY KEY,
    claim_id       BIGINT NOT NULL REFERENCES claims(id),
    forecaster_id  BIGINT NOT NULL REFERENCES forecasters(id),
    p              DOUBLE PRECISION NOT NULL CHECK (p >= 0.0 AND p <= 1.0),
    made_at        BIGINT NOT NULL,           -- seconds since 1970-01-01T00:00:00Z
    note           TEXT COLLATE "C",
    recorded_at    BIGINT NOT NULL,           -- seconds since 1970-01-01T00:00:00Z
    recorded_by    TEXT COLLATE "C"           -- who recorded it; NULL if unknown
);
CREATE INDEX forecasts_claim ON forecasts(claim_id, forecaster_id, made_at);

-- How a claim turned out, on which date, and on what evidence. 'annulled' and
-- 'ambiguous' settle a claim without scoring it.
CREATE TABLE resolutions (
    id           BIGINT PRIMARY KEY,
    claim_id     BIGINT NOT NULL REFERENCES claims(id),
    outcome      TEXT COLLATE "C" NOT NULL
                 CHECK (outcome = 'yes' OR outcome = 'no' OR outcome = 'annulled'
                        OR outcome = 'ambiguous'),
    resolved_on  TEXT COLLATE "C" NOT NULL,   -- YYYY-MM-DD
    evidence     TEXT COLLATE "C",
    note         TEXT COLLATE "C",
    recorded_at  TEXT COLLATE "C" NOT NULL,   -- RFC 3339
    recorded_by  TEXT COLLATE "C"             -- who recorded it; NULL if unknown
);
CREATE INDEX resolutions_claim ON resolutions(claim_id, id);

-- Not a record but a working list: every claim without a resolution, with the date it
-- is due now (its latest postponement's, else its own). hindsight adds, moves and
-- removes rows here in the same transaction as the record that causes the change, and
-- `verify` checks the list against the records. It has no append-only triggers.
CREATE TABLE open_claims (
    claim_id  BIGINT PRIMARY KEY REFERENCES claims(id),
    due       TEXT COLLATE "C" NOT NULL       -- YYYY-MM-DD
);
CREATE INDEX open_claims_due ON open_claims(due, claim_id);

-- The history: one event per record, in the order written, chained by hash so that an
-- edit anywhere shows. docs/EVENTS.md describes the payloads and how the hash is made.
CREATE TABLE events (
    seq          BIGINT PRIMARY KEY,          -- 1, 2, 3... assigned by hindsight
    kind         TEXT COLLATE "C" NOT NULL
                 CHECK (kind = 'source' OR kind = 'claim' OR kind = 'forecast'
                        OR kind = 'resolution' OR kind = 'postponement'),
    claim_id     BIGINT,                      -- the claim's id; NULL for a source
    payload      TEXT COLLATE "C" NOT NULL,   -- canonical JSON, hashed as these bytes
    hash         BYTEA NOT NULL               -- SHA-256 over the previous hash and payload
                 CHECK (octet_length(hash) = 32)
);
CREATE INDEX events_claim ON events(claim_id, seq);

-- Disagreements found when the SQLite ledger's history was made compact (schema 7):
-- a dropped column's stored text and what it should have said. `verify` reports them.
-- A ledger started on PostgreSQL has none, but the table exists so both engines have
-- the same tables.
CREATE TABLE events_findings (
    id        BIGINT PRIMARY KEY,
    seq       BIGINT NOT NULL,
    field     TEXT COLLATE "C" NOT NULL
              CHECK (field IN ('recorded_at', 'row_id', 'key', 'prev_hash', 'hash')),
    stored    TEXT COLLATE "C",
    expected  TEXT COLLATE "C"
);

-- Append-only tables. One function serves every trigger: it refuses the statement with
-- the message given as the trigger's argument, under SQLSTATE 23001 (restrict_violation,
-- in the integrity-constraint class). That code is deliberately not 42501
-- (insufficient_privilege), so that a refusal by these triggers can be told apart from
-- a role that lacks the privilege. UPDATE and DELETE are refused row by row (like the
-- SQLite triggers: a statement that touches no row succeeds); TRUNCATE, which fires no
-- row triggers, is refused by a statement trigger. The triggers bind whoever runs the
-- statement, the tables' owner included; only the owner can drop or disable them.
CREATE FUNCTION hindsight_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be changed');
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be deleted');
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be deleted');

CREATE TRIGGER events_findings_no_update BEFORE UPDATE ON events_findings FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be changed');
CREATE TRIGGER events_findings_no_delete BEFORE DELETE ON events_findings FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be deleted');
CREATE TRIGGER events_findings_no_truncate BEFORE TRUNCATE ON events_findings FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('events are append-only: the history cannot be deleted');

CREATE TRIGGER sources_no_update BEFORE UPDATE ON sources FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('sources are append-only: recorded rows cannot be changed');
CREATE TRIGGER sources_no_delete BEFORE DELETE ON sources FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('sources are append-only: recorded rows cannot be deleted');
CREATE TRIGGER sources_no_truncate BEFORE TRUNCATE ON sources FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('sources are append-only: recorded rows cannot be deleted');

CREATE TRIGGER source_authors_no_update BEFORE UPDATE ON source_authors FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('source_authors are append-only: recorded rows cannot be changed');
CREATE TRIGGER source_authors_no_delete BEFORE DELETE ON source_authors FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('source_authors are append-only: recorded rows cannot be deleted');
CREATE TRIGGER source_authors_no_truncate BEFORE TRUNCATE ON source_authors FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('source_authors are append-only: recorded rows cannot be deleted');

CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('claims are append-only: recorded rows cannot be changed');
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('claims are append-only: recorded rows cannot be deleted');
CREATE TRIGGER claims_no_truncate BEFORE TRUNCATE ON claims FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('claims are append-only: recorded rows cannot be deleted');

CREATE TRIGGER claim_tags_no_update BEFORE UPDATE ON claim_tags FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('claim_tags are append-only: recorded rows cannot be changed');
CREATE TRIGGER claim_tags_no_delete BEFORE DELETE ON claim_tags FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('claim_tags are append-only: recorded rows cannot be deleted');
CREATE TRIGGER claim_tags_no_truncate BEFORE TRUNCATE ON claim_tags FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('claim_tags are append-only: recorded rows cannot be deleted');

CREATE TRIGGER postponements_no_update BEFORE UPDATE ON postponements FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('postponements are append-only: recorded rows cannot be changed');
CREATE TRIGGER postponements_no_delete BEFORE DELETE ON postponements FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('postponements are append-only: recorded rows cannot be deleted');
CREATE TRIGGER postponements_no_truncate BEFORE TRUNCATE ON postponements FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('postponements are append-only: recorded rows cannot be deleted');

CREATE TRIGGER forecasters_no_update BEFORE UPDATE ON forecasters FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('forecasters are append-only: recorded rows cannot be changed');
CREATE TRIGGER forecasters_no_delete BEFORE DELETE ON forecasters FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('forecasters are append-only: recorded rows cannot be deleted');
CREATE TRIGGER forecasters_no_truncate BEFORE TRUNCATE ON forecasters FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('forecasters are append-only: recorded rows cannot be deleted');

CREATE TRIGGER forecasts_no_update BEFORE UPDATE ON forecasts FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('forecasts are append-only: recorded rows cannot be changed');
CREATE TRIGGER forecasts_no_delete BEFORE DELETE ON forecasts FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('forecasts are append-only: recorded rows cannot be deleted');
CREATE TRIGGER forecasts_no_truncate BEFORE TRUNCATE ON forecasts FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('forecasts are append-only: recorded rows cannot be deleted');

CREATE TRIGGER resolutions_no_update BEFORE UPDATE ON resolutions FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('resolutions are append-only: recorded rows cannot be changed');
CREATE TRIGGER resolutions_no_delete BEFORE DELETE ON resolutions FOR EACH ROW
    EXECUTE FUNCTION hindsight_refuse_change('resolutions are append-only: recorded rows cannot be deleted');
CREATE TRIGGER resolutions_no_truncate BEFORE TRUNCATE ON resolutions FOR EACH STATEMENT
    EXECUTE FUNCTION hindsight_refuse_change('resolutions are append-only: recorded rows cannot be deleted');
