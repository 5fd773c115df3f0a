package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Ensure each reference shows its DOI and PubMed ID as links to doi.org and PubMed,
// and that a DOI holding quotes and markup (which the DOI pattern allows) stays text:
// escaped in the link's text and address, and path-escaped in the address.
func TestArticle_ReferenceIdentifiers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.exec(t, `UPDATE article_references SET doi = ?, pmid = '12345678' WHERE article_id = 1 AND position = 1`,
		`10.1234/x"><script>alert(1)</script>?#%`)
	s.exec(t, `UPDATE article_references SET doi = '10.1000/abc(1)', pmid = '' WHERE article_id = 1 AND position = 2`)
	s.exec(t, `UPDATE article_references SET doi = '', pmid = '' WHERE article_id = 1 AND position = 7`)
	res := s.get(t, articlePath).wantStatus(http.StatusOK)
	res.wantContains(
		`<a href="https://doi.org/10.1234/x%22%3E%3Cscript%3Ealert%281%29%3C/script%3E%3F%23%25" rel="external noopener">doi:10.1234/x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;?#%</a> · `+
			`<a class="pmid" href="https://pubmed.ncbi.nlm.nih.gov/12345678/" rel="external noopener">PMID 12345678</a></span></li>`,
		`<span class="ref-ids"><a href="https://doi.org/10.1000/abc%281%29" rel="external noopener">doi:10.1000/abc(1)</a></span></li>`,
		// a reference with neither ends after its publisher
		`<span class="publisher">Brain (Oxford University Press)</span></li>`,
	)
	res.wantNotContains("<script>alert", `"><script>`, "doi:10.1093/brain/awh263", "15364701")
	if n := strings.Count(res.Body, `class="ref-ids"`); n != 2 {
		t.Errorf("%d references show identifiers, want 2", n)
	}
}
