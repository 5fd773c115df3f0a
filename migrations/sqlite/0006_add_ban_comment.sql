-- +goose Up
-- The reply a ban was made from, so that the list of bans can say "the email of a reply
-- by NAME" without keeping the email, or any copy of the name, in the ban itself. When
-- the reply is deleted (or erased on request) the link goes with it.
ALTER TABLE bans ADD COLUMN comment_id INTEGER REFERENCES comments (id) ON DELETE SET NULL;
CREATE INDEX bans_comment ON bans (comment_id);

-- +goose Down
DROP INDEX bans_comment;
ALTER TABLE bans DROP COLUMN comment_id;
