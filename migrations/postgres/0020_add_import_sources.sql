-- +goose Up
-- What an import brought in, so that importing the same file again adds nothing: each
-- row ties a thing of the source site (kind 'author', 'post' or 'comment', with its ID
-- there) to the row it became here. source names the site ("wordpress
-- https://example.org"). local_id is an ID of users, articles or comments, by kind;
-- a row left behind by something deleted since only keeps it from being imported
-- again.
CREATE TABLE import_sources (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('author', 'post', 'comment')),
    original_id BIGINT NOT NULL,
    local_id    BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, kind, original_id)
);

-- +goose Down
DROP TABLE import_sources;
