-- +goose Up
-- Two-step sign-in (TOTP, RFC 6238). The secret is encrypted like commenters' emails
-- (AES-GCM under the key kept outside the database), so that a copy of the database
-- alone cannot make codes. A secret being set up waits in totp_pending_enc until a
-- right code turns it on. totp_last_step is the 30-second step of the last code
-- accepted: a code of that step or an earlier one is refused, so each code works once.
ALTER TABLE users ADD COLUMN totp_secret_enc BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_at DATETIME;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_pending_enc BLOB;
ALTER TABLE users ADD COLUMN totp_pending_at DATETIME;

-- Single-use recovery codes, as SHA-256 hashes only; a used code keeps its row so that
-- a second use can be told apart from a typing mistake.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   DATETIME
);
CREATE UNIQUE INDEX recovery_codes_user_hash ON recovery_codes (user_id, code_hash);

-- Half-signed-in browsers: the password was right, the code is still to come. Only a
-- SHA-256 of the cookie's token is kept.
CREATE TABLE two_step_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX two_step_challenges_user_id ON two_step_challenges (user_id);
CREATE INDEX two_step_challenges_expires_at ON two_step_challenges (expires_at);

-- Who reset whose second factor, and when: an administrator (reset_by) or the
-- command line (by_command_line).
CREATE TABLE two_step_resets (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reset_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    by_command_line INTEGER NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL
);
CREATE INDEX two_step_resets_user_created ON two_step_resets (user_id, created_at);

-- Where a session was opened from, for the account page's list of sign-ins: the
-- client's /24 or /48 network (never its address) and its browser in a few words
-- ("Firefox 128 on Linux"), not the whole user agent.
ALTER TABLE sessions ADD COLUMN network TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN browser TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN browser;
ALTER TABLE sessions DROP COLUMN network;
DROP TABLE two_step_resets;
DROP TABLE two_step_challenges;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_pending_at;
ALTER TABLE users DROP COLUMN totp_pending_enc;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret_enc;
