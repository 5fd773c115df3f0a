package web

import (
	"context"
	"html/template"
	"strconv"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
)

// maxThreadCacheBytes bounds the memory the rendered-thread cache can hold.
const maxThreadCacheBytes = 4 << 20

// threadKey is where Server.threads keeps each article's rendered thread of approved
// replies: under the article's page version (model.Article.PageVersion), which moves
// with anything the thread is drawn from, and the addresses and depth it was drawn
// with. A reply to one article then re-renders that article's thread only, while
// every page's cache is renewed; a thread that changed has a new key, so an entry is
// never stale.
type threadKey struct {
	ArticleID, PageVersion int64
	ArticleURL, ReplyBase  string
	MaxDepth               int
}

// renderedThread is an article's thread ready for its page. Every request that finds
// it in the cache shares it: it is read only.
type renderedThread struct {
	HTML  template.HTML // the thread's list items, answers nested in them
	Count int           // approved replies
	// answerable holds the replies a reader may answer from this page (not a held one,
	// and none where replies are closed): ID → author's name, for "Replying to".
	answerable map[int64]string
}

// headBytes is about how long the thread's HTML is: its replies' heads and the
// markup around them.
func headBytes(thread []*threadComment) int {
	n := 0
	for _, tc := range thread {
		n += len(tc.Head) + 64 + headBytes(tc.Children)
	}
	return n
}

// thread returns article's thread of approved replies rendered with set, reply links
// into replyBase ("" for none) and report links into articleURL. A reader's own held
// reply (pending, nil for none) is shown in it: such a thread is rendered for that
// request and never kept.
func (s *Server) thread(ctx context.Context, set *template.Template, article *model.Article, articleURL, replyBase string,
	maxDepth int, pending *model.Comment) (*renderedThread, error) {
	// The version was read with the article, before the replies: a change in between
	// is then in what is kept under the older version, which no later request reads.
	key := threadKey{ArticleID: article.ID, PageVersion: article.PageVersion, ArticleURL: articleURL, ReplyBase: replyBase, MaxDepth: maxDepth}
	if pending == nil {
		if t, ok := s.threads.get(key); ok {
			return t, nil
		}
	}
	comments, err := s.store.ApprovedComments(ctx, article.ID)
	if err != nil {
		return nil, err
	}
	t := &renderedThread{Count: len(comments), answerable: map[int64]string{}}
	if pending != nil {
		comments = append(comments, *pending)
	}
	tree, byID := buildThread(comments, replyBase, maxDepth)
	for _, tc := range byID {
		if !tc.Pending {
			tc.ReportURL = articleURL + "/comments/" + strconv.FormatInt(tc.ID, 10) + "/report"
			if replyBase != "" {
				t.answerable[tc.ID] = tc.AuthorName
			}
		}
	}
	if err := s.replies.renderHeads(set, tree); err != nil {
		return nil, err
	}
	var buf strings.Builder
	buf.Grow(headBytes(tree))
	if err := set.ExecuteTemplate(&buf, "comment_list", tree); err != nil {
		return nil, err
	}
	t.HTML = template.HTML(buf.String())
	if pending == nil {
		size := len(t.HTML) + len(articleURL) + len(replyBase) + 64*len(t.answerable)
		s.threads.put(key, t, size, maxThreadCacheBytes)
	}
	return t, nil
}
