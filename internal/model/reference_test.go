package model_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/model"
)

// Ensure a reference's DOI and PubMed ID become the addresses that resolve them, with
// every character a DOI may hold escaped within its part of the path.
func TestReferenceIdentifierURLs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ DOI, Want string }{
		{"10.1093/brain/awh263", "https://doi.org/10.1093/brain/awh263"},
		{"10.1002/(SICI)1097-4636(199706)35:4<471::AID-JBM7>3.0.CO;2-G",
			"https://doi.org/10.1002/%28SICI%291097-4636%28199706%2935:4%3C471::AID-JBM7%3E3.0.CO%3B2-G"},
		{`10.1234/x"?#%`, "https://doi.org/10.1234/x%22%3F%23%25"},
		{"", ""},
	} {
		if got := (model.Reference{DOI: tt.DOI}).DOIURL(); got != tt.Want {
			t.Errorf("DOIURL(%q) = %q, want %q", tt.DOI, got, tt.Want)
		}
	}
	if got := (model.Reference{PMID: "15364701"}).PubMedURL(); got != "https://pubmed.ncbi.nlm.nih.gov/15364701/" {
		t.Errorf("PubMedURL = %q", got)
	}
	if got := (model.Reference{}).PubMedURL(); got != "" {
		t.Errorf("PubMedURL without an ID = %q", got)
	}
}
