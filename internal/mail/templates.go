package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"

	"github.com/fascicle/fascicle/templates"
)

// messageTemplates are the messages under templates/mail: NAME.txt holds the subject (its
// "subject" block) and the plain text; NAME.html the HTML part, inside layout.html.
type messageTemplates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

func loadTemplates() (*messageTemplates, error) {
	t := &messageTemplates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	layout, err := htmltemplate.ParseFS(templates.FS, "mail/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templates.FS, "mail/*.txt")
	if err != nil {
		return nil, err
	}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".txt")
		if t.text[name], err = texttemplate.ParseFS(templates.FS, file); err != nil {
			return nil, err
		}
		if t.text[name].Lookup("subject") == nil {
			return nil, fmt.Errorf("%s has no subject block", file)
		}
		page, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if t.html[name], err = page.ParseFS(templates.FS, "mail/"+name+".html"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// render makes message name from data, which the templates see as .Data beside the
// site's .Site and .URL.
func (s *Service) render(name string, data any) (*Message, error) {
	text, ok := s.templates.text[name]
	if !ok {
		return nil, fmt.Errorf("no mail template %q", name)
	}
	view := struct {
		Site, URL string
		Data      any
	}{s.siteName, s.publicURL, data}
	var subject, body, html bytes.Buffer
	if err := text.ExecuteTemplate(&subject, "subject", view); err != nil {
		return nil, err
	}
	if err := text.Execute(&body, view); err != nil {
		return nil, err
	}
	if err := s.templates.html[name].ExecuteTemplate(&html, "layout.html", view); err != nil {
		return nil, err
	}
	return &Message{
		Subject:   headerText(subject.String()),
		Text:      strings.TrimSpace(body.String()) + "\n",
		HTML:      html.String(),
		MessageID: newMessageID(s.publicURL),
	}, nil
}
