// Package seed fills a database with realistic generated content, quickly, for load
// tests and benchmarks: a few staff accounts, articles with Markdown bodies,
// references and tags published over several years, and threaded replies from a
// crowd of readers, most approved, some held, spam or trash. Everything follows from
// one random seed, so the same options give the same site (only the encrypted form of
// each email differs, as every encryption uses a fresh nonce). It writes through Bulk
// (BulkLoad), with SQL of its own on a connection the store sets aside for it, since
// a million rows through GORM would take minutes.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// DefaultSeed is the random seed used when none is given.
const DefaultSeed = 6

// Until is the end of the generated site's history: articles are published in the
// eight years before it, and replies come after their article, before it. A fixed date
// keeps the content the same whenever it is generated.
var Until = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// history is how far back the first articles go.
const history = 8 * 365 * 24 * time.Hour

// Options says how much to generate and how.
type Options struct {
	Articles int
	Replies  int
	// Seed decides everything generated: the same seed gives the same content.
	Seed uint64
	// Batch is the number of rows per transaction; 0 means DefaultBatch.
	Batch int
	// ClientHash hashes a client address the way the site's moderation does, so that
	// generated replies and real ones from the same address match. Required.
	ClientHash func(netip.Addr) string
	// Progress receives a line now and then and a summary at the end; nil is quiet.
	Progress io.Writer
}

// Result says what was generated and how fast.
type Result struct {
	Articles, Replies int
	Staff             int
	ArticleTime       time.Duration
	ReplyTime         time.Duration
}

// RepliesPerSecond is the rate at which replies were written.
func (r Result) RepliesPerSecond() float64 {
	if r.ReplyTime <= 0 {
		return 0
	}
	return float64(r.Replies) / r.ReplyTime.Seconds()
}

// Run generates content into st, whose keys must be in use. Articles are written
// first, then replies, in transactions of opts.Batch rows; if it fails or ctx ends,
// the batches already committed stay. Run it while no server writes to the database.
func Run(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	var res Result
	if opts.Articles < 0 || opts.Replies < 0 {
		return res, errors.New("the numbers of articles and replies cannot be negative")
	}
	if opts.Replies > 0 && opts.Articles == 0 {
		return res, errors.New("replies need articles: ask for at least one article")
	}
	if opts.ClientHash == nil {
		return res, errors.New("seed: Options.ClientHash is required")
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	g := &generator{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), clientHash: opts.ClientHash}
	if err := g.addStaff(ctx, st); err != nil {
		return res, err
	}
	res.Staff = len(g.authors) + len(g.reviewers) + 1

	var replyStart time.Time
	err := BulkLoad(ctx, st, opts.Batch, func(b *Bulk) error {
		articleID, commentID, err := b.NextIDs(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := g.writeArticles(ctx, b, articleID, opts.Articles, progress); err != nil {
			return err
		}
		res.Articles = opts.Articles
		res.ArticleTime = time.Since(start)
		fmt.Fprintf(progress, "articles: %d in %.1f s\n", res.Articles, res.ArticleTime.Seconds())

		replyStart = time.Now()
		res.Replies, err = g.writeReplies(ctx, b, commentID, opts.Replies, replyStart, progress)
		return err
	})
	// The replies' time includes the last commit.
	res.ReplyTime = time.Since(replyStart)
	if err != nil {
		return res, err
	}
	if res.Replies > 0 {
		fmt.Fprintf(progress, "replies: %d in %.1f s (%.0f replies/s)\n", res.Replies, res.ReplyTime.Seconds(), res.RepliesPerSecond())
	}
	return res, nil
}

// generator holds the random source and what earlier steps made.
type generator struct {
	r          *rand.Rand
	clientHash func(netip.Addr) string

	authors   []model.User
	reviewers []model.User
	moderator model.User

	articles []articleInfo // those that take replies
	people   []person
	regulars int // people[:regulars] comment far more often than the rest
}

// articleInfo is what replies need to know about their article.
type articleInfo struct {
	id        int64
	published time.Time
	topic     *topic
}

// person is a reader who leaves replies.
type person struct {
	name, email, website, userAgent string
	clientHash, clientPrefix        string
}

func (g *generator) pick(list []string) string {
	return list[g.r.IntN(len(list))]
}

// addStaff creates the authors, reviewers and moderator named on the content, each
// with their profile address, as an account made on the site has it (else the next
// start would give them one, moving the page version of every article they signed).
// They have no password, so nobody can sign in as them.
func (g *generator) addStaff(ctx context.Context, st *store.Store) error {
	add := func(role model.Role, credentials string) (model.User, error) {
		u := model.User{Name: g.pick(firstNames) + " " + g.pick(lastNames), Role: role, Credentials: credentials}
		if role == model.RoleReviewer {
			u.Name = "Dr. " + u.Name
		}
		slug, err := accounts.FreeSlug(ctx, st, u.Name, 0)
		if err != nil {
			return u, err
		}
		u.Slug = slug
		return u, st.CreateUser(ctx, &u)
	}
	for range 6 {
		u, err := add(model.RoleAuthor, "health writer")
		if err != nil {
			return err
		}
		g.authors = append(g.authors, u)
	}
	for range 3 {
		u, err := add(model.RoleReviewer, g.pick(staffCredentials))
		if err != nil {
			return err
		}
		g.reviewers = append(g.reviewers, u)
	}
	var err error
	g.moderator, err = add(model.RoleModerator, "")
	return err
}

// writeArticles writes n articles numbered from firstID.
func (g *generator) writeArticles(ctx context.Context, b *Bulk, firstID int64, n int, progress io.Writer) error {
	slugs := make(map[string]bool, n)
	step := max(n/10, 10_000)
	var text strings.Builder
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, t := g.article(&text, i == 0)
		a.ID = firstID + int64(i)
		base := a.Slug
		for k := 2; ; k++ {
			if !slugs[a.Slug] {
				taken, err := b.SlugTaken(ctx, a.Slug)
				if err != nil {
					return err
				}
				if !taken {
					break
				}
			}
			a.Slug = base + "-" + strconv.Itoa(k)
		}
		slugs[a.Slug] = true
		if err := b.AddArticle(ctx, a); err != nil {
			return fmt.Errorf("article %d: %w", a.ID, err)
		}
		if a.Status == model.ArticlePublished || a.Status == model.ArticleArchived {
			g.articles = append(g.articles, articleInfo{id: a.ID, published: *a.PublishedAt, topic: t})
		}
		if (i+1)%step == 0 && i+1 < n {
			fmt.Fprintf(progress, "articles: %d/%d\n", i+1, n)
		}
	}
	return nil
}

// article makes one article; the first of a run is always published, so that there
// is something to reply to.
func (g *generator) article(text *strings.Builder, first bool) (*model.Article, *topic) {
	r := g.r
	t := &topics[r.IntN(len(topics))]
	title := g.expand(text, g.pick(titleTemplates), t)
	published := Until.Add(-time.Duration(r.Int64N(int64(history)))).Truncate(time.Minute)
	a := &model.Article{
		Slug:         slugify(title),
		Title:        title,
		Summary:      g.expand(text, g.pick(summaryTemplates), t),
		Status:       model.ArticlePublished,
		AuthorID:     g.authors[r.IntN(len(g.authors))].ID,
		CommentsOpen: r.IntN(100) < 95,
		CreatedAt:    published.Add(-time.Duration(1+r.IntN(30)) * 24 * time.Hour),
	}
	switch p := r.IntN(100); {
	case first || p < 94:
	case p < 96:
		a.Status = model.ArticleDraft
	case p < 97:
		a.Status = model.ArticleInReview
	default:
		a.Status = model.ArticleArchived
	}
	if a.Status == model.ArticlePublished || a.Status == model.ArticleArchived {
		a.PublishedAt = &published
		a.UpdatedAt = published
		if r.IntN(100) < 20 {
			a.UpdatedAt = published.Add(time.Duration(1+r.IntN(400)) * 24 * time.Hour)
			if a.UpdatedAt.After(Until) {
				a.UpdatedAt = Until
			}
			if r.IntN(100) < 15 {
				a.CorrectionNote = "Corrected the advice on " + g.pick(t.treatments) + "."
			}
		}
	} else {
		a.UpdatedAt = a.CreatedAt.Add(time.Duration(r.IntN(48)) * time.Hour)
	}
	if r.IntN(100) < 70 {
		rev := g.reviewers[r.IntN(len(g.reviewers))]
		reviewed := a.CreatedAt.Add(time.Duration(r.IntN(72)) * time.Hour)
		next := reviewed.AddDate(1, 0, 0)
		a.ReviewerName, a.ReviewerCredentials, a.ReviewerID = rev.Name, rev.Credentials, &rev.ID
		a.ReviewedAt, a.NextReviewAt = &reviewed, &next
	}
	a.References = g.references(t)
	a.BodyMarkdown = g.body(text, t, len(a.References))
	a.Tags = g.tags(t)
	return a, t
}

// body writes a Markdown article: an introduction, then three to six sections of
// paragraphs or lists, citing the references by number.
func (g *generator) body(text *strings.Builder, t *topic, refs int) string {
	r := g.r
	text.Reset()
	w := text
	var scratch strings.Builder
	sentence := func(tmpl string) {
		s := g.expand(&scratch, tmpl, t)
		if refs > 0 && r.IntN(6) == 0 && strings.HasSuffix(s, ".") {
			// Cite before the final full stop: "… the diagnosis [2]."
			s = s[:len(s)-1] + " [" + strconv.Itoa(1+r.IntN(refs)) + "]."
		}
		w.WriteString(s)
	}
	paragraph := func(pool []string, n int) {
		for i, k := range g.distinct(len(pool), n) {
			if i > 0 {
				w.WriteByte(' ')
			}
			sentence(pool[k])
		}
		w.WriteString("\n\n")
	}
	paragraph(introTemplates, 2+r.IntN(3))
	sections := g.distinct(len(sectionHeadings), 3+r.IntN(4))
	slices.Sort(sections)
	for _, s := range sections {
		w.WriteString("## ")
		g.expandTo(w, sectionHeadings[s], t)
		w.WriteString("\n\n")
		switch heading := sectionHeadings[s]; {
		case heading == "Common causes" || heading == "Symptoms to look out for":
			list, lead := t.triggers, "Common triggers include:"
			if heading != "Common causes" {
				list, lead = t.symptoms, "Typical signs are:"
			}
			w.WriteString(lead + "\n\n")
			for i, item := range list {
				w.WriteString("- **" + item + "**")
				if i < len(list)-1 {
					w.WriteString(";\n")
				} else {
					w.WriteString(".\n\n")
				}
			}
			if r.IntN(2) == 0 {
				paragraph(sentences, 2+r.IntN(2))
			}
		default:
			for range 1 + r.IntN(3) {
				paragraph(sentences, 2+r.IntN(4))
			}
		}
	}
	return strings.TrimRight(w.String(), "\n") + "\n"
}

// references lists two to six sources, now and then with one listed twice: the kind
// of slip the editor is there to catch.
func (g *generator) references(t *topic) []model.Reference {
	r := g.r
	slug := slugify(t.name)
	var refs []model.Reference
	for _, k := range g.distinct(len(publishers)+len(journals), 2+r.IntN(5)) {
		var ref model.Reference
		title := g.expand(nil, g.pick(referenceTitles), t)
		if k < len(publishers) {
			p := publishers[k]
			ref = model.Reference{Title: title, URL: strings.ReplaceAll(p.url, "{s}", slug), Publisher: p.name}
		} else {
			j := journals[k-len(publishers)]
			doi := j.doiPrefix + strconv.Itoa(100000+r.IntN(900000))
			ref = model.Reference{Title: title, URL: "https://doi.org/" + doi, Publisher: j.name, DOI: doi,
				PMID: strconv.Itoa(20000000 + r.IntN(19000000))}
		}
		refs = append(refs, ref)
	}
	if len(refs) < 6 && r.IntN(100) < 3 {
		refs = append(refs, refs[r.IntN(len(refs))])
	}
	return refs
}

// tags gives one to three tags: the topic's own, perhaps a general one.
func (g *generator) tags(t *topic) []model.Tag {
	r := g.r
	n := 1 + r.IntN(min(3, len(t.tags)))
	slugs := append([]string(nil), t.tags[:n]...)
	if n < 3 && r.IntN(3) == 0 {
		if extra := g.pick(generalTags); !slices.Contains(slugs, extra) {
			slugs = append(slugs, extra)
		}
	}
	tags := make([]model.Tag, len(slugs))
	for i, s := range slugs {
		tags[i] = model.Tag{Slug: s, Name: tagNames[s]}
	}
	return tags
}

// distinct returns k different numbers below n (all of them if k ≥ n), in random
// order.
func (g *generator) distinct(n, k int) []int {
	k = min(k, n)
	out := make([]int, 0, k)
	for len(out) < k {
		if v := g.r.IntN(n); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// expand fills a template's placeholders; text is scratch space (nil for a new one).
func (g *generator) expand(text *strings.Builder, tmpl string, t *topic) string {
	var local strings.Builder
	if text == nil {
		text = &local
	}
	text.Reset()
	g.expandTo(text, tmpl, t)
	return text.String()
}

// expandTo writes tmpl to w with each {placeholder} replaced by a pick for topic t.
// A capitalised placeholder ({Trig}) gives a capitalised word.
func (g *generator) expandTo(w *strings.Builder, tmpl string, t *topic) {
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			w.WriteString(tmpl)
			return
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			w.WriteString(tmpl)
			return
		}
		w.WriteString(tmpl[:open])
		key := tmpl[open+1 : open+end]
		tmpl = tmpl[open+end+1:]
		var v string
		switch strings.ToLower(key) {
		case "c":
			v = t.lower
			if key == "C" {
				v = t.name
			}
		case "part":
			v = t.part
		case "spec":
			v = t.specialist
		case "sym":
			v = g.pick(t.symptoms)
		case "trig":
			v = g.pick(t.triggers)
		case "treat":
			v = g.pick(t.treatments)
		case "test":
			v = g.pick(t.tests)
		case "pct":
			v = strconv.Itoa(5 * (2 + g.r.IntN(15)))
		case "q":
			v = g.pick(audiences)
		case "n":
			v = strconv.Itoa(3 + g.r.IntN(8))
		case "who":
			v = g.pick(who)
		case "dur":
			v = g.pick(durations)
		case "age":
			v = g.pick(ages)
		case "url":
			v = "https://" + g.pick([]string{"cheap-meds", "best-deals", "win-big", "top-seo"}) + strconv.Itoa(g.r.IntN(1000)) + ".example"
		default:
			v = "{" + key + "}"
		}
		if key != "C" && key[0] >= 'A' && key[0] <= 'Z' {
			v = capitalise(v)
		}
		w.WriteString(v)
	}
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// slugify makes an address from a title: lower-case letters and digits joined by
// hyphens.
func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(title) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
		case c == '\'' || c == '’':
		default:
			dash = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	return b.String()
}

// replyBatchSize is how many generated replies travel to the writer at once.
const replyBatchSize = 2048

// writeReplies writes n replies numbered from firstID, spread over the articles that
// take them. They are generated on another goroutine while the writer writes, and
// returns how many were written.
func (g *generator) writeReplies(ctx context.Context, b *Bulk, firstID int64, n int, start time.Time, progress io.Writer) (int, error) {
	if n == 0 {
		return 0, nil
	}
	g.addPeople(n)
	counts := g.replyCounts(n)
	// Adding more replies than there are, it is faster to build the indexes at the
	// end than to keep them up to date (see Bulk.DeferReplyIndexes).
	deferIndexes := int64(n) > firstID-1
	if deferIndexes {
		if err := b.DeferReplyIndexes(ctx); err != nil {
			return 0, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []model.Comment, 4)
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		genErr <- g.generateReplies(ctx, firstID, counts, batches)
	}()
	written := 0
	step := max(n/10, DefaultBatch)
	for batch := range batches {
		for i := range batch {
			if err := b.AddComment(ctx, &batch[i]); err != nil {
				cancel()
				for range batches {
				}
				return written, fmt.Errorf("reply %d: %w", batch[i].ID, err)
			}
			written++
			if written%step == 0 && written < n {
				elapsed := time.Since(start).Seconds()
				fmt.Fprintf(progress, "replies: %d/%d (%.0f replies/s)\n", written, n, float64(written)/elapsed)
			}
		}
	}
	if err := <-genErr; err != nil {
		return written, err
	}
	if deferIndexes {
		fmt.Fprintf(progress, "replies: %d written in %.1f s; building their indexes\n", written, time.Since(start).Seconds())
		built := time.Now()
		if err := b.BuildDeferredIndexes(ctx); err != nil {
			return written, err
		}
		fmt.Fprintf(progress, "replies: indexes built in %.1f s\n", time.Since(built).Seconds())
	}
	return written, nil
}

// addPeople makes the crowd of readers who reply: about one person for every six
// replies; the first few percent are regulars.
func (g *generator) addPeople(replies int) {
	r := g.r
	n := min(max(replies/6, 50), 200_000)
	g.people = make([]person, n)
	for i := range g.people {
		first, last := g.pick(firstNames), g.pick(lastNames)
		p := &g.people[i]
		switch r.IntN(4) {
		case 0:
			p.name = first + " " + last
		case 1:
			p.name = first + " " + last[:1] + "."
		case 2:
			p.name = first
		default:
			p.name = strings.ToLower(first) + "_" + strings.ToLower(last[:3]) + strconv.Itoa(r.IntN(100))
		}
		// The number makes each email unique to its person.
		p.email = strings.ToLower(first) + "." + strings.ToLower(last) + strconv.Itoa(i) + "@" + g.pick(emailDomains)
		if r.IntN(4) == 0 {
			p.website = "https://" + strings.ToLower(first) + "-" + strings.ToLower(last) + ".example.net/"
		}
		p.userAgent = g.pick(userAgents)
		var addr netip.Addr
		if r.IntN(5) == 0 {
			var b [16]byte
			b[0], b[1] = 0x2a, byte(r.IntN(256))
			for k := 2; k < 16; k++ {
				b[k] = byte(r.IntN(256))
			}
			addr = netip.AddrFrom16(b)
		} else {
			addr = netip.AddrFrom4([4]byte{byte(1 + r.IntN(223)), byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
		}
		p.clientHash, p.clientPrefix = g.clientHash(addr), prefix(addr)
	}
	g.regulars = max(1, n/50)
}

// prefix is the anonymised network of addr shown to moderators (/24 or /48).
func prefix(addr netip.Addr) string {
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// replyCounts shares n replies among the articles that take them, skewed as real
// sites are: a log-normal weight per article gives most a few replies and some many
// hundreds.
func (g *generator) replyCounts(n int) []int {
	weights := make([]float64, len(g.articles))
	total := 0.0
	for i := range weights {
		weights[i] = math.Exp(1.3 * g.r.NormFloat64())
		total += weights[i]
	}
	counts := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		counts[i] = int(float64(n) * w / total)
		given += counts[i]
	}
	for given < n {
		counts[g.r.IntN(len(counts))]++
		given++
	}
	return counts
}

// generateReplies makes the replies of each article in turn, oldest first, and sends
// them in batches.
func (g *generator) generateReplies(ctx context.Context, firstID int64, counts []int, out chan<- []model.Comment) error {
	r := g.r
	id := firstID
	batch := make([]model.Comment, 0, replyBatchSize)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]model.Comment, 0, replyBatchSize)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var text strings.Builder
	var times []time.Time
	var approved []int64 // this article's approved replies so far, oldest first
	for i, a := range g.articles {
		k := counts[i]
		if k == 0 {
			continue
		}
		t := a.topic
		// Most replies come in the days after publication, a long tail later.
		span := Until.Sub(a.published)
		times = times[:0]
		for range k {
			u := r.Float64()
			times = append(times, a.published.Add(5*time.Minute+time.Duration(u*u*u*float64(span))).Truncate(time.Second))
		}
		slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
		approved = approved[:0]
		for _, at := range times {
			c := g.reply(&text, t, a.id, at, approved)
			c.ID = id
			id++
			if c.Status == model.CommentApproved {
				approved = append(approved, c.ID)
			}
			batch = append(batch, c)
			if len(batch) == replyBatchSize {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// reply makes one reply to article at the given time; approved lists the article's
// approved replies so far, which it may answer.
func (g *generator) reply(text *strings.Builder, t *topic, article int64, at time.Time, approved []int64) model.Comment {
	r := g.r
	c := model.Comment{ArticleID: article, CreatedAt: at, UpdatedAt: at, Status: model.CommentApproved}
	switch p := r.IntN(100); {
	case p < 86:
	case p < 93:
		c.Status, c.HeldReason = model.CommentPending, g.pick(heldReasons)
	case p < 98:
		c.Status, c.HeldReason = model.CommentSpam, g.pick(spamReasons)
	default:
		c.Status, c.PreviousStatus = model.CommentTrash, model.CommentApproved
		c.UpdatedAt = at.Add(time.Duration(1+r.IntN(72)) * time.Hour)
	}
	if c.Status == model.CommentSpam {
		name := g.pick(spamNames)
		c.AuthorName, c.AuthorEmail = name, "promo"+strconv.Itoa(r.IntN(1_000_000))+"@spam.example"
		c.AuthorURL = "https://" + slugify(name) + ".example/"
		c.Body = g.expand(text, g.pick(spamBodies), t)
		c.UserAgent = g.pick(userAgents)
		c.ClientPrefix = "198.51.100.0/24"
		c.ClientHash = g.clientHash(netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + r.IntN(254))}))
		return c
	}
	// Now and then the moderator answers a reader; otherwise a reader writes, often a
	// regular, sometimes in answer to an earlier reply.
	if len(approved) > 0 && c.Status == model.CommentApproved && r.IntN(100) < 2 {
		parent := approved[len(approved)-1-r.IntN(min(len(approved), 5))]
		c.ParentID, c.UserID = &parent, &g.moderator.ID
		c.AuthorName = g.moderator.Name
		c.Body = "Thank you for sharing this. " + g.expand(text, "Please see a {spec} if it does not settle, and keep a note of when it happens.", t)
		return c
	}
	p := &g.people[r.IntN(len(g.people))]
	if r.IntN(10) < 3 {
		p = &g.people[r.IntN(g.regulars)]
	}
	c.AuthorName, c.AuthorEmail, c.AuthorURL = p.name, p.email, p.website
	c.UserAgent, c.ClientHash, c.ClientPrefix = p.userAgent, p.clientHash, p.clientPrefix
	if len(approved) > 0 && r.IntN(100) < 30 {
		// Most answers are to one of the latest replies.
		parent := approved[len(approved)-1-r.IntN(min(len(approved), 8))]
		c.ParentID = &parent
	}
	text.Reset()
	if opener := g.pick(replyOpeners); opener != "" {
		text.WriteString(opener)
		text.WriteByte(' ')
	}
	for i, k := range g.distinct(len(replySentences), 1+r.IntN(4)) {
		if i > 0 {
			if r.IntN(6) == 0 {
				text.WriteString("\n\n")
			} else {
				text.WriteByte(' ')
			}
		}
		g.expandTo(text, replySentences[k], t)
	}
	if c.HeldReason == "has 2 links" {
		text.WriteString("\n\nMore here: https://www.example.org/forum/" + strconv.Itoa(r.IntN(10000)) + " and https://www.example.com/blog")
	}
	c.Body = text.String()
	return c
}
