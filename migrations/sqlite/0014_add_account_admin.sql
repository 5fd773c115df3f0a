-- +goose Up
-- Administrators disable the account of someone who left: it keeps its articles,
-- reviews and replies, but can no longer sign in. NULL while the account is active.
ALTER TABLE users ADD COLUMN disabled_at DATETIME;

-- Who changed which staff account, how and when: created, renamed, role, credentials,
-- disabled, enabled, password set. Never a password or other secret. actor_name is
-- kept as it was at the time ("command line" for the fascicle command), so that a
-- later rename does not rewrite the record.
CREATE TABLE staff_audit (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    account_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
-- An account's page lists its latest entries.
CREATE INDEX staff_audit_account_created ON staff_audit (account_id, created_at);

-- +goose Down
DROP INDEX staff_audit_account_created;
DROP TABLE staff_audit;
ALTER TABLE users DROP COLUMN disabled_at;
