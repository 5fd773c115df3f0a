-- +goose Up
-- The duplicate-reply check looked up every reply by the same email and compared
-- texts: a commenter with thousands of replies made each new one slow, inside the
-- write lock. Each reply now keeps a 64-bit hash of its text (reply_body_hash, an SQL
-- function of the server's), and the check looks up the few replies with the same
-- hash. Replies written by other tools have none and are not checked against.
ALTER TABLE comments ADD COLUMN body_hash INTEGER;
UPDATE comments SET body_hash = reply_body_hash(body);
CREATE INDEX comments_body_hash ON comments (body_hash);

-- +goose Down
DROP INDEX comments_body_hash;
ALTER TABLE comments DROP COLUMN body_hash;
