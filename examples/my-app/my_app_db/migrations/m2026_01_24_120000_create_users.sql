-- The people who write posts and comments.
CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE CHECK (email LIKE '%@%'),
    created_at timestamptz NOT NULL DEFAULT now()
);
