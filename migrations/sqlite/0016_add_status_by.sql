-- +goose Up
-- Who last moved a reply to its status (approved, spam, trash…) and when, so that the
-- queue can say "Marked as spam by NAME" rather than only the rule that held it.
-- NULL: the rules gave it its status when it arrived.
ALTER TABLE comments ADD COLUMN status_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN status_at DATETIME;

-- +goose Down
ALTER TABLE comments DROP COLUMN status_at;
ALTER TABLE comments DROP COLUMN status_by;
