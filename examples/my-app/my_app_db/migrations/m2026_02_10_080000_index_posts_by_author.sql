-- dibs: no-transaction
-- posts is large and busy by now: build the index without blocking writes.
-- CREATE INDEX CONCURRENTLY cannot run in a transaction (hence the first
-- line), and when it fails it leaves an INVALID index behind; dropping any
-- such leftover first makes a rerun of this migration safe.
DROP INDEX CONCURRENTLY IF EXISTS posts_author_published_idx;
CREATE INDEX CONCURRENTLY posts_author_published_idx
    ON posts (author_id, published_at DESC);
