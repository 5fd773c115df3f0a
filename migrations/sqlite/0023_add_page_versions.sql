-- +goose Up
-- A number per article that moves with anything the article's page is drawn from,
-- besides what every page shares (the layout, the footer, the settings): the article,
-- its references and tags, its author's and reviewer's public profiles, its approved
-- replies and the role and credentials of the staff who signed them. Triggers keep it
-- in the same transaction as the change. The parts of the page are kept rendered under
-- it (internal/web's articleCache and threadCache), so that a change to one article
-- re-renders that article's parts only, while every page's cache is renewed. A missing
-- row is version 0. Rows outlive their article, and deleting an article moves its
-- number on, so that an article that takes a deleted one's id never meets its parts.
CREATE TABLE page_versions (
    article_id INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL
);
-- The staff who replied somewhere, for the users triggers; readers' replies (no
-- account) are not in it.
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;
-- +goose StatementBegin
CREATE TRIGGER page_version_comments_insert AFTER INSERT ON comments WHEN new.status = 'approved' BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_comments_update AFTER UPDATE ON comments
WHEN old.status = 'approved' OR new.status = 'approved' BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
    INSERT INTO page_versions (article_id, version) SELECT old.article_id, 1 WHERE old.article_id != new.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_comments_delete AFTER DELETE ON comments WHEN old.status = 'approved' BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (old.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_articles_update AFTER UPDATE ON articles BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
    INSERT INTO page_versions (article_id, version) SELECT old.id, 1 WHERE old.id != new.id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_articles_delete AFTER DELETE ON articles BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (old.id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_references_insert AFTER INSERT ON article_references BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_references_update AFTER UPDATE ON article_references BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
    INSERT INTO page_versions (article_id, version) SELECT old.article_id, 1 WHERE old.article_id != new.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_references_delete AFTER DELETE ON article_references BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (old.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_article_tags_insert AFTER INSERT ON article_tags BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_article_tags_update AFTER UPDATE ON article_tags BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (new.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
    INSERT INTO page_versions (article_id, version) SELECT old.article_id, 1 WHERE old.article_id != new.article_id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_article_tags_delete AFTER DELETE ON article_tags BEGIN
    INSERT INTO page_versions (article_id, version) VALUES (old.article_id, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_tags AFTER UPDATE OF slug, name ON tags BEGIN
    INSERT INTO page_versions (article_id, version)
    SELECT DISTINCT article_id, 1 FROM article_tags WHERE tag_id = new.id
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_users AFTER UPDATE OF name, role, credentials, slug, bio, photo, profile_public ON users
WHEN old.name IS NOT new.name OR old.role IS NOT new.role OR old.credentials IS NOT new.credentials OR old.slug IS NOT new.slug
  OR old.bio IS NOT new.bio OR old.photo IS NOT new.photo OR old.profile_public IS NOT new.profile_public BEGIN
    INSERT INTO page_versions (article_id, version)
    SELECT id, 1 FROM articles WHERE author_id = new.id OR reviewer_id = new.id
    UNION SELECT article_id, 1 FROM comments WHERE user_id = new.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_version_users_delete BEFORE DELETE ON users BEGIN
    INSERT INTO page_versions (article_id, version)
    SELECT id, 1 FROM articles WHERE author_id = old.id OR reviewer_id = old.id
    UNION SELECT article_id, 1 FROM comments WHERE user_id = old.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER page_version_users_delete;
DROP TRIGGER page_version_users;
DROP TRIGGER page_version_tags;
DROP TRIGGER page_version_article_tags_delete;
DROP TRIGGER page_version_article_tags_update;
DROP TRIGGER page_version_article_tags_insert;
DROP TRIGGER page_version_references_delete;
DROP TRIGGER page_version_references_update;
DROP TRIGGER page_version_references_insert;
DROP TRIGGER page_version_articles_delete;
DROP TRIGGER page_version_articles_update;
DROP TRIGGER page_version_comments_delete;
DROP TRIGGER page_version_comments_update;
DROP TRIGGER page_version_comments_insert;
DROP INDEX comments_user;
DROP TABLE page_versions;
