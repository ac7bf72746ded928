-- Every row has a display name since the backfill; new rows must too.
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
