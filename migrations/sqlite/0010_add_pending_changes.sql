-- +goose Up
-- A change to a published article waits here, beside the live text that readers keep
-- seeing, until it is medically reviewed and published. One per article; public pages
-- never read this table. edited_by is who last changed its text, who may not review it. Replies open or closed is not part of it: that is not text,
-- and applies to the live article at once.
CREATE TABLE article_changes (
    article_id           INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status               TEXT NOT NULL,
    title                TEXT NOT NULL,
    slug                 TEXT NOT NULL,
    summary              TEXT NOT NULL,
    body_markdown        TEXT NOT NULL,
    references_json      TEXT NOT NULL DEFAULT '[]',
    tags                 TEXT NOT NULL DEFAULT '',
    correction_note      TEXT NOT NULL DEFAULT '',
    next_review_at       DATETIME,
    reviewer_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reviewer_name        TEXT NOT NULL DEFAULT '',
    reviewer_credentials TEXT NOT NULL DEFAULT '',
    reviewed_at          DATETIME,
    scheduled_at         DATETIME,
    edited_by            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
-- The scheduler looks for scheduled changes that are due.
CREATE INDEX article_changes_status_scheduled_at ON article_changes (status, scheduled_at);

-- What a reviewer asked the author to change, shown until the next submit.
CREATE TABLE change_requests (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    notes      TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);

-- A correction note is shown with the date it was made, and kept in the history.
ALTER TABLE articles ADD COLUMN corrected_at DATETIME;
ALTER TABLE revisions ADD COLUMN correction_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE revisions DROP COLUMN correction_note;
ALTER TABLE articles DROP COLUMN corrected_at;
DROP TABLE change_requests;
DROP INDEX article_changes_status_scheduled_at;
DROP TABLE article_changes;
