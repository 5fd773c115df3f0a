-- +goose Up
-- Readers report replies. A report keeps its reason and the keyed hash of the reader's
-- client (one report per reader and reply), nothing else; retention clears the hash. A
-- moderator's decision on the reply closes its reports.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    client_hash TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    closed_at   DATETIME
);
CREATE UNIQUE INDEX reports_comment_client ON reports (comment_id, client_hash) WHERE client_hash != '';
-- The Reported tab and its count read the open reports alone.
CREATE INDEX reports_open ON reports (comment_id) WHERE closed_at IS NULL;
CREATE INDEX reports_client_created ON reports (created_at) WHERE client_hash != '';

-- +goose Down
DROP INDEX reports_client_created;
DROP INDEX reports_open;
DROP INDEX reports_comment_client;
DROP TABLE reports;
