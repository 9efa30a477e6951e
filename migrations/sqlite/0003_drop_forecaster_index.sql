-- No query looks forecasts up by forecaster alone: every forecaster filter also names the
-- claim, and the planner uses forecasts_claim (claim_id, forecaster, made_at) for it (see
-- BENCHMARKS.md, EXPLAIN QUERY PLAN). Keeping this index cost about half of the index work
-- of every import.
DROP INDEX IF EXISTS forecasts_forecaster;
