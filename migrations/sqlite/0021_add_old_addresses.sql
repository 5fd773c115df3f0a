-- +goose Up
-- Addresses an article had on the site it was imported from, answered with 301 to its
-- address here: a path ("/2019/05/heat-cramps", kept without its trailing slash) or
-- one of WordPress's numeric forms ("/?p=42", "/?page_id=7").
CREATE TABLE old_addresses (
    address    TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL
);
CREATE INDEX old_addresses_article_id ON old_addresses (article_id);

-- The staff lists mark what an import brought in.
CREATE INDEX import_sources_local_id ON import_sources (kind, local_id);

-- +goose Down
DROP INDEX import_sources_local_id;
DROP TABLE old_addresses;
