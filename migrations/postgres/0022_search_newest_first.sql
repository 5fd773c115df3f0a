-- +goose Up
-- Search picks the newest matches before it ranks any (ranking reads each candidate's
-- whole weighted text, from TOAST), and finds them without reading articles:
-- * articles_search keeps only what search reads to choose and rank: whether the
--   article is listed (a published article, not a page), its publication time (the
--   ranking's tie-break), and the weighted text. The copies of the title, summary and
--   body go (excerpts are made from the article itself), so a row is a few dozen bytes
--   besides its text, and the matches of a common word are read from a few hundred
--   pages, not thousands;
-- * the index holds the listed articles only;
-- * search_candidates reads the newest matches from that index, not as the planner
--   would choose: counting nothing for reading a row's text back from TOAST, it would
--   test every row's text in a scan of the table (cheap-looking now that the rows are
--   narrow), or walk the articles newest first testing each (what it chose for a
--   search with a limit before), hundreds of times slower for a word in a tenth of
--   the articles; it walks only for a word in most of the newest articles.
DROP TRIGGER articles_search_insert ON articles;
DROP TRIGGER articles_search_update ON articles;
DROP TABLE articles_search;
CREATE TABLE articles_search (
    docid        BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    listed       BOOLEAN NOT NULL,
    published_at TIMESTAMPTZ,
    document     TSVECTOR NOT NULL
);
INSERT INTO articles_search (docid, listed, published_at, document)
SELECT id, status = 'published' AND kind = 'article', published_at,
       setweight(to_tsvector('simple', title), 'A') ||
       setweight(to_tsvector('simple', summary), 'B') ||
       setweight(to_tsvector('simple', body_markdown), 'C')
  FROM articles;
CREATE INDEX articles_search_document ON articles_search USING GIN (document) WHERE listed;
-- search_candidates ranks them too, the newest only: the weights are ts_rank_cd's of
-- the D, C, B and A parts, a word in the title (A) counting ten times one in the body
-- (C), one in the summary (B) four times, as on SQLite. A word in most articles (40 of
-- the newest 50) is found faster by walking the articles newest first, testing each,
-- than by reading its tens of thousands of matches from the index; the walk gives up
-- after 2n articles without n matches.
-- +goose StatementBegin
CREATE FUNCTION search_candidates(query TSQUERY, n INTEGER)
    RETURNS TABLE (docid BIGINT, published_at TIMESTAMPTZ, score REAL) LANGUAGE plpgsql STABLE
    SET enable_seqscan = off SET enable_indexscan = on
    AS $$
DECLARE
    dense INTEGER;
    newest BIGINT[];
BEGIN
    SELECT count(*) INTO dense
      FROM (SELECT s.document FROM articles_search s WHERE s.listed ORDER BY s.docid DESC LIMIT 50) r
     WHERE r.document @@ query;
    IF dense >= 40 THEN
        SELECT array_agg(w.docid) INTO newest
          FROM (SELECT r.docid
                  FROM (SELECT s.docid, s.document FROM articles_search s
                         WHERE s.listed ORDER BY s.docid DESC LIMIT 2 * n) r
                 WHERE r.document @@ query LIMIT n) w;
        IF cardinality(newest) >= n THEN
            RETURN QUERY
            SELECT s.docid, s.published_at, ts_rank_cd('{0, 0.1, 0.4, 1.0}', s.document, query)
              FROM articles_search s WHERE s.docid = ANY (newest);
            RETURN;
        END IF;
    END IF;
    -- Only the GIN index (the function's SET keeps this setting to the function).
    PERFORM set_config('enable_indexscan', 'off', true);
    RETURN QUERY
    SELECT m.docid, m.published_at, ts_rank_cd('{0, 0.1, 0.4, 1.0}', m.document, query)
      FROM (SELECT s.docid, s.published_at, s.document FROM articles_search s
             WHERE s.listed AND s.document @@ query ORDER BY s.docid DESC LIMIT n) m;
END $$;
-- +goose StatementEnd

-- The text is weighed again only when it changes; a change of status or date only
-- updates the row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION articles_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.summary IS NOT DISTINCT FROM NEW.summary
        AND OLD.body_markdown IS NOT DISTINCT FROM NEW.body_markdown THEN
        UPDATE articles_search SET listed = (NEW.status = 'published' AND NEW.kind = 'article'), published_at = NEW.published_at
         WHERE docid = NEW.id;
        RETURN NULL;
    END IF;
    INSERT INTO articles_search (docid, listed, published_at, document)
    VALUES (NEW.id, NEW.status = 'published' AND NEW.kind = 'article', NEW.published_at,
            setweight(to_tsvector('simple', NEW.title), 'A') ||
            setweight(to_tsvector('simple', NEW.summary), 'B') ||
            setweight(to_tsvector('simple', NEW.body_markdown), 'C'))
    ON CONFLICT (docid) DO UPDATE SET listed = EXCLUDED.listed, published_at = EXCLUDED.published_at, document = EXCLUDED.document;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles FOR EACH ROW EXECUTE FUNCTION articles_search_sync();
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown, status, kind, published_at ON articles
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.body_markdown IS DISTINCT FROM NEW.body_markdown OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_search_sync();

-- +goose Down
DROP FUNCTION search_candidates;
DROP TRIGGER articles_search_insert ON articles;
DROP TRIGGER articles_search_update ON articles;
DROP TABLE articles_search;
CREATE TABLE articles_search (
    docid    BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    title    TEXT NOT NULL,
    summary  TEXT NOT NULL,
    body     TEXT NOT NULL,
    document TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', summary), 'B') ||
        setweight(to_tsvector('simple', body), 'C')) STORED
);
INSERT INTO articles_search (docid, title, summary, body) SELECT id, title, summary, body_markdown FROM articles;
CREATE INDEX articles_search_document ON articles_search USING GIN (document);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION articles_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_search (docid, title, summary, body) VALUES (NEW.id, NEW.title, NEW.summary, NEW.body_markdown)
    ON CONFLICT (docid) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary, body = EXCLUDED.body;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles FOR EACH ROW EXECUTE FUNCTION articles_search_sync();
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.body_markdown IS DISTINCT FROM NEW.body_markdown)
    EXECUTE FUNCTION articles_search_sync();
