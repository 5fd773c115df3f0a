-- +goose Up
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 245),
    email       TEXT    UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'reviewer', 'moderator')),
    credentials TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE articles (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT    NOT NULL UNIQUE,
    title                TEXT    NOT NULL,
    summary              TEXT    NOT NULL DEFAULT '',
    body_markdown        TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'archived')),
    author_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    reviewer_name        TEXT    NOT NULL DEFAULT '',
    reviewer_credentials TEXT    NOT NULL DEFAULT '',
    reviewed_at          DATETIME,
    published_at         DATETIME,
    comments_open        INTEGER NOT NULL DEFAULT 1,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
-- The home page lists published articles, newest first.
CREATE INDEX articles_status_published_at ON articles (status, published_at DESC);
CREATE INDEX articles_author_id ON articles (author_id);

CREATE TABLE article_references (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    publisher  TEXT    NOT NULL DEFAULT '',
    UNIQUE (article_id, position)
);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    author_name   TEXT    NOT NULL,
    author_email  TEXT    NOT NULL,
    author_url    TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    user_agent    TEXT    NOT NULL DEFAULT '',
    -- Keyed hash of the client address: enough to match repeat visitors, useless to
    -- anyone without the site's key. The raw address is never stored.
    client_hash   TEXT    NOT NULL DEFAULT '',
    -- Anonymised network (/24 or /48) shown to moderators.
    client_prefix TEXT    NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
-- The article page reads approved replies of one article in date order.
CREATE INDEX comments_article_status_created ON comments (article_id, status, created_at);
-- The moderation queue lists one status, newest first.
CREATE INDEX comments_status_created ON comments (status, created_at DESC);
CREATE INDEX comments_parent_id ON comments (parent_id);
CREATE INDEX comments_client_hash_created ON comments (client_hash, created_at);

-- Random keys generated on first start (token signing, address hashing). They live in
-- the database so that every process serving it agrees on them.
CREATE TABLE site_keys (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at DATETIME NOT NULL
);

-- Small facts about the installation, such as whether the demo content was added.
CREATE TABLE site_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE site_meta;
DROP TABLE site_keys;
DROP TABLE comments;
DROP TABLE article_references;
DROP TABLE articles;
DROP TABLE users;
