package moderation

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/fascicle/fascicle/internal/model"
)

// Readers of a health site act on what other readers write. A reply that tells a
// dose or names a medicine is held for a moderator to read first (the policy's
// HoldMedical), whatever the other rules say, and so is a reply that links outside
// the sites the policy trusts (LinkDomains). The reason names what was found, so the
// moderator sees it at once.

// dosePattern finds a dose: a number (500, 0.5, 1,000, 2 x 200) and a unit of dose,
// in the common spellings, standing as words of their own ("in 2019" or "5 km" are
// not doses). A lone g must be lower-case, so that "4G" is not a dose of grams.
var dosePattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}.,])((?:\d+\s*[x×]\s*)?\d+(?:[.,]\d+)*\s*-?\s*(?:(?i:` +
	`mg|milligrams?|mcg|µg|μg|ug|micrograms?|grams?|gm|ml|millilit(?:er|re)s?|cc|iu|i\.u\.|units?|` +
	`tablets?|tabs?|pills?|capsules?|caps|drops?|puffs?|sprays?|sachets?|teaspoons?|tsp|tablespoons?|tbsp|doses?` +
	`)|g))(?:[^\p{L}\p{N}]|$)`)

// DoseIn returns the first dose mentioned in text, as written, or "".
func DoseIn(text string) string {
	m := dosePattern.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(m[1]), " ")
}

// MedicineIn returns the first of medicines (lower-case names) that text names as a
// word, or "".
func MedicineIn(text string, medicines []string) string {
	if len(medicines) == 0 {
		return ""
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r == '-' || ('a' <= r && r <= 'z') || r > 0x7f || ('0' <= r && r <= '9'))
	})
	known := make(map[string]bool, len(medicines))
	for _, m := range medicines {
		known[m] = true
	}
	for _, w := range words {
		if known[w] {
			return w
		}
		// Plurals and possessives: "statins", "ibuprofen's" (the apostrophe split it).
		if s := strings.TrimSuffix(w, "s"); s != w && known[s] {
			return s
		}
	}
	return ""
}

// medicalReason returns why the policy holds c for what it says of doses or
// medicines, or "".
func medicalReason(p *model.Policy, c *model.Comment) string {
	if !p.HoldMedical {
		return ""
	}
	if dose := DoseIn(c.Body); dose != "" {
		return "mentions a dose: " + dose
	}
	if name := MedicineIn(c.Body, p.Medicines); name != "" {
		return "names a medicine: " + name
	}
	return ""
}

var linkHostPattern = regexp.MustCompile(`(?i)(?:https?://|www\.)([^\s/?#<>"'()\[\]]+)`)

// LinkedDomainOutside returns the first site c's text links to that is not one of
// domains or below one, or "".
func LinkedDomainOutside(text string, domains []string) string {
	for _, m := range linkHostPattern.FindAllStringSubmatch(text, -1) {
		host := strings.ToLower(m[1])
		if strings.HasPrefix(strings.ToLower(m[0]), "www.") {
			host = "www." + host
		}
		if u, err := url.Parse("http://" + host); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "www."), ".")
		allowed := false
		for _, d := range domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				allowed = true
				break
			}
		}
		if !allowed {
			return host
		}
	}
	return ""
}

// linkDomainReason returns why the policy holds c for linking outside its trusted
// sites, or "".
func linkDomainReason(p *model.Policy, c *model.Comment) string {
	if len(p.LinkDomains) == 0 {
		return ""
	}
	if host := LinkedDomainOutside(c.Body, p.LinkDomains); host != "" {
		return fmt.Sprintf("links to %s, which is not on the list of trusted sites", host)
	}
	return ""
}

// reasonPrefixes begin the reasons whose rule names what it found in the text.
var reasonPrefixes = []string{"mentions a dose: ", "names a medicine: "}

// FoundIn returns the words of a reply's text that its held reason names (the dose,
// the medicine, the hold or spam word), for the queue to mark them; "" for a reason
// that names none.
func FoundIn(reason string) string {
	for _, p := range reasonPrefixes {
		if found, ok := strings.CutPrefix(reason, p); ok {
			return found
		}
	}
	if _, quoted, ok := strings.Cut(reason, "word “"); ok {
		found, _, _ := strings.Cut(quoted, "”")
		return found
	}
	return ""
}
