-- +goose Up
-- What happened that someone may be told about (a reply held or approved, an article
-- sent for review, a password reset asked for…). A service writes the event in the
-- same transaction as the change itself; the mail package turns each event into its
-- messages and webhook deliveries once, in one transaction that sets dispatched_at.
-- secret is a link's token sealed with the site's keys, cleared on dispatch.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    article_id    INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    comment_id    INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    actor_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    secret        BLOB,
    created_at    DATETIME NOT NULL,
    dispatched_at DATETIME
);
CREATE INDEX events_waiting ON events (id) WHERE dispatched_at IS NULL;

-- Administrators' webhooks. The secret signs each delivery; it is sealed like emails.
-- events is the space-separated list of event kinds wanted.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     BLOB NOT NULL,
    events     TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);

-- Every message and webhook delivery, before it is sent and after. The address and the
-- message are sealed, and both are cleared once the message is sent or given up, so
-- that the table keeps what was sent to no one in particular. recipient_index is the
-- address's blind index, so that erasing a commenter's data finds their queued mail.
-- dedupe_key makes one message per cause and recipient however often its event comes.
-- A message about a reply is sent only while the reply has wants_status (any status
-- but spam and trash when empty).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER REFERENCES events (id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,
    webhook_id      INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
    recipient       BLOB,
    recipient_index TEXT NOT NULL DEFAULT '',
    comment_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    wants_status    TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    body            BLOB,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_answer     TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    finished_at     DATETIME
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX outbox_webhook ON outbox (webhook_id, created_at) WHERE webhook_id IS NOT NULL;
CREATE INDEX outbox_recipient_index ON outbox (recipient_index) WHERE recipient_index != '';
CREATE INDEX outbox_comment ON outbox (comment_id) WHERE comment_id IS NOT NULL;

-- Readers who ticked "Email me when someone replies to my comment" on a reply. The
-- address is the reply's own, encrypted there; email_index ties one reader's
-- subscriptions together.
CREATE TABLE subscriptions (
    comment_id  INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
    email_index TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX subscriptions_email_index ON subscriptions (email_index);

-- Addresses asked to confirm (at most once a day) and those that did: double opt-in.
-- Unsubscribing removes the address's subscriptions and its confirmation.
CREATE TABLE subscribers (
    email_index     TEXT PRIMARY KEY,
    confirm_sent_at DATETIME,
    confirmed_at    DATETIME
);

-- Tokens of the links in mail, stored hashed: confirming and ending a subscription
-- (email_index), resetting a password and accepting an invitation (user_id).
CREATE TABLE link_tokens (
    token_hash  TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe', 'password_reset', 'invitation')),
    email_index TEXT NOT NULL DEFAULT '',
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at  DATETIME NOT NULL,
    expires_at  DATETIME NOT NULL,
    used_at     DATETIME
);
CREATE INDEX link_tokens_expires ON link_tokens (expires_at);
CREATE INDEX link_tokens_email_index ON link_tokens (email_index) WHERE email_index != '';
CREATE INDEX link_tokens_user ON link_tokens (user_id) WHERE user_id IS NOT NULL;

-- What each staff member hears about replies waiting for moderation: each one, a daily
-- digest, or nothing; and when their last digest went.
ALTER TABLE users ADD COLUMN moderation_mail TEXT NOT NULL DEFAULT 'each' CHECK (moderation_mail IN ('each', 'daily', 'none'));
ALTER TABLE users ADD COLUMN digest_sent_at DATETIME;

-- +goose Down
ALTER TABLE users DROP COLUMN digest_sent_at;
ALTER TABLE users DROP COLUMN moderation_mail;
DROP INDEX link_tokens_user;
DROP INDEX link_tokens_email_index;
DROP INDEX link_tokens_expires;
DROP TABLE link_tokens;
DROP TABLE subscribers;
DROP INDEX subscriptions_email_index;
DROP TABLE subscriptions;
DROP INDEX outbox_comment;
DROP INDEX outbox_recipient_index;
DROP INDEX outbox_webhook;
DROP INDEX outbox_created;
DROP INDEX outbox_due;
DROP TABLE outbox;
DROP TABLE webhooks;
DROP INDEX events_waiting;
DROP TABLE events;
