-- +goose Up
-- A moderator may pin a clinician's answer first under the reply it answers; NULL is
-- not pinned. The moderation service keeps at most one pinned answer under a reply.
-- Setting it on an approved reply changes the content version (the comments trigger).
ALTER TABLE comments ADD COLUMN pinned_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE comments DROP COLUMN pinned_at;
