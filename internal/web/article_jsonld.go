package web

import (
	"encoding/json"
	"html/template"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

// medicalWebPage is the schema.org description of an article page that search
// engines read: who wrote it, who reviewed it medically and when, and its sources.
type medicalWebPage struct {
	Context       string         `json:"@context"`
	Type          string         `json:"@type"`
	URL           string         `json:"url"`
	Headline      string         `json:"headline"`
	Description   string         `json:"description,omitempty"`
	Author        *schemaPerson  `json:"author,omitempty"` // none on a page, which speaks for the site
	Publisher     schemaOrg      `json:"publisher"`
	DatePublished string         `json:"datePublished,omitempty"`
	DateModified  string         `json:"dateModified"`
	ReviewedBy    *schemaPerson  `json:"reviewedBy,omitempty"`
	LastReviewed  string         `json:"lastReviewed,omitempty"`
	Keywords      string         `json:"keywords,omitempty"`
	Citation      []creativeWork `json:"citation,omitempty"`
}

type schemaPerson struct {
	Type     string `json:"@type"`
	Name     string `json:"name"`
	JobTitle string `json:"jobTitle,omitempty"` // the credentials shown beside the name, e.g. "MD, neurologist"
	URL      string `json:"url,omitempty"`      // the public profile, absolute; only when public
}

type schemaOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type creativeWork struct {
	Type       string          `json:"@type"`
	Name       string          `json:"name"`
	URL        string          `json:"url"`
	Publisher  *schemaOrg      `json:"publisher,omitempty"`
	Identifier []propertyValue `json:"identifier,omitempty"`
}

// propertyValue names a source in a catalogue: its DOI or PubMed ID.
type propertyValue struct {
	Type       string `json:"@type"`
	PropertyID string `json:"propertyID"`
	Value      string `json:"value"`
}

// articleJSONLD describes an article as a schema.org MedicalWebPage (a page as a
// WebPage, without an author), for the page's
// <script type="application/ld+json"> block. html/template treats that block as
// script and copies a template.JS into it as it is, so the value must be safe there:
// encoding/json writes <, > and & as \u003c, \u003e and \u0026, so no text of the
// article can close the element ("</script>") or open a comment ("<!--").
func (s *Server) articleJSONLD(a *model.Article, pageURL string) (template.JS, error) {
	page := medicalWebPage{
		Context:      "https://schema.org",
		Type:         "MedicalWebPage",
		URL:          pageURL,
		Headline:     a.Title,
		Description:  a.Summary,
		Publisher:    schemaOrg{Type: "Organization", Name: s.siteName},
		DateModified: a.UpdatedAt.UTC().Format(time.RFC3339),
	}
	if a.IsPage() {
		page.Type = "WebPage"
	} else {
		page.Author = &schemaPerson{Type: "Person", Name: a.Author.Name, JobTitle: a.Author.Credentials, URL: s.absoluteURL(a.Author.ProfileURL())}
	}
	if a.PublishedAt != nil {
		page.DatePublished = a.PublishedAt.UTC().Format(time.RFC3339)
	}
	if a.Reviewed() {
		page.ReviewedBy = &schemaPerson{Type: "Person", Name: a.ReviewerName, JobTitle: a.ReviewerCredentials}
		if a.Reviewer != nil {
			page.ReviewedBy.URL = s.absoluteURL(a.Reviewer.ProfileURL())
		}
		page.LastReviewed = a.ReviewedAt.UTC().Format(time.DateOnly)
	}
	names := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		names[i] = t.Name
	}
	page.Keywords = strings.Join(names, ", ")
	for _, r := range a.References {
		work := creativeWork{Type: "CreativeWork", Name: r.Title, URL: r.URL}
		if r.Publisher != "" {
			work.Publisher = &schemaOrg{Type: "Organization", Name: r.Publisher}
		}
		if r.DOI != "" {
			work.Identifier = append(work.Identifier, propertyValue{Type: "PropertyValue", PropertyID: "DOI", Value: r.DOI})
		}
		if r.PMID != "" {
			work.Identifier = append(work.Identifier, propertyValue{Type: "PropertyValue", PropertyID: "PMID", Value: r.PMID})
		}
		page.Citation = append(page.Citation, work)
	}
	data, err := json.Marshal(page) // json.Marshal escapes <, > and &: see above
	if err != nil {
		return "", err
	}
	return template.JS(data), nil
}

// absoluteURL makes a site address absolute with the site's public URL; "" stays "".
func (s *Server) absoluteURL(path string) string {
	if path == "" {
		return ""
	}
	return s.publicURL + path
}
