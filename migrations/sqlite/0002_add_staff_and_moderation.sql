-- +goose Up
-- Staff accounts sign in with an email and a password (argon2id, PHC string format).
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_sign_in_at DATETIME;

-- Server-side sessions. Only a SHA-256 of the cookie's token is kept, so a copy of the
-- database does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- One-time links that create the first administrator.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
);

-- Failed sign-ins, counted per account and per client for the lock-out. The subject is
-- "account:" + a keyed hash of the email, or "client:" + the client hash.
CREATE TABLE sign_in_failures (
    id         INTEGER PRIMARY KEY,
    subject    TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX sign_in_failures_subject_created ON sign_in_failures (subject, created_at);

-- Site settings such as the moderation policy, one row per setting.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Why a reply was held or marked as spam, for the moderator.
ALTER TABLE comments ADD COLUMN held_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN previous_status TEXT NOT NULL DEFAULT '';
-- The staff account that wrote a reply from the moderation queue.
ALTER TABLE comments ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
-- Flood, duplicate and returning-commenter checks look replies up by email.
CREATE INDEX comments_author_email_created ON comments (author_email, created_at);

-- +goose Down
DROP INDEX comments_author_email_created;
ALTER TABLE comments DROP COLUMN user_id;
ALTER TABLE comments DROP COLUMN held_reason;
ALTER TABLE comments DROP COLUMN previous_status;
DROP TABLE settings;
DROP TABLE sign_in_failures;
DROP TABLE setup_tokens;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN last_sign_in_at;
ALTER TABLE users DROP COLUMN password_hash;
