package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/importer/disqus"
	"github.com/fascicle/fascicle/internal/importer/wpcontent"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
)

// Kinds of posts a Disqus import leaves out, as counted in Result.Skipped.
const (
	SkippedUnmatchedThread = "unmatched thread" // the thread matches no article here
	SkippedUnknownThread   = "unknown thread"   // the post names a thread the export does not list before it
	SkippedNoID            = "no dsq:id"        // the post has no dsq:id to recognise it by
)

// maxUnmatchedListed is how many unmatched threads a Disqus import names in its
// warnings; the rest are counted.
const maxUnmatchedListed = 10

// DisqusOptions are the choices of one Disqus import.
type DisqusOptions struct {
	// Map matches threads to articles here, before their links are tried (see
	// ParseDisqusMap).
	Map []DisqusMapEntry
	// Progress, when set, is told how far the import has read now and then: Items
	// counts threads and Comments posts.
	Progress func(Progress)
}

// ImportDisqus reads a Disqus export from r and brings in its posts as replies to the
// articles their threads match, with their threads of answers, dates, names, emails
// (sealed by the store) and statuses: spam stays spam, deleted posts come in as trash,
// posts that say they are not approved as pending, the others approved. A thread
// matches through opts.Map first, then through its link's path as an address here
// (/articles/SLUG or /pages/SLUG, following renamed slugs), then as an old address of
// an imported site; the posts of a thread that matches nothing are skipped and counted,
// and the first such threads are named in the warnings. A post may come before the
// post it answers: it waits, and one whose parent never comes is saved at the top
// level. Addresses are kept as the keyed hash and network only; websites are not
// imported. A thread's isClosed and isDeleted are not used: whether an article takes
// replies is its own setting here.
//
// The export is read as a stream: memory grows with the number of threads and of
// posts waiting for their parents, not with the file.
//
// Everything is saved in one transaction: on any error nothing is. A post an earlier
// import brought in (the same forum and dsq:id) is not added again.
//
// Returns a *MapError for a line of opts.Map that names no article here (before
// anything is read), a *disqus.SyntaxError for a file that is not well-formed, an
// error wrapping disqus.ErrNotDisqus for one that is not a Disqus export, an error
// wrapping the read error of r, or the context's error if ctx ends first.
func (s *Service) ImportDisqus(ctx context.Context, r io.Reader, opts DisqusOptions) (Result, error) {
	var res Result
	prog := newProgress(opts.Progress)
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		h := &dqHandler{ctx: context.WithoutCancel(ctx), stop: ctx, s: s, tx: tx, now: s.now().UTC(), prog: prog,
			threads: map[int64]dqThread{}, forums: map[string]string{},
			waiting: map[int64][]*dqHeld{}, unmatched: map[int64]*dqUnmatched{},
			res: Result{Comments: map[model.CommentStatus]int{}, Skipped: map[string]int{}}}
		if err := h.resolveMap(opts.Map); err != nil {
			return err
		}
		if err := disqus.Read(prog.reader(r), h); err != nil {
			return err
		}
		if err := h.finish(); err != nil {
			return err
		}
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
	prog.done()
	return res, nil
}

// dqThread is what an import keeps of a thread: the article it matched (0 for none)
// and the source its posts are recorded under.
type dqThread struct {
	articleID int64
	source    string
}

// dqHeld is a post waiting for the post it answers.
type dqHeld struct {
	seq    int
	post   disqus.Post
	thread dqThread
	done   bool
}

// dqUnmatched counts the posts skipped from one thread that matches no article.
type dqUnmatched struct {
	seq   int
	link  string
	posts int
}

// dqMapTarget is a line of the map, resolved.
type dqMapTarget struct {
	line      int
	articleID int64
	used      bool
}

type dqHandler struct {
	// ctx is for statements: the driver would watch a context that can end with a
	// goroutine per statement. stop ends the import, checked between items.
	ctx  context.Context
	stop context.Context
	s    *Service
	tx   *store.Store
	now  time.Time
	prog *progress
	// mapByID and mapByLink are the map's lines by thread dsq:id and by linkKey.
	mapByID   map[int64]*dqMapTarget
	mapByLink map[string]*dqMapTarget
	threads   map[int64]dqThread
	forums    map[string]string // one copy of each source name
	// waiting holds posts by the dsq:id of the post they answer; held counts them all.
	waiting   map[int64][]*dqHeld
	held      int
	unmatched map[int64]*dqUnmatched
	unknown   int // posts of threads not listed before them
	res       Result
}

func (h *dqHandler) warnf(format string, args ...any) {
	h.res.Warnings = append(h.res.Warnings, fmt.Sprintf(format, args...))
}

func (h *dqHandler) Warning(msg string) { h.res.Warnings = append(h.res.Warnings, msg) }

// resolveMap finds the article of each line of the map, refusing a line that names
// none.
func (h *dqHandler) resolveMap(entries []DisqusMapEntry) error {
	h.mapByID, h.mapByLink = map[int64]*dqMapTarget{}, map[string]*dqMapTarget{}
	for _, e := range entries {
		id, ok, err := h.addressArticle(e.Address)
		if err != nil {
			return err
		}
		if !ok {
			return &MapError{Line: e.Line, Msg: fmt.Sprintf("%q is no article or page here", e.Address)}
		}
		t := &dqMapTarget{line: e.Line, articleID: id}
		if n, err := strconv.ParseInt(e.Thread, 10, 64); err == nil {
			h.mapByID[n] = t
		} else {
			h.mapByLink[linkKey(e.Thread)] = t
		}
	}
	return nil
}

// addressArticle returns the article an address written in a map leads to: a slug,
// or a path or URL that is one of our addresses or an old one.
func (h *dqHandler) addressArticle(address string) (int64, bool, error) {
	if !strings.ContainsAny(address, "/?") {
		return h.slugArticle(address)
	}
	u, err := url.Parse(address)
	if err != nil {
		return 0, false, nil
	}
	return h.pathArticle(u)
}

// pathArticle returns the article the path (and query) of u leads to here: our own
// address of an article or page, then an old address of an imported site.
func (h *dqHandler) pathArticle(u *url.URL) (int64, bool, error) {
	path := u.Path
	for _, prefix := range []string{"/articles/", "/pages/"} {
		if slug, ok := strings.CutPrefix(path, prefix); ok {
			if slug = strings.TrimRight(slug, "/"); slug != "" && !strings.Contains(slug, "/") {
				if id, ok, err := h.slugArticle(slug); err != nil || ok {
					return id, ok, err
				}
			}
		}
	}
	addresses := []string{model.OldPathAddress(path)}
	if model.OldPathAddress(path) == "/" {
		q := u.Query()
		if n, err := strconv.ParseInt(q.Get("p"), 10, 64); err == nil {
			addresses = append([]string{model.OldPostAddress(n)}, addresses...)
		} else if n, err := strconv.ParseInt(q.Get("page_id"), 10, 64); err == nil {
			addresses = append([]string{model.OldPageAddress(n)}, addresses...)
		} else {
			return 0, false, nil // the old site's home page is no article
		}
	}
	for _, a := range addresses {
		t, err := h.tx.OldAddress(h.ctx, a)
		switch {
		case err == nil:
			return t.ArticleID, true, nil
		case !errors.Is(err, model.ErrNotFound):
			return 0, false, err
		}
	}
	return 0, false, nil
}

// slugArticle returns the article at slug, or at the slug it was renamed to.
func (h *dqHandler) slugArticle(slug string) (int64, bool, error) {
	id, _, _, err := h.tx.ArticleStatusBySlug(h.ctx, slug)
	if errors.Is(err, model.ErrNotFound) {
		var current string
		if current, err = h.tx.RedirectSlug(h.ctx, slug); err == nil {
			id, _, _, err = h.tx.ArticleStatusBySlug(h.ctx, current)
		}
	}
	switch {
	case err == nil:
		return id, true, nil
	case errors.Is(err, model.ErrNotFound):
		return 0, false, nil
	default:
		return 0, false, err
	}
}

// linkKey is the form in which thread links are compared: scheme, fragment and
// trailing slashes dropped, the host in lower case.
func linkKey(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return strings.TrimRight(link, "/")
	}
	key := strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key
}

func (h *dqHandler) Thread(th disqus.Thread) error {
	if err := h.stop.Err(); err != nil {
		return err
	}
	h.prog.item(0)
	if th.ID == 0 {
		h.warnf("the thread %q has no dsq:id: no post can name it", th.Link)
		return nil
	}
	if _, ok := h.threads[th.ID]; ok {
		h.warnf("the thread %d is listed twice: the first is kept", th.ID)
		return nil
	}
	source := strings.TrimSpace("disqus " + strings.TrimSpace(th.Forum))
	if s, ok := h.forums[source]; ok {
		source = s
	} else {
		h.forums[source] = source
	}
	id, err := h.threadArticle(th)
	if err != nil {
		return fmt.Errorf("importer: Disqus thread %d (%q): %w", th.ID, th.Link, err)
	}
	h.threads[th.ID] = dqThread{articleID: id, source: source}
	if id == 0 {
		h.unmatched[th.ID] = &dqUnmatched{seq: len(h.unmatched), link: th.Link}
	}
	return nil
}

// threadArticle returns the article a thread matches here, or 0.
func (h *dqHandler) threadArticle(th disqus.Thread) (int64, error) {
	if t := h.mapByID[th.ID]; t != nil {
		t.used = true
		return t.articleID, nil
	}
	if th.Link == "" {
		return 0, nil
	}
	if t := h.mapByLink[linkKey(th.Link)]; t != nil {
		t.used = true
		return t.articleID, nil
	}
	u, err := url.Parse(th.Link)
	if err != nil {
		return 0, nil
	}
	id, _, err := h.pathArticle(u)
	return id, err
}

func (h *dqHandler) Post(p disqus.Post) error {
	if err := h.stop.Err(); err != nil {
		return err
	}
	h.prog.reply()
	if err := h.post(p); err != nil {
		return fmt.Errorf("importer: Disqus post %d: %w", p.ID, err)
	}
	return nil
}

func (h *dqHandler) post(p disqus.Post) error {
	if p.ID == 0 {
		h.res.Skipped[SkippedNoID]++
		h.warnf("a post of the thread %d has no dsq:id and was left out", p.ThreadID)
		return nil
	}
	th, ok := h.threads[p.ThreadID]
	switch {
	case !ok:
		h.res.Skipped[SkippedUnknownThread]++
		h.unknown++
		return nil
	case th.articleID == 0:
		h.res.Skipped[SkippedUnmatchedThread]++
		h.unmatched[p.ThreadID].posts++
		return nil
	}
	if id, ok, err := h.tx.ImportedID(h.ctx, th.source, store.ImportedComment, p.ID); err != nil {
		return err
	} else if ok {
		h.res.AlreadyImported++
		return h.release(p.ID, id)
	}
	var parent *int64
	switch {
	case p.ParentID == p.ID:
		h.warnf("post %d answers itself: it comes in at the top level", p.ID)
	case p.ParentID != 0:
		id, ok, err := h.tx.ImportedID(h.ctx, th.source, store.ImportedComment, p.ParentID)
		if err != nil {
			return err
		}
		if !ok { // the parent comes later in the file, or never
			h.held++
			h.waiting[p.ParentID] = append(h.waiting[p.ParentID], &dqHeld{seq: h.held, post: p, thread: th})
			return nil
		}
		parent = &id
	}
	id, err := h.comment(p, th, parent)
	if err != nil {
		return err
	}
	return h.release(p.ID, id)
}

// release saves the posts waiting for the post dsqID, saved as localID, and those
// waiting for them in turn.
func (h *dqHandler) release(dsqID, localID int64) error {
	type saved struct{ dsqID, localID int64 }
	queue := []saved{{dsqID, localID}}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, w := range h.waiting[parent.dsqID] {
			if w.done {
				continue
			}
			w.done = true
			id, err := h.saveHeld(w, &parent.localID)
			if err != nil {
				return err
			}
			queue = append(queue, saved{w.post.ID, id})
		}
		delete(h.waiting, parent.dsqID)
	}
	return nil
}

// saveHeld saves a post that waited, under parent, unless it came in already (a post
// listed twice).
func (h *dqHandler) saveHeld(w *dqHeld, parent *int64) (int64, error) {
	h.held--
	id, ok, err := h.tx.ImportedID(h.ctx, w.thread.source, store.ImportedComment, w.post.ID)
	if err != nil || ok {
		if ok {
			h.res.AlreadyImported++
		}
		return id, err
	}
	id, err = h.comment(w.post, w.thread, parent)
	if err != nil {
		return 0, fmt.Errorf("importer: Disqus post %d: %w", w.post.ID, err)
	}
	return id, nil
}

// finish saves the posts still waiting, at the top level, in the order of the file,
// and names the threads that matched nothing.
func (h *dqHandler) finish() error {
	var rest []*dqHeld
	for _, list := range h.waiting {
		rest = append(rest, list...)
	}
	slices.SortFunc(rest, func(a, b *dqHeld) int { return cmp.Compare(a.seq, b.seq) })
	for _, w := range rest {
		if w.done {
			continue
		}
		w.done = true
		h.warnf("post %d answers the post %d, which is not among the posts brought in: it comes in at the top level", w.post.ID, w.post.ParentID)
		id, err := h.saveHeld(w, nil)
		if err != nil {
			return err
		}
		if err := h.release(w.post.ID, id); err != nil {
			return err
		}
	}
	var notes []string
	if h.unknown > 0 {
		notes = append(notes, fmt.Sprintf("%d posts name a thread the export does not list before them and were left out", h.unknown))
	}
	var list []*dqUnmatched
	posts := 0
	for _, u := range h.unmatched {
		if u.posts > 0 {
			list = append(list, u)
			posts += u.posts
		}
	}
	slices.SortFunc(list, func(a, b *dqUnmatched) int { return cmp.Compare(a.seq, b.seq) })
	for i, u := range list {
		if i == maxUnmatchedListed {
			notes = append(notes, fmt.Sprintf("… and %d more threads match no article here (%d posts skipped in all)", len(list)-i, posts))
			break
		}
		notes = append(notes, fmt.Sprintf("the thread %s matches no article here: its %d posts were skipped (a line of the map can match it)", u.link, u.posts))
	}
	var unused []int
	for _, t := range h.mapByID {
		if !t.used {
			unused = append(unused, t.line)
		}
	}
	for _, t := range h.mapByLink {
		if !t.used {
			unused = append(unused, t.line)
		}
	}
	slices.Sort(unused)
	for _, line := range unused {
		h.warnf("map line %d matches no thread of the export", line)
	}
	// What the reader must act on comes first, ahead of the warnings about single posts.
	h.res.Warnings = append(notes, h.res.Warnings...)
	return nil
}

// disqusStatus is the status a post comes in with.
func disqusStatus(p disqus.Post) model.CommentStatus {
	switch {
	case p.IsSpam:
		return model.CommentSpam
	case p.IsDeleted:
		return model.CommentTrash
	case p.IsApproved != nil && !*p.IsApproved:
		return model.CommentPending
	}
	return model.CommentApproved
}

// comment saves one post as a reply under parent (nil for the top level) and
// returns its ID.
func (h *dqHandler) comment(p disqus.Post, th dqThread, parent *int64) (int64, error) {
	status := disqusStatus(p)
	date := p.CreatedAt
	if date.IsZero() {
		h.warnf("post %d has no date: it is dated from the import", p.ID)
		date = h.now
	}
	reply := &model.Comment{
		ArticleID: th.articleID, ParentID: parent, Status: status, CreatedAt: date,
		AuthorName: truncate(oneLine(p.Author.Name), model.MaxCommentName),
		Body:       truncate(wpcontent.CommentText(p.Message), model.MaxCommentBody),
	}
	if reply.AuthorName == "" {
		reply.AuthorName = "Anonymous"
	}
	if email := strings.TrimSpace(p.Author.Email); email != "" {
		if model.ValidEmail(email) && len(email) <= model.MaxCommentEmail {
			reply.AuthorEmail = email
		} else {
			h.warnf("post %d: the email is not a valid address and was left out", p.ID)
		}
	}
	if addr, err := netip.ParseAddr(strings.TrimSpace(p.IPAddress)); err == nil && h.s.client != nil {
		reply.ClientHash = h.s.client.Hash(addr)
		reply.ClientPrefix = moderation.AnonymisedPrefix(addr)
	}
	if err := h.tx.CreateComment(h.ctx, reply); err != nil {
		return 0, err
	}
	if err := h.tx.RecordImport(h.ctx, th.source, store.ImportedComment, p.ID, reply.ID, h.now); err != nil {
		return 0, err
	}
	h.res.Comments[status]++
	return reply.ID, nil
}
