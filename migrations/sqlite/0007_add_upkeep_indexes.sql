-- +goose Up
-- Start-up and the daily retention run look for the few replies that need work; these
-- partial indexes hold only those, so neither reads every reply of a large site.
CREATE INDEX comments_plain_email ON comments (id) WHERE author_email != '';
CREATE INDEX comments_client_data_created ON comments (created_at)
    WHERE user_agent != '' OR client_hash != '' OR client_prefix != '';

-- +goose Down
DROP INDEX comments_client_data_created;
DROP INDEX comments_plain_email;
