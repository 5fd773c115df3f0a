-- +goose Up
-- One number that changes, in the same transaction, with anything that can change a
-- public page. Cached pages remember the number they were made at, so a change is
-- never served stale — and every process sharing the database sees it.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER content_version_articles_insert AFTER INSERT ON articles BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_articles_update AFTER UPDATE ON articles BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_articles_delete AFTER DELETE ON articles BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- Replies change public pages only when an approved one comes, goes or changes; held
-- replies do not, so a stream of new replies does not empty the cache.
-- +goose StatementBegin
CREATE TRIGGER content_version_comments_insert AFTER INSERT ON comments WHEN new.status = 'approved' BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_comments_update AFTER UPDATE ON comments
WHEN old.status = 'approved' OR new.status = 'approved' BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_comments_delete AFTER DELETE ON comments WHEN old.status = 'approved' BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_references AFTER INSERT ON article_references BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_references_delete AFTER DELETE ON article_references BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_article_tags AFTER INSERT ON article_tags BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_article_tags_delete AFTER DELETE ON article_tags BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_settings AFTER UPDATE ON settings BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_settings_insert AFTER INSERT ON settings BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_users AFTER UPDATE OF name, credentials ON users BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_tags AFTER UPDATE ON tags BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER content_version_tags;
DROP TRIGGER content_version_users;
DROP TRIGGER content_version_settings_insert;
DROP TRIGGER content_version_settings;
DROP TRIGGER content_version_article_tags_delete;
DROP TRIGGER content_version_article_tags;
DROP TRIGGER content_version_references_delete;
DROP TRIGGER content_version_references;
DROP TRIGGER content_version_comments_delete;
DROP TRIGGER content_version_comments_update;
DROP TRIGGER content_version_comments_insert;
DROP TRIGGER content_version_articles_delete;
DROP TRIGGER content_version_articles_update;
DROP TRIGGER content_version_articles_insert;
DROP TABLE content_version;
