-- +goose Up
-- A number per article that moves with anything the article's page is drawn from, as
-- on SQLite (see its 0023). A missing row is version 0; rows outlive their article.
CREATE TABLE page_versions (
    article_id BIGINT PRIMARY KEY,
    version    BIGINT NOT NULL
);
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;
-- +goose StatementBegin
CREATE FUNCTION bump_page_version(article BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO page_versions (article_id, version) VALUES (article, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = page_versions.version + 1;
$$;
-- +goose StatementEnd
-- For a row that names its article in article_id: replies, references, tags.
-- +goose StatementBegin
CREATE FUNCTION page_version_of_article_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_page_version(NEW.article_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.article_id <> NEW.article_id) THEN
        PERFORM bump_page_version(OLD.article_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER page_version_comments_insert AFTER INSERT ON comments
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION page_version_of_article_id();
CREATE TRIGGER page_version_comments_update AFTER UPDATE ON comments
    FOR EACH ROW WHEN (OLD.status = 'approved' OR NEW.status = 'approved') EXECUTE FUNCTION page_version_of_article_id();
CREATE TRIGGER page_version_comments_delete AFTER DELETE ON comments
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION page_version_of_article_id();
CREATE TRIGGER page_version_references AFTER INSERT OR UPDATE OR DELETE ON article_references
    FOR EACH ROW EXECUTE FUNCTION page_version_of_article_id();
CREATE TRIGGER page_version_article_tags AFTER INSERT OR UPDATE OR DELETE ON article_tags
    FOR EACH ROW EXECUTE FUNCTION page_version_of_article_id();
-- +goose StatementBegin
CREATE FUNCTION page_version_articles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_page_version(NEW.id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
        PERFORM bump_page_version(OLD.id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER page_version_articles AFTER UPDATE OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION page_version_articles();
-- +goose StatementBegin
CREATE FUNCTION page_version_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO page_versions (article_id, version)
    SELECT DISTINCT article_id, 1 FROM article_tags WHERE tag_id = NEW.id
    ON CONFLICT (article_id) DO UPDATE SET version = page_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER page_version_tags AFTER UPDATE OF slug, name ON tags
    FOR EACH ROW EXECUTE FUNCTION page_version_tags();
-- +goose StatementBegin
CREATE FUNCTION page_version_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO page_versions (article_id, version)
    SELECT id, 1 FROM articles WHERE author_id = OLD.id OR reviewer_id = OLD.id
    UNION SELECT article_id, 1 FROM comments WHERE user_id = OLD.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = page_versions.version + 1;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER page_version_users AFTER UPDATE OF name, role, credentials, slug, bio, photo, profile_public ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.role IS DISTINCT FROM NEW.role
        OR OLD.credentials IS DISTINCT FROM NEW.credentials OR OLD.slug IS DISTINCT FROM NEW.slug
        OR OLD.bio IS DISTINCT FROM NEW.bio OR OLD.photo IS DISTINCT FROM NEW.photo
        OR OLD.profile_public IS DISTINCT FROM NEW.profile_public)
    EXECUTE FUNCTION page_version_users();
CREATE TRIGGER page_version_users_delete BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION page_version_users();

-- +goose Down
DROP TRIGGER page_version_users_delete ON users;
DROP TRIGGER page_version_users ON users;
DROP FUNCTION page_version_users();
DROP TRIGGER page_version_tags ON tags;
DROP FUNCTION page_version_tags();
DROP TRIGGER page_version_articles ON articles;
DROP FUNCTION page_version_articles();
DROP TRIGGER page_version_article_tags ON article_tags;
DROP TRIGGER page_version_references ON article_references;
DROP TRIGGER page_version_comments_delete ON comments;
DROP TRIGGER page_version_comments_update ON comments;
DROP TRIGGER page_version_comments_insert ON comments;
DROP FUNCTION page_version_of_article_id();
DROP FUNCTION bump_page_version(BIGINT);
DROP INDEX comments_user;
DROP TABLE page_versions;
