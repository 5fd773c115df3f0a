-- +goose Up
-- Search reads the newest matches first and stops at the ones it ranks, instead of
-- decoding every match of a common word:
-- * the full-text index keeps its lists newest first (order=DESC), so that FTS4 reads
--   a word's list a piece at a time as the search asks for rows (it loads a list whole
--   when the search runs against its order, or for a prefix such as "caffeine*");
-- * it indexes the articles table itself (content="articles") instead of a copy of
--   the text, and FTS4 then never tests a word by re-reading each candidate's text;
-- * search_words lists every word of the index with the number of articles it is in:
--   a search turns its last word into the words that begin with it (so the index is
--   read word by word, never as a prefix), and ranks with these counts instead of
--   counting the matches of each word at every search; search_tokens splits text
--   exactly as the index does, for the triggers that keep the counts (a word no
--   article has any more stays, with 0);
-- * articles_search_filter answers "is this candidate a published article, and when
--   was it published" from a small index instead of the article's row.
DROP TRIGGER articles_search_insert;
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TABLE articles_search;
CREATE VIRTUAL TABLE articles_search USING fts4 (content="articles", title, summary, body_markdown, tokenize=unicode61, order=DESC);
INSERT INTO articles_search (articles_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE search_tokens USING fts3tokenize (unicode61);
CREATE TABLE search_words (
    word     TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
) WITHOUT ROWID;
-- Counted from the articles as the triggers count them (fts4aux's counts of an index
-- kept newest first fall short).
INSERT INTO search_words (word, articles)
SELECT token, count(*) FROM (
    SELECT DISTINCT a.id, t.token FROM articles a CROSS JOIN search_tokens t
     WHERE t.input = a.title || ' ' || a.summary || ' ' || a.body_markdown)
 GROUP BY token;
CREATE INDEX articles_search_filter ON articles (id, status, kind, published_at);

-- An external-content index forgets a row with the text it indexed, so the old text
-- leaves the index before the row changes and the new text enters after.
-- +goose StatementBegin
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (docid, title, summary, body_markdown) VALUES (new.id, new.title, new.summary, new.body_markdown);
    INSERT INTO search_words (word, articles)
    SELECT DISTINCT token, 1 FROM search_tokens WHERE input = new.title || ' ' || new.summary || ' ' || new.body_markdown
        ON CONFLICT (word) DO UPDATE SET articles = articles + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_unindex BEFORE UPDATE OF title, summary, body_markdown ON articles BEGIN
    DELETE FROM articles_search WHERE docid = old.id;
    UPDATE search_words SET articles = articles - 1
     WHERE word IN (SELECT token FROM search_tokens WHERE input = old.title || ' ' || old.summary || ' ' || old.body_markdown);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles BEGIN
    INSERT INTO articles_search (docid, title, summary, body_markdown) VALUES (new.id, new.title, new.summary, new.body_markdown);
    INSERT INTO search_words (word, articles)
    SELECT DISTINCT token, 1 FROM search_tokens WHERE input = new.title || ' ' || new.summary || ' ' || new.body_markdown
        ON CONFLICT (word) DO UPDATE SET articles = articles + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete BEFORE DELETE ON articles BEGIN
    DELETE FROM articles_search WHERE docid = old.id;
    UPDATE search_words SET articles = articles - 1
     WHERE word IN (SELECT token FROM search_tokens WHERE input = old.title || ' ' || old.summary || ' ' || old.body_markdown);
END;
-- +goose StatementEnd

-- +goose Down
DROP INDEX articles_search_filter;
DROP TRIGGER articles_search_insert;
DROP TRIGGER articles_search_unindex;
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TABLE search_words;
DROP TABLE search_tokens;
DROP TABLE articles_search;
CREATE VIRTUAL TABLE articles_search USING fts4 (title, summary, body, tokenize=unicode61);
INSERT INTO articles_search (docid, title, summary, body) SELECT id, title, summary, body_markdown FROM articles;
-- +goose StatementBegin
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (docid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body_markdown);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles BEGIN
    UPDATE articles_search SET title = new.title, summary = new.summary, body = new.body_markdown WHERE docid = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_search WHERE docid = old.id;
END;
-- +goose StatementEnd
