-- Each open claim's forecasts summed up beside its due date, so that `list --due` reads
-- the claims it lists and nothing of `forecasts`: how many forecasts the claim has, and
-- its latest (the latest made_at, ties to the highest id) with what the list shows of it.
-- Derived like the rest of the table: hindsight brings a claim's summary up to date in
-- the transaction that adds a forecast to it, and `verify` checks every summary against
-- `forecasts`.
--
-- Never edit a migration that has shipped: add a new numbered file instead.

ALTER TABLE open_claims ADD COLUMN forecast_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE open_claims ADD COLUMN latest_id INTEGER;            -- forecasts.id
ALTER TABLE open_claims ADD COLUMN latest_p REAL;
ALTER TABLE open_claims ADD COLUMN latest_forecaster_id INTEGER;
ALTER TABLE open_claims ADD COLUMN latest_made_at INTEGER;       -- seconds since 1970
ALTER TABLE open_claims ADD COLUMN latest_recorded_at INTEGER;   -- seconds since 1970

UPDATE open_claims SET
    forecast_count = (SELECT count(*) FROM forecasts f WHERE f.claim_id = open_claims.claim_id),
    (latest_id, latest_p, latest_forecaster_id, latest_made_at, latest_recorded_at) =
        (SELECT f.id, f.p, f.forecaster_id, f.made_at, f.recorded_at FROM forecasts f
          WHERE f.id = (SELECT g.id FROM forecasts g WHERE g.claim_id = open_claims.claim_id
                         ORDER BY g.made_at DESC, g.id DESC LIMIT 1));
