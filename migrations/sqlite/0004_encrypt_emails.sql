-- +goose Up
-- Commenters' emails are kept encrypted (AES-256-GCM, key outside the database) with a
-- keyed blind index for equality lookups. The old plain column stays, always empty,
-- because SQLite cannot drop an indexed column in place; start-up moves any plain
-- email left in it into the new columns.
ALTER TABLE comments ADD COLUMN author_email_enc BLOB;
ALTER TABLE comments ADD COLUMN author_email_index TEXT NOT NULL DEFAULT '';
DROP INDEX comments_author_email_created;
CREATE INDEX comments_author_email_index_created ON comments (author_email_index, created_at);

-- Commenters banned by a moderator, by email (blind index) or by client address hash.
CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'client')),
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    until      DATETIME, -- NULL: permanent
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX bans_kind_value ON bans (kind, value);

-- What was done about personal-data requests: who, when, what, how many replies. It
-- holds no email.
CREATE TABLE privacy_audit (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    replies    INTEGER NOT NULL,
    created_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE privacy_audit;
DROP TABLE bans;
DROP INDEX comments_author_email_index_created;
CREATE INDEX comments_author_email_created ON comments (author_email, created_at);
ALTER TABLE comments DROP COLUMN author_email_index;
ALTER TABLE comments DROP COLUMN author_email_enc;
