package model

import "unicode/utf8"

// Truncate shortens valid UTF-8 text to at most maxBytes, cutting between characters.
func Truncate(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
