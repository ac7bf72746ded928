-- Comments belong to a post (deleted with it); a deleted user's comments
-- stay, anonymous.
CREATE TABLE comments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- PostgreSQL does not index foreign keys by itself; on a new, empty table a
-- plain CREATE INDEX in the transaction is fine.
CREATE INDEX comments_post_id_idx ON comments (post_id);
