-- +goose Up
-- Nothing to do: on PostgreSQL, 0001 creates the schema as SQLite's migrations up to
-- 0018 leave it.
SELECT 1;

-- +goose Down
SELECT 1;
