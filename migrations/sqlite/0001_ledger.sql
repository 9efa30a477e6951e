-- The ledger's first schema: sources, claims, forecasts and resolutions.
-- Times are UTC RFC 3339 text with whole seconds ('2015-05-26T00:00:00Z') and dates are
-- 'YYYY-MM-DD', so that text order is time order and indexes serve range queries.
-- Never edit a migration that has shipped: add a new numbered file instead.

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    publisher    TEXT,
    url          TEXT,
    published    TEXT,
    body         TEXT,
    body_sha256  TEXT,
    recorded_at  TEXT NOT NULL
);

-- Authors keep their order on the byline.
CREATE TABLE source_authors (
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (source_id, position)
);
CREATE INDEX source_authors_name ON source_authors(name);

CREATE TABLE claims (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    statement     TEXT NOT NULL CHECK (length(trim(statement)) > 0),
    quote         TEXT,
    criteria      TEXT,
    resolve_by    TEXT NOT NULL,
    condition_id  INTEGER REFERENCES claims(id),
    source_id     INTEGER REFERENCES sources(id),
    created_at    TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    CHECK (condition_id IS NULL OR condition_id <> id)
);
CREATE INDEX claims_resolve_by ON claims(resolve_by);
CREATE INDEX claims_source ON claims(source_id);
CREATE INDEX claims_condition ON claims(condition_id);

CREATE TABLE claim_tags (
    claim_id  INTEGER NOT NULL REFERENCES claims(id),
    tag       TEXT NOT NULL,
    PRIMARY KEY (claim_id, tag)
) WITHOUT ROWID;
CREATE INDEX claim_tags_tag ON claim_tags(tag);

-- Every forecast is kept: a revision is a new row, never an update.
CREATE TABLE forecasts (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    forecaster   TEXT NOT NULL,
    p            REAL NOT NULL CHECK (p >= 0.0 AND p <= 1.0),
    made_at      TEXT NOT NULL,
    note         TEXT,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX forecasts_claim ON forecasts(claim_id, forecaster, made_at);
CREATE INDEX forecasts_forecaster ON forecasts(forecaster);

-- Resolving again adds a row; the row with the highest id is the current one.
CREATE TABLE resolutions (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('yes', 'no', 'annulled', 'ambiguous')),
    resolved_on  TEXT NOT NULL,
    evidence     TEXT,
    note         TEXT,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX resolutions_claim ON resolutions(claim_id, id);
