-- +goose Up
-- A number per article that changes with anything its replies' thread is drawn from:
-- its approved replies, and the role and credentials of the staff who signed them.
-- A rendered thread is kept under it (internal/web's threadCache), so that a change
-- to one article's replies re-renders that thread only. A missing row is version 0.
-- Rows outlive their article, and deleting an article moves its number on, so that an
-- article that takes a deleted one's id never meets the deleted one's thread.
CREATE TABLE thread_versions (
    article_id INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL
);
-- The staff who replied somewhere, for the users trigger; readers' replies (no
-- account) are not in it.
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;
-- +goose StatementBegin
CREATE TRIGGER thread_version_comments_insert AFTER INSERT ON comments WHEN new.status = 'approved' BEGIN
    INSERT INTO thread_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER thread_version_comments_update AFTER UPDATE ON comments
WHEN old.status = 'approved' OR new.status = 'approved' BEGIN
    INSERT INTO thread_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
    INSERT INTO thread_versions (article_id, version) SELECT old.article_id, 1 WHERE old.article_id != new.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER thread_version_comments_delete AFTER DELETE ON comments WHEN old.status = 'approved' BEGIN
    INSERT INTO thread_versions (article_id, version) VALUES (old.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER thread_version_articles_delete AFTER DELETE ON articles BEGIN
    INSERT INTO thread_versions (article_id, version) VALUES (old.id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER thread_version_users AFTER UPDATE OF role, credentials ON users
WHEN old.role IS NOT new.role OR old.credentials IS NOT new.credentials BEGIN
    INSERT INTO thread_versions (article_id, version)
    SELECT DISTINCT article_id, 1 FROM comments WHERE user_id = new.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER thread_version_users_delete BEFORE DELETE ON users BEGIN
    INSERT INTO thread_versions (article_id, version)
    SELECT DISTINCT article_id, 1 FROM comments WHERE user_id = old.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER thread_version_users_delete;
DROP TRIGGER thread_version_users;
DROP TRIGGER thread_version_articles_delete;
DROP TRIGGER thread_version_comments_delete;
DROP TRIGGER thread_version_comments_update;
DROP TRIGGER thread_version_comments_insert;
DROP INDEX comments_user;
DROP TABLE thread_versions;
