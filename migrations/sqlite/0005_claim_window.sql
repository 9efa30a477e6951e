-- Claims open and close at an instant (issue 12): `opens_at` and `closes_at`, UTC RFC 3339
-- text with whole seconds like every other time, both optional. A forecast made after
-- `closes_at` never counts; `opens_at` starts the window `time-avg` scores over (when it is
-- empty, the claim opened with its first forecast). Older ledgers upgrade in place: their
-- claims keep both empty, and their history events (which have neither field) still match.
-- Never edit a migration that has shipped: add a new numbered file instead.

ALTER TABLE claims ADD COLUMN opens_at TEXT;
ALTER TABLE claims ADD COLUMN closes_at TEXT;
