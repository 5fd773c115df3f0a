package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fascicle/fascicle/internal/importer/wpcontent"
	"github.com/fascicle/fascicle/internal/importer/wxr"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
)

// ImportWordPress reads a WordPress export (WXR) from r and brings in its posts as
// articles, its pages as pages, its authors as staff accounts without passwords (or
// the existing accounts with their emails), its tags and categories as tags, and its
// comments as replies with their status and thread. Everything is saved in one
// transaction: on any error nothing is. What an earlier import of the same site
// brought in is recognised by its WordPress ID and not added again.
//
// The old addresses of imported posts and pages (the path of their permalink, and
// WordPress's /?p=ID and /?page_id=ID) are kept, to answer 301 to the new ones.
//
// Returns ErrNoPublishChoice when opts makes no publish choice, an *UnknownAccountError
// when opts.AuthorMap names an email of no account, a *wxr.SyntaxError
// for a file that is not well-formed, an error wrapping wxr.ErrNotWXR for one that is
// not an export, or the context's error if ctx ends first.
func (s *Service) ImportWordPress(ctx context.Context, r io.Reader, opts Options) (Result, error) {
	if opts.Publish != KeepPublished && opts.Publish != AsDrafts {
		return Result{}, ErrNoPublishChoice
	}
	var res Result
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		mapped, err := mappedAccounts(ctx, tx, opts.AuthorMap)
		if err != nil {
			return err
		}
		p := newProgress(opts.Progress)
		h := &wpHandler{ctx: context.WithoutCancel(ctx), stop: ctx, s: s, tx: tx, opts: opts, now: s.now().UTC(), progress: p,
			authors: map[string]int64{}, mapped: mapped,
			res: Result{Comments: map[model.CommentStatus]int{}, Skipped: map[string]int{}}}
		if err := wxr.Read(p.reader(r), h); err != nil {
			return err
		}
		if h.err != nil {
			return h.err
		}
		p.done()
		res = h.res
		return nil
	})
	if err != nil {
		// Stopped: the transaction ended with the context, and the statement that
		// found it ended says so less clearly.
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Result{}, ctxErr
		}
		return Result{}, err
	}
	return res, nil
}

// wpHandler saves each part of the export as wxr.Read hands it over. The first error
// is kept in err; every later callback then does nothing.
type wpHandler struct {
	// ctx is for statements: the driver would watch a context that can end with a
	// goroutine per statement. stop ends the import, checked between items.
	ctx      context.Context
	stop     context.Context
	s        *Service
	tx       *store.Store
	opts     Options
	now      time.Time
	source   string
	progress *progress
	// authors maps a WordPress login to its account here; mapped the logins of the
	// author map to theirs.
	authors map[string]int64
	mapped  map[string]int64
	res     Result
	err     error
}

func (h *wpHandler) warnf(format string, args ...any) {
	h.res.Warnings = append(h.res.Warnings, fmt.Sprintf(format, args...))
}

func (h *wpHandler) Warning(msg string) { h.res.Warnings = append(h.res.Warnings, msg) }

func (h *wpHandler) Term(wxr.Term) {} // tags come in with the posts that use them

func (h *wpHandler) Site(site wxr.Site) {
	url := site.BaseSiteURL
	if url == "" {
		url = site.Link
	}
	h.source = strings.TrimSpace("wordpress " + strings.TrimRight(url, "/"))
}

func (h *wpHandler) Author(a wxr.Author) {
	if h.err != nil {
		return
	}
	id, err := h.author(a)
	if err != nil {
		h.err = fmt.Errorf("importer: author %q: %w", a.Login, err)
		return
	}
	h.authors[a.Login] = id
}

// author returns the account for a: the one the author map names, the one an earlier
// import made, the existing account with its email, or a new author account without
// a password.
func (h *wpHandler) author(a wxr.Author) (int64, error) {
	id, ok := h.mapped[a.Login]
	if a.ID != 0 && !ok {
		if id, ok, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedAuthor, a.ID); err != nil || ok {
			return id, err
		}
	}
	email := strings.ToLower(strings.TrimSpace(a.Email))
	if email != "" && !model.ValidEmail(email) {
		h.warnf("author %q: the email %q is not a valid address and was left out", a.Login, a.Email)
		email = ""
	}
	if email != "" && id == 0 {
		u, err := h.tx.UserByEmail(h.ctx, email)
		switch {
		case err == nil:
			id = u.ID
		case !errors.Is(err, model.ErrNotFound):
			return 0, err
		}
	}
	if id == 0 {
		u := &model.User{Name: authorName(a), Role: model.RoleAuthor}
		if email != "" {
			u.Email = &email
		}
		if err := h.tx.CreateUser(h.ctx, u); err != nil {
			return 0, err
		}
		id = u.ID
		h.res.Authors++
	}
	if a.ID != 0 {
		// An author the map moves to another account keeps the first record: replies
		// already imported stay with the account they were imported with.
		if _, done, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedAuthor, a.ID); err != nil {
			return 0, err
		} else if !done {
			if err := h.tx.RecordImport(h.ctx, h.source, store.ImportedAuthor, a.ID, id, h.now); err != nil {
				return 0, err
			}
		}
	}
	return id, nil
}

// authorName is the name an author's account gets: the display name, else the first
// and last names, else the login.
func authorName(a wxr.Author) string {
	name := wpcontent.PlainText(a.DisplayName)
	if name == "" {
		name = wpcontent.PlainText(a.FirstName + " " + a.LastName)
	}
	if name == "" {
		name = strings.TrimSpace(a.Login)
	}
	if name == "" {
		name = "WordPress author"
	}
	return truncate(name, model.MaxUserName)
}

// creator returns the account of the login that wrote a post, making one for a login
// the export lists no author for.
func (h *wpHandler) creator(login string) (int64, error) {
	if id, ok := h.authors[login]; ok {
		return id, nil
	}
	h.warnf("the author %q is not among the export's authors: an account named after the login was made", login)
	id, err := h.author(wxr.Author{Login: login})
	if err != nil {
		return 0, err
	}
	h.authors[login] = id
	return id, nil
}

func (h *wpHandler) Item(it wxr.Item) error {
	if h.err != nil {
		return h.err
	}
	if err := h.stop.Err(); err != nil {
		return err
	}
	h.progress.item(len(it.Comments))
	if err := h.item(it); err != nil {
		return fmt.Errorf("importer: WordPress post %d (%q): %w", it.PostID, it.Title, err)
	}
	return nil
}

func (h *wpHandler) item(it wxr.Item) error {
	var kind model.ArticleKind
	switch it.PostType {
	case "post":
		kind = model.KindArticle
	case "page":
		kind = model.KindPage
	default:
		h.res.Skipped[it.PostType]++
		return nil
	}
	if it.Status == "trash" {
		h.res.Skipped["trash"]++
		return nil
	}
	articleID, done, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedPost, it.PostID)
	if err != nil {
		return err
	}
	if done {
		h.res.AlreadyImported++
	} else {
		if articleID, err = h.article(it, kind); err != nil {
			return err
		}
	}
	if err := h.oldAddresses(it, kind, articleID); err != nil {
		return err
	}
	return h.comments(it, articleID)
}

// article saves a post or page as an article of kind and returns its ID.
func (h *wpHandler) article(it wxr.Item, kind model.ArticleKind) (int64, error) {
	authorID, err := h.creator(it.Creator)
	if err != nil {
		return 0, err
	}
	date := it.PostDateGMT
	if date.IsZero() {
		h.warnf("post %d has no date: it is dated from the import", it.PostID)
		date = h.now
	}
	title := wpcontent.PlainText(it.Title)
	if title == "" {
		title = fmt.Sprintf("Untitled (WordPress post %d)", it.PostID)
	}
	body, warnings := wpcontent.PostMarkdown(it.Content)
	for _, w := range warnings {
		h.warnf("post %d: %s", it.PostID, w)
	}
	// A summary is shown as plain text: the excerpt loses its markup.
	summary := wpcontent.PlainText(it.Excerpt)
	if len(summary) > model.MaxSummary {
		h.warnf("post %d: its excerpt is longer than a summary may be (%d characters) and was cut", it.PostID, model.MaxSummary)
		summary = truncate(summary, model.MaxSummary)
	}
	a := &model.Article{
		Title: title, Summary: summary, BodyMarkdown: body, AuthorID: authorID,
		CommentsOpen: it.CommentStatus == "open", CreatedAt: date, UpdatedAt: date, Kind: kind,
		Tags: tags(it.Terms),
	}
	if a.Slug, err = h.slug(it); err != nil {
		return 0, err
	}
	switch it.Status {
	case "publish":
		a.Status = model.ArticleDraft
		if h.opts.Publish == KeepPublished {
			a.Status, a.PublishedAt = model.ArticlePublished, &date
		}
	case "future":
		a.Status, a.ScheduledAt = model.ArticleScheduled, &date
	case "draft", "pending", "private":
		a.Status = model.ArticleDraft
	default:
		h.warnf("post %d has the status %q, which WordPress does not define: it comes in as a draft", it.PostID, it.Status)
		a.Status = model.ArticleDraft
	}
	if it.Password != "" {
		h.warnf("post %d was password-protected: it comes in as a draft", it.PostID)
		a.Status, a.PublishedAt, a.ScheduledAt = model.ArticleDraft, nil, nil
	}
	for _, t := range a.Tags {
		if _, err := h.tx.TagBySlug(h.ctx, t.Slug); errors.Is(err, model.ErrNotFound) {
			h.res.Tags++
		} else if err != nil {
			return 0, err
		}
	}
	if err := h.tx.CreateArticle(h.ctx, a); err != nil {
		return 0, err
	}
	if err := h.tx.RecordImport(h.ctx, h.source, store.ImportedPost, it.PostID, a.ID, h.now); err != nil {
		return 0, err
	}
	if kind == model.KindPage {
		h.res.Pages++
	} else {
		h.res.Articles++
	}
	return a.ID, nil
}

// slug returns a free address for the post: its own, else one made from its title,
// with "-2", "-3", … added while the address is taken.
func (h *wpHandler) slug(it wxr.Item) (string, error) {
	// WordPress keeps a slug of other letters than ASCII percent-encoded.
	wpSlug, err := url.PathUnescape(it.Slug)
	if err != nil {
		wpSlug = it.Slug
	}
	base := model.Slugify(wpSlug)
	if base == "" {
		base = model.Slugify(it.Title)
	}
	if base == "" {
		base = "post-" + strconv.FormatInt(it.PostID, 10)
	}
	slug := base
	for n := 2; ; n++ {
		taken, err := h.tx.ArticleSlugTaken(h.ctx, slug)
		if err != nil {
			return "", err
		}
		if !taken {
			if slug != base || (wpSlug != "" && slug != wpSlug) {
				h.warnf("post %d: its address %q is taken or not one of ours here; it is now %q", it.PostID, wpSlug, slug)
			}
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

// tags turns a post's categories and tags into tags, each slug once.
func tags(terms []wxr.Term) []model.Tag {
	var list []model.Tag
	seen := map[string]bool{}
	for _, t := range terms {
		switch t.Kind {
		case "category", "post_tag", "tag":
		default:
			continue
		}
		name := wpcontent.PlainText(t.Name)
		slug := model.Slugify(t.Slug)
		if slug == "" {
			slug = model.Slugify(name)
		}
		if name == "" {
			name = slug
		}
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		list = append(list, model.Tag{Slug: slug, Name: name})
	}
	return list
}

// commentStatuses maps wp:comment_approved to a reply's status.
var commentStatuses = map[string]model.CommentStatus{
	"1": model.CommentApproved, "0": model.CommentPending, "spam": model.CommentSpam, "trash": model.CommentTrash,
}

// comments saves the replies of a post, parents before their answers. A reply whose
// parent is not in the export (or was skipped) comes in at the top level.
func (h *wpHandler) comments(it wxr.Item, articleID int64) error {
	byID := make(map[int64]*wxr.Comment, len(it.Comments))
	for i := range it.Comments {
		byID[it.Comments[i].ID] = &it.Comments[i]
	}
	saved := map[int64]*int64{} // WordPress ID → local ID; nil while being saved or when skipped
	var save func(c *wxr.Comment) (*int64, error)
	save = func(c *wxr.Comment) (*int64, error) {
		if id, ok := saved[c.ID]; ok {
			return id, nil
		}
		saved[c.ID] = nil // a thread that loops back comes in at the top level
		var parent *int64
		if p, ok := byID[c.ParentID]; ok && c.ParentID != 0 && p != c {
			var err error
			if parent, err = save(p); err != nil {
				return nil, err
			}
		} else if c.ParentID != 0 {
			id, ok, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedComment, c.ParentID)
			if err != nil {
				return nil, err
			}
			if ok {
				parent = &id
			}
		}
		id, err := h.comment(c, articleID, parent)
		saved[c.ID] = id
		return id, err
	}
	for i := range it.Comments {
		if _, err := save(&it.Comments[i]); err != nil {
			return fmt.Errorf("comment %d: %w", it.Comments[i].ID, err)
		}
	}
	return nil
}

// comment saves one reply under parent (nil for the top level) and returns its ID,
// or nil for one that is skipped.
func (h *wpHandler) comment(c *wxr.Comment, articleID int64, parent *int64) (*int64, error) {
	if c.Type != "" && c.Type != "comment" {
		h.res.Skipped[c.Type]++
		return nil, nil
	}
	if id, ok, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedComment, c.ID); err != nil || ok {
		if ok {
			h.res.AlreadyImported++
		}
		return &id, err
	}
	status, ok := commentStatuses[c.Approved]
	if !ok {
		h.warnf("comment %d has the status %q: it comes in as pending", c.ID, c.Approved)
		status = model.CommentPending
	}
	date := c.DateGMT
	if date.IsZero() {
		h.warnf("comment %d has no date: it is dated from the import", c.ID)
		date = h.now
	}
	reply := &model.Comment{
		ArticleID: articleID, ParentID: parent, Status: status, CreatedAt: date,
		AuthorName: truncate(wpcontent.PlainText(c.Author), model.MaxCommentName),
		Body:       truncate(wpcontent.CommentText(c.Content), model.MaxCommentBody),
	}
	if reply.AuthorName == "" {
		reply.AuthorName = "Anonymous"
	}
	if c.UserID != 0 {
		// A reply written signed in by one of the exported authors is a staff reply of
		// the account that author became, kept without an email like a staff reply here.
		id, ok, err := h.tx.ImportedID(h.ctx, h.source, store.ImportedAuthor, c.UserID)
		if err != nil {
			return nil, err
		}
		if ok {
			reply.UserID = &id
		}
	}
	if email := strings.TrimSpace(c.AuthorEmail); email != "" && reply.UserID == nil {
		if model.ValidEmail(email) && len(email) <= model.MaxCommentEmail {
			reply.AuthorEmail = email
		} else {
			h.warnf("comment %d: the email is not a valid address and was left out", c.ID)
		}
	}
	if web := strings.TrimSpace(c.AuthorURL); web != "" {
		if model.ValidWebURL(web) && len(web) <= model.MaxCommentURL {
			reply.AuthorURL = web
		} else {
			h.warnf("comment %d: the website %q is not an http(s) address and was left out", c.ID, web)
		}
	}
	if addr, err := netip.ParseAddr(strings.TrimSpace(c.AuthorIP)); err == nil && h.s.client != nil {
		reply.ClientHash = h.s.client.Hash(addr)
		reply.ClientPrefix = moderation.AnonymisedPrefix(addr)
	}
	if err := h.tx.CreateComment(h.ctx, reply); err != nil {
		return nil, err
	}
	if err := h.tx.RecordImport(h.ctx, h.source, store.ImportedComment, c.ID, reply.ID, h.now); err != nil {
		return nil, err
	}
	h.res.Comments[status]++
	return &reply.ID, nil
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// oldAddresses keeps the addresses the post had on the old site, so that they answer
// 301 to its new one: its permalink's path, /?p=ID and, for a page, /?page_id=ID.
func (h *wpHandler) oldAddresses(it wxr.Item, kind model.ArticleKind, articleID int64) error {
	addresses := []string{model.OldPostAddress(it.PostID)}
	if kind == model.KindPage {
		addresses = append(addresses, model.OldPageAddress(it.PostID))
	}
	if u, err := url.Parse(strings.TrimSpace(it.Link)); err == nil && it.Link != "" {
		// A post without pretty permalinks links to /?p=ID, which is kept above.
		if path := model.OldPathAddress(u.Path); path != "/" {
			addresses = append(addresses, path)
		}
	}
	for _, address := range addresses {
		added, err := h.tx.AddOldAddress(h.ctx, address, articleID, h.now)
		if err != nil {
			return err
		}
		if added {
			h.res.Redirects++
			continue
		}
		target, err := h.tx.OldAddress(h.ctx, address)
		if err != nil {
			return err
		}
		if target.ArticleID != articleID {
			h.warnf("post %d: the old address %s leads to %q already and is kept for it", it.PostID, address, target.Slug)
		}
	}
	return nil
}
