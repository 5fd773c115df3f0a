package model

import (
	"strconv"
	"strings"
)

// OldPathAddress is the form in which an address of a site imported from is kept and
// looked up: the decoded path without trailing slashes, so that "/2019/05/cramps/"
// and "/2019/05/cramps" are one address. The site root is "/".
func OldPathAddress(path string) string {
	trimmed := strings.TrimRight(path, "/")
	if trimmed == "" {
		return "/"
	}
	return trimmed
}

// OldPostAddress is WordPress's numeric address of a post, "/?p=ID", which also
// reaches its pages.
func OldPostAddress(id int64) string { return "/?p=" + strconv.FormatInt(id, 10) }

// OldPageAddress is WordPress's numeric address of a page, "/?page_id=ID".
func OldPageAddress(id int64) string { return "/?page_id=" + strconv.FormatInt(id, 10) }
