package accounts_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/accounts"
)

// Ensure BrowserSummary names common browsers and systems by their major version, and
// never passes on the rest of a user agent.
func TestBrowserSummary(t *testing.T) {
	t.Parallel()
	tests := []struct{ Name, UserAgent, Want string }{
		{"FirefoxLinux", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Linux"},
		{"ChromeWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on Windows"},
		{"EdgeWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", "Edge 126 on Windows"},
		{"SafariMac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari 17 on macOS"},
		{"SafariIPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS"},
		{"ChromeIPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", "Chrome 126 on iOS"},
		{"FirefoxAndroid", "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0", "Firefox 127 on Android"},
		{"SamsungAndroid", "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet 25 on Android"},
		{"OperaMac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera 111 on macOS"},
		{"HeadlessChrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", "Headless Chrome 126 on Linux"},
		{"SystemOnly", "Mozilla/5.0 (X11; Linux x86_64) SomethingNew", "A browser on Linux"},
		{"Program", "curl/8.5.0", "Unknown browser"},
		{"Empty", "", "Unknown browser"},
		{"Hostile", "<script>alert(1)</script> Firefox/99999999999", "Firefox 999999"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := accounts.BrowserSummary(tt.UserAgent); got != tt.Want {
				t.Errorf("BrowserSummary(%q) = %q, want %q", tt.UserAgent, got, tt.Want)
			}
		})
	}
}
