package web

import (
	"regexp"
	"strings"
)

// Moderators see a reply's browser as a few words ("Firefox 128 on Linux") rather than
// its whole user agent, which stays one click away. The words are a guess from the
// browser's own claims, good enough to tell two senders apart, never more.

var browserVersion = []struct {
	name    string
	pattern *regexp.Regexp
}{
	// Order matters: Edge and Opera also claim Chrome, Chrome also claims Safari.
	{"Edge", regexp.MustCompile(`Edg(?:e|A|iOS)?/(\d+)`)},
	{"Opera", regexp.MustCompile(`OPR/(\d+)`)},
	{"Samsung Internet", regexp.MustCompile(`SamsungBrowser/(\d+)`)},
	{"Firefox", regexp.MustCompile(`(?:Firefox|FxiOS)/(\d+)`)},
	{"Chrome", regexp.MustCompile(`(?:Chrome|CriOS)/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/`)},
}

var systems = []struct{ marker, name string }{
	{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
	{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
}

// browserSummary names the browser and system a user agent claims, such as "Firefox
// 128 on Linux"; what it cannot tell is left out, and "" gives "".
func browserSummary(ua string) string {
	if ua == "" {
		return ""
	}
	browser := ""
	for _, b := range browserVersion {
		if m := b.pattern.FindStringSubmatch(ua); m != nil {
			browser = b.name + " " + m[1]
			break
		}
	}
	system := ""
	for _, s := range systems {
		if strings.Contains(ua, s.marker) {
			system = s.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "Another program"
}
