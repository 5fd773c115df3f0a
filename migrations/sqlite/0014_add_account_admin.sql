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

-- Readers see a staff reply's role ("Staff · Editor"), and administrators can now
-- change it: a real change must reach cached pages, as the name's does (see 0011).
DROP TRIGGER content_version_users;
-- +goose StatementBegin
CREATE TRIGGER content_version_users AFTER UPDATE OF name, role, credentials, slug, bio, photo, profile_public ON users
WHEN old.name IS NOT new.name OR old.role IS NOT new.role OR old.credentials IS NOT new.credentials OR old.slug IS NOT new.slug
  OR old.bio IS NOT new.bio OR old.photo IS NOT new.photo OR old.profile_public IS NOT new.profile_public BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER content_version_users;
-- +goose StatementBegin
CREATE TRIGGER content_version_users AFTER UPDATE OF name, credentials, slug, bio, photo, profile_public ON users
WHEN old.name IS NOT new.name OR old.credentials IS NOT new.credentials OR old.slug IS NOT new.slug
  OR old.bio IS NOT new.bio OR old.photo IS NOT new.photo OR old.profile_public IS NOT new.profile_public BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
DROP INDEX staff_audit_account_created;
DROP TABLE staff_audit;
ALTER TABLE users DROP COLUMN disabled_at;
