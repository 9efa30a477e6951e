-- A smaller history, for payload format 4: SQLite's migration 9 on PostgreSQL.
--
-- The events' `kind` column holds a small integer instead of the kind's name: 0 forecast,
-- 1 claim, 2 resolution, 3 postponement, 4 source, as on SQLite. Every event keeps its
-- seq, claim_id, payload and hash. Changing the column's type rewrites the table without
-- firing its row triggers, so the append-only guards stay as they are.
--
-- `first_forecasts` holds the id of each forecaster's first forecast, which a payload in
-- format 4 names a forecaster by once they have forecast before (see docs/EVENTS.md).
-- Never edit a migration that has shipped: add a new numbered file instead.

ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ALTER COLUMN kind TYPE SMALLINT USING
    CASE kind WHEN 'forecast' THEN 0 WHEN 'claim' THEN 1 WHEN 'resolution' THEN 2
              WHEN 'postponement' THEN 3 WHEN 'source' THEN 4 END;
ALTER TABLE events ADD CONSTRAINT events_kind_check
    CHECK (kind = 0 OR kind = 1 OR kind = 2 OR kind = 3 OR kind = 4);

CREATE TABLE first_forecasts (
    forecaster_id  BIGINT PRIMARY KEY REFERENCES forecasters(id),
    forecast_id    BIGINT NOT NULL        -- forecasts.id
);
INSERT INTO first_forecasts (forecaster_id, forecast_id)
SELECT forecaster_id, min(id) FROM forecasts GROUP BY forecaster_id;
