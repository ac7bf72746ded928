-- A user's posts; deleting a user deletes their posts.
CREATE TABLE posts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    published_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
