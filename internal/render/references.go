package render

import (
	"bytes"
	"html/template"
	"io"
	"regexp"
	"strconv"

	"golang.org/x/net/html"
)

// referenceMarker is "[n]" in an article's text, n from 1 to 999 without a leading zero.
var referenceMarker = regexp.MustCompile(`\[([1-9][0-9]{0,2})\]`)

// ArticleBody renders an article's Markdown like Markdown, then links each reference
// marker "[n]" in its text to the nth entry of the references list (#ref-n), when the
// article has at least n references; other numbers stay as they are. Markers inside
// links, code and preformatted text, and anything inside a tag, are left alone.
func ArticleBody(source string, references int) (template.HTML, error) {
	body, err := Markdown(source)
	if err != nil || references <= 0 {
		return body, err
	}
	return linkReferenceMarkers(body, references)
}

// noMarkerElements are the elements whose text keeps "[n]" as written: a link cannot
// hold another link, and code means what it says. The sanitiser lets none of the
// raw-text elements through; they are listed in case that ever changes.
var noMarkerElements = map[string]bool{
	"a": true, "code": true, "pre": true, "kbd": true, "samp": true,
	"script": true, "style": true, "textarea": true, "title": true,
}

// linkReferenceMarkers rewrites sanitised HTML. It copies every token byte for byte
// and changes only the text between tags; the markup it adds is built from the
// marker's number alone, so no text of the article can become markup.
func linkReferenceMarkers(body template.HTML, references int) (template.HTML, error) {
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	z := html.NewTokenizer(bytes.NewReader([]byte(body)))
	inside := 0           // depth of noMarkerElements around the current token
	seen := map[int]int{} // how often each reference has been cited so far, for unique ids
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return template.HTML(out.String()), nil
			}
			return "", z.Err()
		}
		raw := z.Raw() // before TagName, which may change the buffer
		switch tt {
		case html.TextToken:
			if inside > 0 {
				out.Write(raw)
				continue
			}
			last := 0
			for _, m := range referenceMarker.FindAllSubmatchIndex(raw, -1) {
				n, _ := strconv.Atoi(string(raw[m[2]:m[3]]))
				if n > references {
					continue
				}
				seen[n]++
				out.Write(raw[last:m[0]])
				num := strconv.Itoa(n)
				out.WriteString(`<sup class="ref-marker"><a href="#ref-` + num + `" id="cite-` + num + `-` + strconv.Itoa(seen[n]) +
					`" aria-label="Reference ` + num + `">[` + num + `]</a></sup>`)
				last = m[1]
			}
			out.Write(raw[last:])
		case html.StartTagToken, html.EndTagToken:
			out.Write(raw)
			name, _ := z.TagName()
			if !noMarkerElements[string(name)] {
				continue
			}
			if tt == html.StartTagToken {
				inside++
			} else if inside > 0 {
				inside--
			}
		default:
			out.Write(raw)
		}
	}
}
