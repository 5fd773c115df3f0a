// Package exporter writes the whole site out in formats other software reads: today
// a WordPress export (WXR 1.2), which WordPress's importer and ours both take in.
//
// An export holds the commenters' email addresses in clear: whoever runs one must be
// told, and the file kept from anyone else.
package exporter

import (
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Result counts what an export wrote.
type Result struct {
	Articles int
	Pages    int
	Authors  int
	Tags     int
	// Comments counts the replies written, by their status here.
	Comments map[model.CommentStatus]int
	// StaffReplies counts the replies among Comments that staff wrote signed in.
	StaffReplies int
	// Emails counts the replies written with the commenter's email address.
	Emails int
}

// Service exports a store.
type Service struct {
	st      *store.Store
	siteURL string
	title   string
	// articlesPerRead and repliesPerRead are how many rows one read takes.
	articlesPerRead, repliesPerRead int
}

// New returns an export service on st, whose keys must be loaded (store.UseKeys) to
// open the commenters' emails. siteURL is the site's public address, without a
// trailing slash, for the links of the export; title names the site.
func New(st *store.Store, siteURL, title string) *Service {
	return &Service{st: st, siteURL: siteURL, title: title,
		articlesPerRead: defaultArticlesPerRead, repliesPerRead: defaultRepliesPerRead}
}
