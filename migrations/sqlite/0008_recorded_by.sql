-- Who recorded each record (`recorded_by`): on a SQLite ledger, $HINDSIGHT_USER or the
-- operating system's user name of the process that wrote it; NULL where unknown, as for
-- every row written before this version. The history carries the same name in each new
-- event's payload (format 3), so `verify` notices one edited here.
--
-- Adding a column with no default rewrites nothing: existing rows read it as NULL.
-- Never edit a migration that has shipped: add a new numbered file instead.

ALTER TABLE sources ADD COLUMN recorded_by TEXT;
ALTER TABLE claims ADD COLUMN recorded_by TEXT;
ALTER TABLE forecasts ADD COLUMN recorded_by TEXT;
ALTER TABLE resolutions ADD COLUMN recorded_by TEXT;
ALTER TABLE postponements ADD COLUMN recorded_by TEXT;
