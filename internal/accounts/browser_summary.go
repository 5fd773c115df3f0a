package accounts

import (
	"strings"
)

// unknownBrowser names a user agent that BrowserSummary cannot read.
const unknownBrowser = "Unknown browser"

// browserMarks are the user-agent tokens of common browsers, in the order they must be
// tried: most browsers also call themselves Safari, Chrome or Mozilla, so the more
// particular names come first.
var browserMarks = []struct{ token, name string }{
	{"Edg/", "Edge"},
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"OPR/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"Vivaldi/", "Vivaldi"},
	{"YaBrowser/", "Yandex Browser"},
	{"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Firefox/", "Firefox"},
	{"Chromium/", "Chromium"},
	{"HeadlessChrome/", "Headless Chrome"},
	{"Chrome/", "Chrome"},
	{"Version/", "Safari"}, // Safari says its version here, and "Safari/" is its engine's
}

// systemMarks are the tokens of operating systems, tried in order for the same reason.
var systemMarks = []struct{ token, name string }{
	{"iPhone", "iOS"},
	{"iPad", "iPadOS"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Windows", "Windows"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
	{"FreeBSD", "FreeBSD"},
}

// BrowserSummary names a browser from its User-Agent in a few words, "Firefox 128 on
// Linux": enough for a person to recognise their own devices in a list of sign-ins,
// and all that is kept of the user agent.
func BrowserSummary(userAgent string) string {
	name, version := "", ""
	for _, m := range browserMarks {
		i := strings.Index(userAgent, m.token)
		if i < 0 {
			continue
		}
		if m.name == "Safari" && !strings.Contains(userAgent, "Safari/") {
			continue
		}
		name, version = m.name, majorVersion(userAgent[i+len(m.token):])
		break
	}
	system := ""
	for _, m := range systemMarks {
		if strings.Contains(userAgent, m.token) {
			system = m.name
			break
		}
	}
	switch {
	case name == "" && system == "":
		return unknownBrowser
	case name == "":
		return "A browser on " + system
	}
	if version != "" {
		name += " " + version
	}
	if system != "" {
		name += " on " + system
	}
	return name
}

// majorVersion returns the leading number of a version such as "128.0.1", or "".
func majorVersion(s string) string {
	end := 0
	for end < len(s) && end < 6 && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	return s[:end]
}
