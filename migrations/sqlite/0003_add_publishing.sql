-- +goose Up
-- Optimistic locking: every save must name the version it started from.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN scheduled_at DATETIME;
ALTER TABLE articles ADD COLUMN next_review_at DATETIME;
ALTER TABLE articles ADD COLUMN correction_note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN reviewer_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
-- The scheduler looks for scheduled articles that are due; the admin for reviews due.
CREATE INDEX articles_status_scheduled_at ON articles (status, scheduled_at);
CREATE INDEX articles_status_next_review_at ON articles (status, next_review_at);

ALTER TABLE article_references ADD COLUMN doi TEXT NOT NULL DEFAULT '';
ALTER TABLE article_references ADD COLUMN pmid TEXT NOT NULL DEFAULT '';

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
-- The tag page lists the articles of one tag.
CREATE INDEX article_tags_tag_id ON article_tags (tag_id, article_id);

-- Old addresses of articles whose slug changed: they answer 301 to the new one.
CREATE TABLE slug_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL
);
CREATE INDEX slug_redirects_article_id ON slug_redirects (article_id);

-- A copy of an article as it was after each save.
CREATE TABLE revisions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    title           TEXT NOT NULL,
    slug            TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    references_json TEXT NOT NULL DEFAULT '[]',
    tags            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisions_article_id ON revisions (article_id, id);

-- Uploaded images, stored as files beside the database.
CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    alt          TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL
);

-- Full-text search over titles, summaries and bodies; docid is the article's id. FTS4
-- is built into the SQLite driver by default (FTS5 needs a build tag), and ranking is
-- done with BM25 over matchinfo().
CREATE VIRTUAL TABLE articles_search USING fts4 (title, summary, body, tokenize=unicode61);
INSERT INTO articles_search (docid, title, summary, body) SELECT id, title, summary, body_markdown FROM articles;
-- +goose StatementBegin
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (docid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body_markdown);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles BEGIN
    UPDATE articles_search SET title = new.title, summary = new.summary, body = new.body_markdown WHERE docid = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_search WHERE docid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER articles_search_delete;
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_insert;
DROP TABLE articles_search;
DROP TABLE media;
DROP TABLE revisions;
DROP TABLE slug_redirects;
DROP TABLE article_tags;
DROP TABLE tags;
ALTER TABLE article_references DROP COLUMN pmid;
ALTER TABLE article_references DROP COLUMN doi;
DROP INDEX articles_status_next_review_at;
DROP INDEX articles_status_scheduled_at;
ALTER TABLE articles DROP COLUMN reviewer_id;
ALTER TABLE articles DROP COLUMN correction_note;
ALTER TABLE articles DROP COLUMN next_review_at;
ALTER TABLE articles DROP COLUMN scheduled_at;
ALTER TABLE articles DROP COLUMN version;
