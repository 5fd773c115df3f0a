package web

import (
	"slices"
	"testing"
)

// Ensure the site's own footer links come in their fixed order, each only when the
// route table answers it, so that the footer never links to a missing page: the
// medical review board appears, before Privacy, once its route exists.
func TestFixedFooterLinks_OnlyAnsweredRoutes(t *testing.T) {
	t.Parallel()
	titles := func(links []footerLink) []string {
		var list []string
		for _, l := range links {
			list = append(list, l.Title+"="+l.URL)
		}
		return list
	}
	board := Route{Method: "GET", Path: "/medical-review-board"}
	privacy := Route{Method: "GET", Path: "/privacy"}
	tests := []struct {
		Name   string
		Routes []Route
		Want   []string
	}{
		{"PrivacyOnly", []Route{privacy}, []string{"Privacy=/privacy"}},
		{"BoardBeforePrivacy", []Route{privacy, board}, []string{"Medical review board=/medical-review-board", "Privacy=/privacy"}},
		{"PostIsNotAPage", []Route{privacy, {Method: "POST", Path: "/medical-review-board"}}, []string{"Privacy=/privacy"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := titles(fixedFooterLinks(tt.Routes)); !slices.Equal(got, tt.Want) {
				t.Errorf("links = %q, want %q", got, tt.Want)
			}
		})
	}
	// The server's own table: Privacy is always there, and last.
	got := titles(fixedFooterLinks(routeTable))
	if len(got) == 0 || got[len(got)-1] != "Privacy=/privacy" {
		t.Errorf("the route table gives the footer %q, want Privacy last", got)
	}
}
