-- +goose Up
-- Staff profiles: /authors/SLUG shows a person's name, credentials, photo, bio and
-- articles once they make it public. The slug is NULL until one is given (start-up
-- gives one to every account without). The photo is the file name of an uploaded
-- image (media.file_name), '' for none; it is not a foreign key because SQLite cannot
-- drop a column that is one, and images are never deleted.
ALTER TABLE users ADD COLUMN slug TEXT;
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN photo TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN profile_public INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX users_slug ON users (slug);
-- The medical review board lists public profiles by name.
CREATE INDEX users_public_name ON users (name, id) WHERE profile_public = 1;
-- A profile lists the published articles a person wrote and those they reviewed,
-- newest first, and the board finds who reviewed a published article.
CREATE INDEX articles_author_status_published ON articles (author_id, status, published_at DESC, id DESC);
CREATE INDEX articles_reviewer_status_published ON articles (reviewer_id, status, published_at DESC, id DESC);

-- Bylines, profiles and the board show these fields: a change to one must reach
-- cached pages (see 0005). Only a real change counts, so a save that changes nothing
-- keeps the cache.
DROP TRIGGER content_version_users;
-- +goose StatementBegin
CREATE TRIGGER content_version_users AFTER UPDATE OF name, credentials, slug, bio, photo, profile_public ON users
WHEN old.name IS NOT new.name OR old.credentials IS NOT new.credentials OR old.slug IS NOT new.slug
  OR old.bio IS NOT new.bio OR old.photo IS NOT new.photo OR old.profile_public IS NOT new.profile_public BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_users_insert AFTER INSERT ON users WHEN new.profile_public = 1 BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_version_users_delete AFTER DELETE ON users WHEN old.profile_public = 1 BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER content_version_users_delete;
DROP TRIGGER content_version_users_insert;
DROP TRIGGER content_version_users;
-- +goose StatementBegin
CREATE TRIGGER content_version_users AFTER UPDATE OF name, credentials ON users BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
DROP INDEX articles_reviewer_status_published;
DROP INDEX articles_author_status_published;
DROP INDEX users_public_name;
DROP INDEX users_slug;
ALTER TABLE users DROP COLUMN profile_public;
ALTER TABLE users DROP COLUMN photo;
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users DROP COLUMN slug;
