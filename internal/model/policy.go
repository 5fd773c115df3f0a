package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Policy is the site's moderation policy, set by an administrator.
type Policy struct {
	HoldAll          bool     // hold every reply for a moderator
	AutoApproveKnown bool     // approve a commenter who has an approved reply with the same name and email (when HoldAll is off)
	HoldLinks        int      // hold a reply with this many links or more; 0 never holds for links
	HoldWords        []string // hold a reply that contains one of these
	SpamWords        []string // mark a reply that contains one of these as spam
	// HoldMedical holds a reply that mentions a dose ("500 mg") or names one of
	// Medicines, even when the other rules would publish it.
	HoldMedical bool
	Medicines   []string // names of medicines, lower-case, one per entry
	// LinkDomains, when not empty, holds a reply that links to a site outside these
	// domains (each also allows its subdomains).
	LinkDomains []string
	// HideAfterReports takes an approved reply off the page, back to Pending, once
	// this many readers reported it; 0 never does.
	HideAfterReports int
	CloseAfterDays   int // close replies on articles published longer ago than this; 0 never closes
	ThreadDepth      int // how deeply replies nest
	FloodSeconds     int // minimum time between two replies from one address; 0 turns flood checks off
	MinFormSeconds   int // a reply sent sooner after the page was shown is spam; 0 turns the check off
	// PublishWithoutReview lets articles go out before a medical review.
	PublishWithoutReview bool
	// How long commenters' data is kept, in days; 0 keeps it until it is deleted.
	RetainSpamDays    int    // spam and trash, counted from when the reply last changed
	RetainPendingDays int    // replies still pending that nobody has handled
	RetainClientDays  int    // the browser's user agent and the address hash and network of each reply
	ContactEmail      string // where readers ask for their data or its erasure; shown on /privacy
	// TwoStepRoles are the roles that must sign in with two steps: a person of one of
	// them without it is sent to set it up before using the staff pages.
	TwoStepRoles []Role `json:",omitempty"`
}

// Limits of the policy's numbers.
const (
	MaxRetainDays  = 3650
	MaxThreadDepth = 10
	maxWords       = 1000
	maxWordLength  = 200
)

// DefaultPolicy is the policy of a new site: every reply is held.
func DefaultPolicy() Policy {
	return Policy{HoldAll: true, HoldLinks: 2, ThreadDepth: 5, FloodSeconds: 15, MinFormSeconds: 3,
		RetainSpamDays: 30, RetainPendingDays: 90, RetainClientDays: 30,
		HoldMedical: true, Medicines: slices.Clone(DefaultMedicines), LinkDomains: slices.Clone(DefaultLinkDomains),
		HideAfterReports: 3}
}

// DefaultMedicines are common medicines a reply may name, held for a moderator to
// read before other readers act on them.
var DefaultMedicines = []string{
	"acetaminophen", "paracetamol", "ibuprofen", "naproxen", "aspirin", "diclofenac", "codeine", "tramadol",
	"oxycodone", "morphine", "gabapentin", "pregabalin", "baclofen", "cyclobenzaprine", "diazepam", "clonazepam",
	"quinine", "metformin", "insulin", "levothyroxine", "prednisone", "prednisolone", "amoxicillin", "warfarin",
	"statin", "atorvastatin", "simvastatin", "sertraline", "fluoxetine", "melatonin",
}

// DefaultLinkDomains are the public health sources a reply may link to without being
// held for it.
var DefaultLinkDomains = []string{
	"who.int", "cdc.gov", "nih.gov", "medlineplus.gov", "nhs.uk", "cochrane.org", "ema.europa.eu", "fda.gov",
	"mayoclinic.org", "clevelandclinic.org", "doi.org",
}

// Validate checks the numbers and word lists.
func (p *Policy) Validate() error {
	var v ValidationError
	if p.HoldLinks < 0 || p.HoldLinks > 100 {
		v.Add("hold_links", "Enter a number of links from 0 (never hold for links) to 100.")
	}
	if p.CloseAfterDays < 0 || p.CloseAfterDays > 36500 {
		v.Add("close_after_days", "Enter a number of days from 0 (never close) to 36500.")
	}
	if p.ThreadDepth < 1 || p.ThreadDepth > MaxThreadDepth {
		v.Add("thread_depth", fmt.Sprintf("Enter a depth from 1 (no nesting) to %d.", MaxThreadDepth))
	}
	if p.HideAfterReports < 0 || p.HideAfterReports > 100 {
		v.Add("hide_after_reports", "Enter a number of readers from 0 (never hide) to 100.")
	}
	if p.FloodSeconds < 0 || p.FloodSeconds > 3600 {
		v.Add("flood_seconds", "Enter a number of seconds from 0 (no flood check) to 3600.")
	}
	if p.MinFormSeconds < 0 || p.MinFormSeconds > 60 {
		v.Add("min_form_seconds", "Enter a number of seconds from 0 (no check) to 60.")
	}
	for field, days := range map[string]int{"retain_spam_days": p.RetainSpamDays, "retain_pending_days": p.RetainPendingDays, "retain_client_days": p.RetainClientDays} {
		if days < 0 || days > MaxRetainDays {
			v.Add(field, fmt.Sprintf("Enter a number of days from 0 (keep until deleted) to %d.", MaxRetainDays))
		}
	}
	if p.ContactEmail != "" && (len(p.ContactEmail) > MaxCommentEmail || !ValidEmail(p.ContactEmail)) {
		v.Add("contact_email", "Enter an email address like editors@example.com, or leave it empty.")
	}
	for _, r := range p.TwoStepRoles {
		if !r.Valid() {
			v.Add("two_step_roles", "Choose roles from the list.")
			break
		}
	}
	for _, d := range p.LinkDomains {
		if !domainPattern.MatchString(d) {
			v.Add("link_domains", fmt.Sprintf("“%s” is not a domain: write one per line, such as nhs.uk, without https:// or a path.", d))
			break
		}
	}
	for field, words := range map[string][]string{"hold_words": p.HoldWords, "spam_words": p.SpamWords, "medicines": p.Medicines, "link_domains": p.LinkDomains} {
		if len(words) > maxWords {
			v.Add(field, fmt.Sprintf("At most %d words or phrases.", maxWords))
		}
		for _, w := range words {
			if len(w) > maxWordLength {
				v.Add(field, fmt.Sprintf("Each line must be at most %d characters.", maxWordLength))
			}
		}
	}
	return v.Err()
}

var domainPattern = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// WordList splits text into one lower-cased word or phrase per line, dropping blanks
// and repeats.
func WordList(text string) []string {
	var words []string
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		w := strings.ToLower(strings.TrimSpace(line))
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// RepliesOpen reports whether article a takes replies at now under policy p.
// A page never takes replies.
func (p *Policy) RepliesOpen(a *Article, now time.Time) bool {
	if !a.CommentsOpen || a.IsPage() {
		return false
	}
	if p.CloseAfterDays > 0 && a.PublishedAt != nil {
		return now.Before(a.PublishedAt.AddDate(0, 0, p.CloseAfterDays))
	}
	return true
}
