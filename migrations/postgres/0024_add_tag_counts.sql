-- +goose Up
-- How many published articles each tag has, kept by triggers as on SQLite (see its
-- 0024). A missing row is 0.
CREATE TABLE tag_counts (
    tag_id             BIGINT PRIMARY KEY REFERENCES tags (id) ON DELETE CASCADE,
    published_articles BIGINT NOT NULL
);
INSERT INTO tag_counts (tag_id, published_articles)
SELECT tag_id, count(*) FROM article_tags WHERE published_at IS NOT NULL GROUP BY tag_id;
-- +goose StatementBegin
CREATE FUNCTION tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.published_at IS NOT NULL THEN
        UPDATE tag_counts SET published_articles = published_articles - 1 WHERE tag_id = OLD.tag_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.published_at IS NOT NULL THEN
        INSERT INTO tag_counts (tag_id, published_articles) VALUES (NEW.tag_id, 1)
        ON CONFLICT (tag_id) DO UPDATE SET published_articles = tag_counts.published_articles + 1;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER tag_counts_insert AFTER INSERT ON article_tags
    FOR EACH ROW WHEN (NEW.published_at IS NOT NULL) EXECUTE FUNCTION tag_counts();
CREATE TRIGGER tag_counts_update AFTER UPDATE OF tag_id, published_at ON article_tags
    FOR EACH ROW WHEN ((OLD.published_at IS NULL) <> (NEW.published_at IS NULL) OR OLD.tag_id <> NEW.tag_id)
    EXECUTE FUNCTION tag_counts();
CREATE TRIGGER tag_counts_delete AFTER DELETE ON article_tags
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL) EXECUTE FUNCTION tag_counts();

-- +goose Down
DROP TRIGGER tag_counts_delete ON article_tags;
DROP TRIGGER tag_counts_update ON article_tags;
DROP TRIGGER tag_counts_insert ON article_tags;
DROP FUNCTION tag_counts();
DROP TABLE tag_counts;
