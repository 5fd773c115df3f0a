package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// Readers report replies they find wrong or harmful. A report keeps its reason and the
// keyed hash of the reader's client, so that one reader counts once per reply; once
// the policy's number of readers reported an approved reply, it goes back to Pending,
// off the page, until a moderator decides. Any decision on the reply closes its
// reports (actions.go).

// FieldReason is the report form's field.
const FieldReason = "reason"

// Report records a reader's report of reply id on article for reason, from the
// client at addr. Only approved replies can be reported. Returns
// *model.ValidationError for an unknown reason, ErrReplyNotFound if the article has
// no such approved reply, and ErrFlood when the client sends reports too quickly (the
// burst limiter of replies, shared).
func (s *Service) Report(ctx context.Context, article *model.Article, id int64, reason model.ReportReason, addr netip.Addr) error {
	if !reason.Valid() {
		v := &model.ValidationError{}
		v.Add(FieldReason, "Choose what is wrong with this reply.")
		return v
	}
	now := s.now().UTC()
	client := s.ClientHash(addr)
	if !s.bursts.allow(client, now) {
		return ErrFlood
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		c, err := tx.Comment(ctx, id)
		if errors.Is(err, model.ErrNotFound) || (err == nil && (c.ArticleID != article.ID || c.Status != model.CommentApproved)) {
			return ErrReplyNotFound
		}
		if err != nil {
			return err
		}
		added, err := tx.AddReport(ctx, id, reason, client, now)
		if err != nil || !added {
			return err
		}
		p, err := tx.Policy(ctx)
		if err != nil || p.HideAfterReports == 0 {
			return err
		}
		n, err := tx.OpenReports(ctx, id)
		if err != nil || n < p.HideAfterReports {
			return err
		}
		if _, err := tx.SetCommentStatus(ctx, []int64{id}, model.CommentPending, "", now); err != nil {
			return err
		}
		return tx.SetHeldReason(ctx, id, fmt.Sprintf("hidden after %d readers reported it", n))
	})
}
