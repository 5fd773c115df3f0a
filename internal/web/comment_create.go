package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// POST /articles/:slug/comments takes a reader's reply, with WordPress's field names
// comment, author, email, url and comment_parent. A valid reply is held for moderation
// and the reader is sent back to the article, where a signed link shows it to them.
// An invalid one re-shows the page with 422, the problems and everything they typed.
// Signed-in staff reply from a form without the name fields, which names their
// account in replying_as; see moderation's sender.go for who a reply is from.
func (s *Server) commentCreate(c *gin.Context) {
	ctx := c.Request.Context()
	// The checks need the article's own fields only; the references, tags and author
	// are read when the page must be shown again.
	article, err := s.store.PublishedArticleAlone(ctx, c.Param("slug"))
	if err == nil && article.IsPage() {
		err = model.ErrNotFound // a page takes no replies, and is not at /articles/
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	reshow := func(status int, form replyForm) {
		s.showArticle(c, status, article, form, 0)
	}
	if !s.readForm(c) {
		return
	}
	f := c.Request.PostForm
	form := replyForm{
		Comment: f.Get("comment"),
		Author:  f.Get("author"),
		Email:   f.Get("email"),
		URL:     f.Get("url"),
		// Without mail, nothing may be queued: a box ticked in a forged form is ignored.
		Subscribe: s.mail.On() && f.Get("subscribe") != "",
	}
	shownTo, _ := strconv.ParseInt(f.Get(replyingAsField), 10, 64)
	sub := moderation.Submission{
		Body:       form.Comment,
		Name:       form.Author,
		Email:      form.Email,
		Website:    form.URL,
		UserAgent:  c.Request.UserAgent(),
		ClientAddr: clientAddr(c),
		Honeypot:   f.Get(honeypotField),
		ShownAt:    s.tokens.FormShownAt(f.Get("form_shown")),
		FormStamp:  f.Get("form_shown"),
		Staff:      staff(c),
		ShownTo:    shownTo,
		Subscribe:  form.Subscribe,
	}
	// A refused reply comes back with the form's own stamp while it is good: the
	// time it was shown does not restart because the reader must send it again.
	if !sub.ShownAt.IsZero() && s.now().Sub(sub.ShownAt) <= moderation.FormMaxAge {
		form.ShownStamp = sub.FormStamp
	}
	sub.EarlierReplies = s.earlierReplies(c)
	if raw := f.Get("comment_parent"); raw != "" && raw != "0" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			id = -1 // no reply has this ID, so the parent check refuses it
		}
		sub.ParentID = id
	}

	comment, err := s.moderation.Submit(ctx, article, sub)
	var invalid *model.ValidationError
	switch {
	case errors.As(err, &invalid):
		form.Errors = invalid.Fields
		if _, badParent := invalid.Fields[model.FieldParent]; !badParent {
			form.ParentID = max(sub.ParentID, 0)
		}
		reshow(http.StatusUnprocessableEntity, form)
		return
	case errors.Is(err, moderation.ErrRepliesClosed):
		reshow(http.StatusForbidden, form)
		return
	case errors.Is(err, moderation.ErrStaffSignedOut), errors.Is(err, moderation.ErrConfirmStaff):
		// The form comes back as the sender may now send it: the reader's form if the
		// session ended, their own if they are signed in; the text is kept either way.
		d, _ := describe(err)
		form.Message = d.message
		form.SessionEnded = errors.Is(err, moderation.ErrStaffSignedOut)
		form.ParentID = max(sub.ParentID, 0)
		reshow(d.status, form)
		return
	case errors.Is(err, moderation.ErrFormExpired):
		d, _ := describe(err)
		form.Message, form.ShownStamp = d.message, ""
		reshow(d.status, form)
		return
	case errors.Is(err, moderation.ErrFlood), errors.Is(err, moderation.ErrDuplicate), errors.Is(err, model.ErrUnavailable):
		// Refused for now, not for what was typed: the form comes back with it all,
		// still answering the reply it answered.
		d, _ := describe(err)
		form.Message, form.ParentID = d.message, max(sub.ParentID, 0)
		switch d.status {
		case http.StatusTooManyRequests:
			c.Header("Retry-After", "15")
		case http.StatusServiceUnavailable:
			s.log.ErrorContext(ctx, "reply not saved", "error", err.Error())
			form.Message = "Your comment could not be saved just now. Please try again in a moment."
			c.Header("Retry-After", "5")
		}
		reshow(d.status, form)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	if p, err := s.store.Policy(ctx); err == nil && p.AutoApproveKnown && sub.Staff == nil {
		s.rememberReply(c, sub.EarlierReplies, comment.ID)
	}
	target := "/articles/" + url.PathEscape(article.Slug)
	if comment.Status != model.CommentApproved {
		token := s.tokens.PendingReply(article.ID, comment.ID, s.now().Add(PendingTokenTTL))
		target += "?pending=" + url.QueryEscape(token)
	}
	c.Redirect(http.StatusSeeOther, target+"#comment-"+strconv.FormatInt(comment.ID, 10))
}

// PendingTokenTTL is how long the link that shows a reader their own held reply works
// (a token.Signer's PendingReply in ?pending=).
const PendingTokenTTL = 24 * time.Hour

// honeypotField is a reply-form field hidden from people; robots fill it in.
const honeypotField = "contact_me_by_fax_only"

// replyingAsField names, in a staff member's reply form, the account it was shown to.
const replyingAsField = "replying_as"
