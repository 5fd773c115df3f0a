package web

import (
	"cmp"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

type articlePage struct {
	layout
	Article *model.Article
	Head    template.HTML // see articleParts
	Thread  *renderedThread
	Form    replyForm
}

// threadComment is a reply as readers see it. It has no email field, so no template
// can print one.
type threadComment struct {
	ID         int64
	AuthorName string
	AuthorURL  string        // empty unless a valid http(s) address
	Avatar     template.HTML // drawn from AuthorName; see avatar
	Body       template.HTML
	Head       template.HTML // the rendered reply without its answers; see replyCache
	CreatedAt  time.Time
	Pending    bool
	Staff      bool // carries a staff account: the only thing that marks a reply Staff
	// StaffRole and Credentials sign a staff reply ("Dr. Amara Okafor, MD, neurologist ·
	// Medical reviewer"): from the account as it is now, never from the form.
	StaffRole   string
	Credentials string
	Depth       int
	ReplyURL    string // empty when the thread is too deep to nest further
	ReportURL   string // where a reader reports it; empty for a held reply
	Children    []*threadComment

	Clinician  bool   // a clinician's answer, listed first under the reply it answers
	pinned     bool   // the answer a moderator pinned first, before other clinicians'
	anonymised bool   // its author's data was erased: the avatar is the placeholder
	source     string // the text as the reader typed it
}

// replyForm is the "Leave a Reply" form with what the reader typed and what was wrong.
type replyForm struct {
	Action      string
	CancelURL   string
	Comment     string
	Author      string
	Email       string
	URL         string
	ParentID    int64
	ReplyToName string
	Errors      map[string]string
	Message     string // a problem with the whole reply, such as sending too fast
	Closed      bool
	ShownStamp  string // signed time the form was shown
	// Staff is the signed-in staff member the form is for, who replies as their
	// account; nil for the reader's form, which is the same for every reader.
	Staff *replyStaff
	// SessionEnded says a staff reply came back without its session: the form says
	// how to send it now.
	SessionEnded bool
	// OfferMail shows "Email me when someone replies to my comment" (the site sends
	// mail: fixed at start, so the cached page stays the same for every reader);
	// Subscribe is the box as the reader left it.
	OfferMail bool
	Subscribe bool
}

// replyStaff is "Replying as NAME (role)" in the staff member's form.
type replyStaff struct {
	ID       int64
	Name     string
	Role     model.Role
	AtOnce   bool   // published at once (moderators), or moderated like a reader's reply
	ThisPage string // where signing out comes back to
}

// GET /articles/:slug shows an article, its references, its approved replies and the
// reply form. ?replytocom=ID prepares the form to answer a reply (the way it works
// without JavaScript); ?pending=TOKEN shows a reader their own held reply. An old
// address of a renamed article redirects, an archived article is gone (410), and a
// page moves to its own address, /pages/SLUG (301).
func (s *Server) articleShow(c *gin.Context) {
	article, err := s.store.PublishedArticleAlone(c.Request.Context(), c.Param("slug"))
	if err != nil {
		s.articleMissing(c, err, model.KindArticle, "")
		return
	}
	if article.IsPage() {
		c.Redirect(http.StatusMovedPermanently, publicPath(article.Kind, article.Slug))
		return
	}
	var pendingID int64
	if token := c.Query("pending"); token != "" {
		pendingID, _ = s.tokens.PendingReplyID(article.ID, token, s.now())
	}
	form := replyForm{}
	if id, err := strconv.ParseInt(c.Query("replytocom"), 10, 64); err == nil {
		form.ParentID = id
	}
	s.showArticle(c, http.StatusOK, article, form, pendingID)
}

// showArticle renders the article page with the given form, shared by the page itself
// and by a refused reply, which must show the form exactly as the reader filled it.
// article is as PublishedArticleAlone reads it.
func (s *Server) showArticle(c *gin.Context, status int, article *model.Article, form replyForm, pendingID int64) {
	ctx := c.Request.Context()
	policy, err := s.store.Policy(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	var pending *model.Comment
	if pendingID != 0 {
		pc, err := s.store.Comment(ctx, pendingID)
		switch {
		// Spam is shown to its sender as held, so that a robot learns nothing.
		case err == nil && pc.ArticleID == article.ID && (pc.Status == model.CommentPending || pc.Status == model.CommentSpam):
			pc.Status = model.CommentPending
			if pc.UserID != nil {
				// A held staff reply is shown to its sender as it will be published.
				if author, err := s.store.User(ctx, *pc.UserID); err == nil {
					pc.StaffRole, pc.StaffCredentials = author.Role, author.Credentials
				}
			}
			pending = pc
		case err != nil && !errors.Is(err, model.ErrNotFound):
			s.fail(c, err)
			return
		default:
			pendingID = 0 // approved since, or gone: the page shows what is public
		}
	}
	articleURL := "/articles/" + url.PathEscape(article.Slug)
	set, err := s.pages.set("article")
	if err != nil {
		s.fail(c, err)
		return
	}
	parts, err := s.articleParts(ctx, set, article, articleURL)
	if err != nil {
		s.fail(c, err)
		return
	}
	article = parts.Article
	form.Closed = !policy.RepliesOpen(article, s.now())
	replyBase := articleURL
	if form.Closed {
		replyBase = "" // no Reply links where no reply can be sent
	}
	thread, err := s.thread(ctx, set, article, articleURL, replyBase, policy.ThreadDepth, pending)
	if err != nil {
		s.fail(c, err)
		return
	}

	// A refused reply comes back at #form-errors, which takes the focus (the browser's
	// own, with no script: autofocus is ignored on a page opened at a fragment); an
	// accepted one is sent on to the reply itself.
	form.Action = articleURL + "/comments#form-errors"
	form.OfferMail = s.mail.On()
	form.CancelURL = articleURL + "#respond"
	if form.ShownStamp == "" {
		form.ShownStamp = s.formStampFor(c)
	}
	// Signed-in staff reply as their account. Only requests with a session cookie get
	// here with staff (cachePage lets them through uncached), and their page is
	// marked private below, so it is never kept for anyone else.
	u := staff(c)
	if u != nil {
		form.Staff = &replyStaff{ID: u.ID, Name: u.Name, Role: u.Role, AtOnce: moderation.PublishesAtOnce(u), ThisPage: articleURL + "#respond"}
	}
	if form.ParentID != 0 {
		if name, ok := thread.answerable[form.ParentID]; ok {
			form.ReplyToName = name
		} else {
			form.ParentID = 0
		}
	}

	title := article.Title
	if status >= http.StatusBadRequest {
		title = "Error: " + title // a refused reply: the tab says so before anything else is read
	}
	view := articlePage{
		layout:  s.layout(c, title, article.Summary),
		Article: article,
		Head:    parts.Head,
		Thread:  thread,
		Form:    form,
	}
	view.OGType, view.RepliesFeed, view.JSONLD = "article", articleURL+"/comments.xml", parts.JSONLD
	// Pages made for one reader (their held reply, their refused form, a reply target)
	// are neither cached by others nor indexed.
	if pendingID != 0 || status != http.StatusOK || form.ParentID != 0 {
		view.NoIndex = true
		c.Header("Cache-Control", "private, no-store")
	}
	if u != nil {
		c.Header("Cache-Control", "private, no-store") // nobody else's cache may keep a staff page
	}
	s.render(c, status, "article", view)
}

// buildThread arranges replies (oldest first) into a tree of at most maxDepth levels;
// replies to a reply at that depth are shown beside it, as in WordPress. Reply links
// point into articleURL; an empty articleURL leaves them out. A reply whose parent is not shown starts a thread of its own, so an approved
// reply is never hidden because of its parent.
func buildThread(comments []model.Comment, articleURL string, maxDepth int) ([]*threadComment, map[int64]*threadComment) {
	byID := make(map[int64]*threadComment, len(comments))
	for i := range comments {
		cm := &comments[i]
		tc := &threadComment{
			ID:         cm.ID,
			AuthorName: cm.AuthorName,
			anonymised: cm.EmailIndex == "" && cm.UserID == nil, // staff replies have no email either
			source:     cm.Body,
			CreatedAt:  cm.CreatedAt,
			Pending:    cm.Status == model.CommentPending,
			Staff:      cm.UserID != nil,
			pinned:     cm.Pinned,
		}
		if tc.Staff {
			tc.StaffRole, tc.Credentials = cm.StaffRole.Label(), cm.StaffCredentials
		}
		if model.ValidWebURL(cm.AuthorURL) {
			tc.AuthorURL = cm.AuthorURL
		}
		byID[cm.ID] = tc
	}
	children := map[int64][]*threadComment{}
	for i := range comments {
		cm := &comments[i]
		parent := int64(0)
		if cm.ParentID != nil && byID[*cm.ParentID] != nil && !byID[*cm.ParentID].Pending {
			parent = *cm.ParentID
		}
		children[parent] = append(children[parent], byID[cm.ID])
	}
	// A clinician's answer (a staff reply signed with credentials) comes first under
	// the reply it answers, so that a reader finds it before the other answers, and the
	// one a moderator pinned before any other; the rest keep their order.
	for parent, list := range children {
		if parent != 0 {
			slices.SortStableFunc(list, func(a, b *threadComment) int {
				return cmp.Compare(a.answerRank(), b.answerRank())
			})
		}
	}
	var place func(parent int64, depth int) []*threadComment
	var flatten func(parent int64) []*threadComment
	place = func(parent int64, depth int) []*threadComment {
		var out []*threadComment
		for _, tc := range children[parent] {
			tc.Depth = depth
			tc.Clinician = depth > 1 && tc.clinician()
			if articleURL != "" && !tc.Pending && depth < maxDepth {
				tc.ReplyURL = articleURL + "?replytocom=" + strconv.FormatInt(tc.ID, 10) + "#respond"
			}
			out = append(out, tc)
			if depth < maxDepth {
				tc.Children = place(tc.ID, depth+1)
				continue
			}
			for _, d := range flatten(tc.ID) {
				d.Depth = depth
				out = append(out, d)
			}
		}
		return out
	}
	flatten = func(parent int64) []*threadComment {
		var out []*threadComment
		for _, tc := range children[parent] {
			out = append(out, tc)
			out = append(out, flatten(tc.ID)...)
		}
		return out
	}
	return place(0, 1), byID
}

// clinician reports whether tc is a staff reply signed with credentials.
func (tc *threadComment) clinician() bool {
	return tc.Staff && tc.Credentials != ""
}

// answerRank is where tc comes among the answers to a reply: the pinned answer first,
// then clinicians', then the others.
func (tc *threadComment) answerRank() int {
	switch {
	case tc.pinned:
		return 0
	case tc.clinician():
		return 1
	}
	return 2
}
