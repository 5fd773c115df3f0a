package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/fascicle/fascicle/internal/model"
)

// fetchingRels are the link relations a browser fetches by itself.
var fetchingRels = []string{"stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest",
	"preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch", "prerender"}

var cssURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)`)

// fetchedResources returns the addresses that a browser showing doc would fetch by
// itself: images, scripts, frames, media, stylesheets and icons, and url() in inline
// CSS. Links a reader follows (<a href>, canonical, alternate) are not among them.
func fetchedResources(doc string) []string {
	var found []string
	addCSS := func(css string) {
		for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
			found = append(found, m[1]+m[2])
		}
	}
	z := xhtml.NewTokenizer(strings.NewReader(doc))
	inStyle := false
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return found
		case xhtml.TextToken:
			if inStyle {
				addCSS(string(z.Text()))
			}
		case xhtml.EndTagToken:
			inStyle = false
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			attr := map[string]string{}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				attr[key] = a.Val
			}
			inStyle = tok.Data == "style"
			switch tok.Data {
			case "img", "script", "iframe", "frame", "embed", "audio", "video", "track", "source", "input":
				for _, k := range []string{"src", "poster", "data"} {
					if v, ok := attr[k]; ok {
						found = append(found, v)
					}
				}
				for _, candidate := range strings.Split(attr["srcset"], ",") {
					if f := strings.Fields(candidate); len(f) > 0 {
						found = append(found, f[0])
					}
				}
			case "object":
				if v, ok := attr["data"]; ok {
					found = append(found, v)
				}
			case "image", "use", "feimage": // inside inline SVG
				for _, k := range []string{"href", "xlink:href"} {
					if v, ok := attr[k]; ok {
						found = append(found, v)
					}
				}
			case "link":
				for _, rel := range strings.Fields(strings.ToLower(attr["rel"])) {
					if slices.Contains(fetchingRels, rel) {
						found = append(found, attr["href"])
						break
					}
				}
			}
			if style, ok := attr["style"]; ok {
				addCSS(style)
			}
		}
	}
}

// offSite reports whether a resource address points anywhere but the site itself:
// another host, a protocol-relative address, or a data: or javascript: URI.
func offSite(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return true
	}
	if u.Scheme == "" && u.Host == "" {
		return false // a path on this site
	}
	return !((u.Scheme == "http" || u.Scheme == "https") && u.Host == "fascicle.test")
}

// Ensure the check below finds what a browser would fetch from elsewhere, and lets
// links be.
func TestFetchedResources_DetectsOffSite(t *testing.T) {
	t.Parallel()
	doc := `<html><head><link rel="stylesheet" href="//cdn.example/x.css"><link rel="icon" href="https://icons.example/i.png">
<link rel="canonical" href="https://elsewhere.example/"><link rel="alternate" href="https://feeds.example/a.xml">
<style>body { background: url("https://img.example/bg.png") }</style></head>
<body><a href="https://nih.gov/page">link</a><img src="https://www.gravatar.com/avatar/abc"><img src="data:image/png;base64,AAAA">
<picture><source srcset="/ok.png 1x, https://img.example/2x.png 2x"></picture><iframe src="https://video.example/e"></iframe>
<script src="https://js.example/a.js"></script><div style="background-image:url(https://img.example/s.png)"></div>
<svg><image href="https://img.example/i.svg"/></svg><img src="/static/ok.png"><img src="http://fascicle.test/media/ok.png"></body></html>`
	var bad []string
	for _, r := range fetchedResources(doc) {
		if offSite(r) {
			bad = append(bad, r)
		}
	}
	want := []string{"//cdn.example/x.css", "https://icons.example/i.png", "https://img.example/bg.png",
		"https://www.gravatar.com/avatar/abc", "data:image/png;base64,AAAA", "https://img.example/2x.png",
		"https://video.example/e", "https://js.example/a.js", "https://img.example/s.png", "https://img.example/i.svg"}
	slices.Sort(bad)
	slices.Sort(want)
	if !slices.Equal(bad, want) {
		t.Errorf("off-site resources found:\n  %q\nwant\n  %q", bad, want)
	}
}

// Ensure no public page or feed makes the reader's browser fetch anything from
// another site (no web fonts, CDNs, Gravatars or trackers that would learn who reads
// a health article), even with replies that link elsewhere; and that the
// stylesheets they load do not either.
func TestPublicPages_FetchNothingFromOtherSites(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.setPolicy(t, func(p *model.Policy) { p.HoldAll = false })
	s.postReply(t, articlePath+"/comments", url.Values{
		"comment": {"See https://www.nhs.uk/conditions/ for more."}, "author": {"Linker"},
		"email": {"linker@example.com"}, "url": {"https://linker.example.org/"}, "comment_parent": {"0"},
	}).wantStatus(http.StatusSeeOther)

	pages := []string{"/", articlePath, articlePath + "?replytocom=1", "/tags/neurology", "/search?q=magnesium",
		"/feed.xml", articlePath + "/comments.xml", "/sitemap.xml", "/no-such-page"}
	stylesheets := map[string]bool{}
	total := 0
	for _, path := range pages {
		res := s.get(t, path)
		if res.Code != http.StatusOK && !(path == "/no-such-page" && res.Code == http.StatusNotFound) {
			t.Fatalf("%s: status %d", path, res.Code)
		}
		body := res.Body
		if strings.HasSuffix(path, ".xml") {
			body = html.UnescapeString(body) // the HTML of feed entries, as a feed reader shows it
		}
		for _, r := range fetchedResources(body) {
			total++
			if offSite(r) {
				t.Errorf("%s makes the browser fetch %q", path, r)
			}
			if strings.HasSuffix(strings.SplitN(r, "?", 2)[0], ".css") {
				stylesheets[r] = true
			}
		}
	}
	if total < 3*6 || len(stylesheets) == 0 {
		t.Fatalf("found %d resources and %d stylesheets; the check would prove nothing", total, len(stylesheets))
	}
	for sheet := range stylesheets {
		css := s.get(t, sheet).wantStatus(http.StatusOK).Body
		for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
			if r := m[1] + m[2]; offSite(r) {
				t.Errorf("%s loads %q", sheet, r)
			}
		}
	}
}
