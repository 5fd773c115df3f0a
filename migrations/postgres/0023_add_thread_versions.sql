-- +goose Up
-- A number per article that changes with anything its replies' thread is drawn from,
-- as on SQLite (see its 0023). A missing row is version 0; rows outlive their article.
CREATE TABLE thread_versions (
    article_id BIGINT PRIMARY KEY,
    version    BIGINT NOT NULL
);
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;
-- +goose StatementBegin
CREATE FUNCTION bump_thread_version(article BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO thread_versions (article_id, version) VALUES (article, 1)
    ON CONFLICT (article_id) DO UPDATE SET version = thread_versions.version + 1;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION thread_version_comments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_thread_version(NEW.article_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.article_id <> NEW.article_id) THEN
        PERFORM bump_thread_version(OLD.article_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER thread_version_comments_insert AFTER INSERT ON comments
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION thread_version_comments();
CREATE TRIGGER thread_version_comments_update AFTER UPDATE ON comments
    FOR EACH ROW WHEN (OLD.status = 'approved' OR NEW.status = 'approved') EXECUTE FUNCTION thread_version_comments();
CREATE TRIGGER thread_version_comments_delete AFTER DELETE ON comments
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION thread_version_comments();
-- +goose StatementBegin
CREATE FUNCTION thread_version_articles_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_thread_version(OLD.id);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER thread_version_articles_delete AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION thread_version_articles_delete();
-- +goose StatementBegin
CREATE FUNCTION thread_version_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO thread_versions (article_id, version)
    SELECT DISTINCT article_id, 1 FROM comments WHERE user_id = OLD.id AND status = 'approved'
    ON CONFLICT (article_id) DO UPDATE SET version = thread_versions.version + 1;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER thread_version_users AFTER UPDATE OF role, credentials ON users
    FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.credentials IS DISTINCT FROM NEW.credentials)
    EXECUTE FUNCTION thread_version_users();
CREATE TRIGGER thread_version_users_delete BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION thread_version_users();

-- +goose Down
DROP TRIGGER thread_version_users_delete ON users;
DROP TRIGGER thread_version_users ON users;
DROP FUNCTION thread_version_users();
DROP TRIGGER thread_version_articles_delete ON articles;
DROP FUNCTION thread_version_articles_delete();
DROP TRIGGER thread_version_comments_delete ON comments;
DROP TRIGGER thread_version_comments_update ON comments;
DROP TRIGGER thread_version_comments_insert ON comments;
DROP FUNCTION thread_version_comments();
DROP FUNCTION bump_thread_version(BIGINT);
DROP INDEX comments_user;
DROP TABLE thread_versions;
