// Package disqus reads Disqus comment exports as a stream.
//
// Read walks the document token by token with encoding/xml and hands each thread and
// each post to a Handler as soon as it is complete, so memory depends on the largest
// post, never on the file. Categories are read past.
//
// Elements are those of the namespace http://disqus.com (or of no namespace, for an
// export that declares none); the identifiers that link posts to their threads and
// parents are the dsq:id attributes of http://disqus.com/disqus-internals. The <id>
// elements are ignored: Disqus leaves them empty unless a site set identifiers of its
// own, so they cannot match anything.
package disqus

import "time"

// Thread is one <thread> of the export: a page of the old site that had comments.
type Thread struct {
	// ID is the thread's dsq:id, or 0 when it has none that is a number.
	ID        int64
	Link      string
	Title     string
	Forum     string // the Disqus site's short name
	CreatedAt time.Time
	IsClosed  bool
	IsDeleted bool
}

// Author is who wrote a post.
type Author struct {
	Name        string
	Email       string // as written; Disqus gives it only to the site's owner
	Username    string
	IsAnonymous bool
}

// Post is one <post>: a comment on a thread.
type Post struct {
	// ID is the post's dsq:id, or 0 when it has none that is a number.
	ID        int64
	Message   string // HTML, as written
	CreatedAt time.Time
	IsDeleted bool
	IsSpam    bool
	// IsApproved is nil when the export does not say.
	IsApproved *bool
	Author     Author
	IPAddress  string
	// ThreadID is the dsq:id of the post's thread; ParentID that of the post it
	// answers, or 0 for a post at the top level.
	ThreadID int64
	ParentID int64
}

// Handler receives the threads and posts of an export in the order of the file.
//
// Thread and Post may return an error to stop the read; Read then returns that error
// as is. Warning reports something unusual the reader went past: a date, number or
// flag it could not read, characters it replaced.
type Handler interface {
	Thread(Thread) error
	Post(Post) error
	Warning(string)
}
