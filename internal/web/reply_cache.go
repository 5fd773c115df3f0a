package web

import (
	"bytes"
	"html/template"
	"time"

	"github.com/fascicle/fascicle/internal/render"
)

// maxReplyCacheBytes bounds the memory the rendered-reply cache can hold.
const maxReplyCacheBytes = 4 << 20

// replyCache keeps the rendered head of each approved reply (its list item's opening,
// heading, text and Reply link; not the answers nested in it), so that the first view
// of a page after a change renders only the replies that changed. The key is
// everything the HTML is made from, so an entry can never be stale: a reply that is
// edited, moved or renamed simply has a new key.
type replyCache struct {
	heads boundedMap[replyKey, template.HTML]
}

type replyKey struct {
	ID                              int64
	AuthorName, AuthorURL, ReplyURL string
	ReportURL                       string
	Source                          string
	StaffRole, Credentials          string
	CreatedAt                       time.Time
	Depth                           int
	Staff, Anonymised               bool
}

// renderHeads sets Head on every reply of thread, from the cache or by executing the
// "comment_head" template of set. A reader's own held reply is rendered every time and
// never kept.
func (c *replyCache) renderHeads(set *template.Template, thread []*threadComment) error {
	for _, tc := range thread {
		key := replyKey{ID: tc.ID, AuthorName: tc.AuthorName, AuthorURL: tc.AuthorURL, ReplyURL: tc.ReplyURL,
			ReportURL: tc.ReportURL, Source: tc.source, StaffRole: tc.StaffRole, Credentials: tc.Credentials,
			CreatedAt: tc.CreatedAt, Depth: tc.Depth, Staff: tc.Staff, Anonymised: tc.anonymised}
		head, ok := c.heads.get(key)
		if !ok || tc.Pending {
			tc.Avatar, tc.Body = avatar(tc.AuthorName, tc.anonymised), render.CommentText(tc.source)
			var buf bytes.Buffer
			if err := set.ExecuteTemplate(&buf, "comment_head", tc); err != nil {
				return err
			}
			head = template.HTML(buf.String())
			if !tc.Pending {
				c.put(key, head)
			}
		}
		tc.Head = head
		if err := c.renderHeads(set, tc.Children); err != nil {
			return err
		}
	}
	return nil
}

func (c *replyCache) put(key replyKey, head template.HTML) {
	size := len(head) + len(key.Source) + len(key.AuthorName) + len(key.AuthorURL) + len(key.ReplyURL) + len(key.ReportURL) + len(key.Credentials)
	c.heads.put(key, head, size, maxReplyCacheBytes)
}
