package model

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Errors of articles: the two of saving one wrap ErrConflict.
var (
	// ErrStaleVersion means someone else saved the article after the editor was opened.
	ErrStaleVersion = fmt.Errorf("%w: the article was changed by someone else", ErrConflict)
	// ErrSlugTaken means another article already has (or had) the address.
	ErrSlugTaken = fmt.Errorf("%w: the address is taken", ErrConflict)
	// ErrTransition means the article cannot go from its status to the one asked.
	ErrTransition = errors.New("this change of status is not possible")
)

// Limits of an article's fields.
const (
	MaxTitle       = 200
	MaxSlug        = 100
	MaxSummary     = 500
	MaxBody        = 200_000
	MaxReferences  = 100
	MaxTags        = 10
	MaxTagName     = 50
	MaxCorrection  = 300
	MaxRefTitle    = 500
	MaxRefURL      = 2000
	MaxRefPubliser = 200
	// ReviewInterval is how long a medical review stays current by default.
	ReviewInterval = 12 // months
)

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	doiPattern  = regexp.MustCompile(`^10\.\d{4,9}/\S+$`)
	pmidPattern = regexp.MustCompile(`^\d{1,9}$`)
)

// Slugify makes an address from a title: lower-case ASCII letters and digits joined by
// hyphens, accents removed ("Über Myoklonus" → "uber-myoklonus").
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // accents left by the decomposition
		default:
			dash = true
		}
		if b.Len() >= MaxSlug-10 {
			break
		}
	}
	return b.String()
}

// ValidSlug reports whether s is an address Slugify could have made: lower-case ASCII
// letters and digits joined by single hyphens, at most MaxSlug bytes.
func ValidSlug(s string) bool {
	return len(s) <= MaxSlug && slugPattern.MatchString(s)
}

// Validate checks an article before it is saved: required fields, lengths, the address,
// and the references, where a repeated address or title is refused (a list copied
// together easily names a source twice).
func (a *Article) Validate() error {
	var v ValidationError
	text := func(field, label, value string, max int, required bool) {
		switch {
		case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
			v.Add(field, label+" contains characters that cannot be saved.")
		case required && strings.TrimSpace(value) == "":
			v.Add(field, label+" is required.")
		case len(value) > max:
			v.Add(field, fmt.Sprintf("%s is too long: at most %d bytes, and this has %d.", label, max, len(value)))
		}
	}
	text("title", "Title", a.Title, MaxTitle, true)
	text("summary", "Summary", a.Summary, MaxSummary, false)
	text("body", "Body", a.BodyMarkdown, MaxBody, false)
	text("correction_note", "Correction note", a.CorrectionNote, MaxCorrection, false)
	switch {
	case a.Slug == "":
		v.Add("slug", "Address is required: lower-case letters, digits and hyphens.")
	case len(a.Slug) > MaxSlug || !slugPattern.MatchString(a.Slug):
		v.Add("slug", "Use only lower-case letters, digits and single hyphens, such as muscle-twitches.")
	}
	if strings.ContainsAny(a.CorrectionNote, "\r\n") {
		v.Add("correction_note", "The correction note must be one line.")
	}
	if len(a.Tags) > MaxTags {
		v.Add("tags", fmt.Sprintf("At most %d tags.", MaxTags))
	}
	for _, t := range a.Tags {
		if !savableText(t.Name) {
			v.Add("tags", "Tags contain characters that cannot be saved.")
		}
		if t.Slug == "" || len(t.Name) > MaxTagName {
			v.Add("tags", fmt.Sprintf("Each tag needs a Latin letter or a digit, from which its address is made (a tag written only in another script has none), and at most %d characters.", MaxTagName))
		}
	}
	if msg := ReferencesProblem(a.References); msg != "" {
		v.Add("references", msg)
	}
	a.validateKind(&v)
	return v.Err()
}

// ReferencesProblem returns what is wrong with a list of references, or "".
func ReferencesProblem(refs []Reference) string {
	if len(refs) > MaxReferences {
		return fmt.Sprintf("At most %d references.", MaxReferences)
	}
	var problems []string
	seenURL := map[string]int{}
	seenTitle := map[string]int{}
	for i, r := range refs {
		n := i + 1
		switch {
		case !savableText(r.Title) || !savableText(r.URL) || !savableText(r.Publisher) || !savableText(r.DOI) || !savableText(r.PMID):
			problems = append(problems, fmt.Sprintf("Reference %d contains characters that cannot be saved.", n))
		case strings.TrimSpace(r.Title) == "":
			problems = append(problems, fmt.Sprintf("Reference %d needs a title.", n))
		case len(r.Title) > MaxRefTitle || len(r.Publisher) > MaxRefPubliser:
			problems = append(problems, fmt.Sprintf("Reference %d is too long.", n))
		}
		if len(r.URL) > MaxRefURL || !ValidWebURL(r.URL) {
			problems = append(problems, fmt.Sprintf("Reference %d needs a web address starting with http:// or https://.", n))
		}
		if r.DOI != "" && !doiPattern.MatchString(r.DOI) {
			problems = append(problems, fmt.Sprintf("Reference %d: a DOI looks like 10.1000/xyz123.", n))
		}
		if r.PMID != "" && !pmidPattern.MatchString(r.PMID) {
			problems = append(problems, fmt.Sprintf("Reference %d: a PubMed ID is a number.", n))
		}
		if key := normalURL(r.URL); key != "" {
			if first, dup := seenURL[key]; dup {
				problems = append(problems, fmt.Sprintf("Reference %d repeats the address of reference %d.", n, first))
			} else {
				seenURL[key] = n
			}
		}
		if key := strings.ToLower(strings.Join(strings.Fields(r.Title), " ")); key != "" {
			if first, dup := seenTitle[key]; dup {
				problems = append(problems, fmt.Sprintf("Reference %d repeats the title of reference %d.", n, first))
			} else {
				seenTitle[key] = n
			}
		}
	}
	return strings.Join(problems, " ")
}

// savableText reports whether s is valid UTF-8 without NUL: text that every database
// stores as it is, rather than refusing or silently changing it.
func savableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// normalURL compares addresses as a reader would: scheme, host case and a final slash
// do not make two sources different.
func normalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}

// ParseTags turns "Neurology, muscle health" into tags, dropping repeats.
func ParseTags(text string) []Tag {
	var tags []Tag
	seen := map[string]bool{}
	for _, part := range strings.Split(text, ",") {
		name := strings.Join(strings.Fields(part), " ")
		if name == "" {
			continue
		}
		slug := Slugify(name)
		if !seen[slug] || slug == "" {
			seen[slug] = true
			tags = append(tags, Tag{Slug: slug, Name: name})
		}
	}
	return tags
}

// Transition is a change of an article's status that a person can ask for.
type Transition struct {
	Action string // the button's name, e.g. "publish"
	Label  string
	From   []ArticleStatus
	To     ArticleStatus // "" for a pending change's discard: the change is gone
	// NeedsReview means the article must have been medically reviewed, unless the
	// site allows publishing without a review. An overdue review does not block it.
	NeedsReview bool
}

// Transitions is the workflow: which status each action leads from and to. Who may
// ask for them is decided by CanTakeTransition.
var Transitions = []Transition{
	{Action: "submit", Label: "Send for medical review", From: []ArticleStatus{ArticleDraft}, To: ArticleInReview},
	{Action: "withdraw", Label: "Back to draft", From: []ArticleStatus{ArticleInReview, ArticleScheduled, ArticlePublished, ArticleArchived}, To: ArticleDraft},
	{Action: "publish", Label: "Publish now", From: []ArticleStatus{ArticleDraft, ArticleInReview, ArticleScheduled, ArticleArchived}, To: ArticlePublished, NeedsReview: true},
	{Action: "schedule", Label: "Schedule", From: []ArticleStatus{ArticleDraft, ArticleInReview}, To: ArticleScheduled, NeedsReview: true},
	{Action: "archive", Label: "Archive (take off the site)", From: []ArticleStatus{ArticlePublished}, To: ArticleArchived},
}

// ChangeTransitions is the workflow of a pending change to a published article: the
// same steps as a new article's, where publishing makes the change the live text,
// and discarding drops it.
var ChangeTransitions = []Transition{
	{Action: "submit", Label: "Send the change for medical review", From: []ArticleStatus{ArticleDraft}, To: ArticleInReview},
	{Action: "withdraw", Label: "Change back to draft", From: []ArticleStatus{ArticleInReview, ArticleScheduled}, To: ArticleDraft},
	{Action: "publish", Label: "Publish the change now", From: []ArticleStatus{ArticleDraft, ArticleInReview, ArticleScheduled}, To: ArticlePublished, NeedsReview: true},
	{Action: "schedule", Label: "Schedule the change", From: []ArticleStatus{ArticleDraft, ArticleInReview}, To: ArticleScheduled, NeedsReview: true},
	{Action: "discard", Label: "Discard the change", From: []ArticleStatus{ArticleDraft, ArticleInReview, ArticleScheduled}},
}

// TransitionFor returns the transition named action from status from.
func TransitionFor(action string, from ArticleStatus) (Transition, error) {
	return transitionIn(Transitions, action, from)
}

// ChangeTransitionFor returns the pending change's transition named action from
// status from.
func ChangeTransitionFor(action string, from ArticleStatus) (Transition, error) {
	return transitionIn(ChangeTransitions, action, from)
}

func transitionIn(list []Transition, action string, from ArticleStatus) (Transition, error) {
	for _, t := range list {
		if t.Action == action && slices.Contains(t.From, from) {
			return t, nil
		}
	}
	return Transition{}, ErrTransition
}

// AvailableTransitions lists what can be done to an article in status from.
func AvailableTransitions(from ArticleStatus) []Transition {
	return availableIn(Transitions, from)
}

// AvailableChangeTransitions lists what can be done to a pending change in status from.
func AvailableChangeTransitions(from ArticleStatus) []Transition {
	return availableIn(ChangeTransitions, from)
}

func availableIn(list []Transition, from ArticleStatus) []Transition {
	var out []Transition
	for _, t := range list {
		if slices.Contains(t.From, from) {
			out = append(out, t)
		}
	}
	return out
}

// onSite reports whether status s puts text before readers or on the way to them.
func onSite(s ArticleStatus) bool {
	return s == ArticlePublished || s == ArticleScheduled || s == ArticleArchived
}

// IsPublishing reports whether taking t from status from is publishing: it puts text
// on the site or on its schedule, or takes it off them. Only those who may publish
// (PermPublish) do it; writers send their work for review and take it back from there.
func (t Transition) IsPublishing(from ArticleStatus) bool {
	return onSite(t.To) || onSite(from)
}

// CanTakeTransition reports whether u may take transition t from status from on
// article a: they may edit it, and publishing steps need PermPublish.
func CanTakeTransition(u *User, a *Article, t Transition, from ArticleStatus) bool {
	return CanEditArticle(u, a) && (!t.IsPublishing(from) || u.Role.Can(PermPublish))
}

// CanWriteArticles reports whether u may start new articles: authors, editors and
// admins.
func CanWriteArticles(u *User) bool {
	return u != nil && u.Role.Can(PermEditOwnArticles)
}

// CanSeeAllArticles reports whether u works on every article (editors, admins and
// reviewers) rather than only their own (authors).
func CanSeeAllArticles(u *User) bool {
	return u != nil && (u.Role.Can(PermEditAllArticles) || u.Role.Can(PermReviewArticles))
}

// CanSeeArticle reports whether u may open article a in the staff pages: its author,
// and everyone who sees all articles.
func CanSeeArticle(u *User, a *Article) bool {
	return CanSeeAllArticles(u) || (u != nil && a.AuthorID == u.ID)
}

// CanReviewArticle reports whether u may record a medical review of a: reviewers and
// admins, on any article not archived that they did not write.
func CanReviewArticle(u *User, a *Article) bool {
	return u != nil && u.Role.Can(PermReviewArticles) && a.Status != ArticleArchived && a.AuthorID != u.ID
}

// CanEditArticle reports whether user may change article a (its text and status):
// editors and admins any article, authors their own, and pages only those who may
// write pages (CanWritePages).
func CanEditArticle(u *User, a *Article) bool {
	if u == nil {
		return false
	}
	if a.IsPage() {
		return CanWritePages(u)
	}
	return u.Role.Can(PermEditAllArticles) || (u.Role.Can(PermEditOwnArticles) && a.AuthorID == u.ID)
}
