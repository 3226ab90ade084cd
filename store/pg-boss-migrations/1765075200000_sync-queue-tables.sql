-- The sync queue's own tables, beside pg-boss's in the same schema (store/pg-boss-queue.ts).
-- pg-boss keeps the jobs; these keep what it has no place for:
--   sync_job_keys: one row per dedupe key ever enqueued, written in the same transaction
--     as pg-boss's send, so a duplicate is refused even after its job finished or was archived;
--     seq orders the jobs of one record (pg-boss ids are random uuids, created_on is a
--     transaction time shared by a batch).
--   sync_counters: duplicates dropped, retries, rearmed (monotonic, for /stats).
-- The change-stream cursors stay in the store (STORE_URL's schema), with the rest of the sync state.

-- Up Migration
CREATE TABLE sync_job_keys (
  dedupe_key text PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  job_id uuid NOT NULL UNIQUE,
  flow text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_counters (
  name text PRIMARY KEY,
  value bigint NOT NULL
);

-- Down Migration
DROP TABLE sync_counters;
DROP TABLE sync_job_keys;
