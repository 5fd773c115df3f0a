package moderation_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// clinician adds a staff account signed with credentials.
func (f *fixture) clinician(t *testing.T, name string) *model.User {
	t.Helper()
	email := name + "@staff.example"
	u := &model.User{Name: name, Email: &email, Role: model.RoleReviewer, Credentials: "MD, neurologist", PasswordHash: "$argon2id$not-checked-here"}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// pinned returns the IDs of the pinned replies, in order.
func (f *fixture) pinned(t *testing.T) []int64 {
	t.Helper()
	rows, err := f.db.Query(`SELECT id FROM comments WHERE pinned_at IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Ensure a clinician's answer can be pinned under the reply it answers, that pinning
// another answer to the same reply unpins the first (one pinned answer a reply) while
// answers to other replies keep theirs, and that unpinning says whether it was pinned.
func TestPin_OneAnswerAReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	question := f.add(t, model.Comment{Status: model.CommentApproved, Body: "Is magnesium safe with my tablets?"})
	other := f.add(t, model.Comment{Status: model.CommentApproved, Body: "Another question."})
	ada, ben := f.clinician(t, "Dr Ada"), f.clinician(t, "Dr Ben")
	answer := func(u *model.User, parent int64) int64 {
		c, err := f.svc.StaffReply(ctx, u, parent, "An answer by "+u.Name)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	first, second, elsewhere := answer(ada, question), answer(ben, question), answer(ada, other)
	for _, step := range []struct {
		id   int64
		want []int64
	}{{first, []int64{first}}, {elsewhere, []int64{first, elsewhere}}, {second, []int64{second, elsewhere}}, {second, []int64{second, elsewhere}}} {
		if err := f.svc.Pin(ctx, step.id); err != nil {
			t.Fatalf("pin %d: %v", step.id, err)
		}
		if got := f.pinned(t); !slices.Equal(got, step.want) {
			t.Errorf("after pinning %d the pinned answers are %v, want %v", step.id, got, step.want)
		}
	}
	if was, err := f.svc.Unpin(ctx, second); err != nil || !was {
		t.Errorf("unpin a pinned answer = %v, %v; want true", was, err)
	}
	if was, err := f.svc.Unpin(ctx, second); err != nil || was {
		t.Errorf("unpin it again = %v, %v; want false", was, err)
	}
	if got := f.pinned(t); !slices.Equal(got, []int64{elsewhere}) {
		t.Errorf("after unpinning, the pinned answers are %v, want %v", got, []int64{elsewhere})
	}
}

// Ensure only a clinician's published answer to a reply can be pinned: not a reader's
// reply, a staff reply without credentials, a staff reply to the article itself, or a
// held answer; and that a reply that does not exist is ErrReplyNotFound.
func TestPin_OnlyClinicianAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	question := f.add(t, model.Comment{Status: model.CommentApproved})
	doc := f.clinician(t, "Dr Cy")
	tests := []struct {
		Name  string
		Reply model.Comment
	}{
		{"ReadersReply", model.Comment{Status: model.CommentApproved, ParentID: &question}},
		{"StaffWithoutCredentials", model.Comment{Status: model.CommentApproved, ParentID: &question, UserID: &f.staff.ID}},
		{"ToTheArticle", model.Comment{Status: model.CommentApproved, UserID: &doc.ID}},
		{"Held", model.Comment{Status: model.CommentPending, ParentID: &question, UserID: &doc.ID}},
		{"InTheTrash", model.Comment{Status: model.CommentTrash, ParentID: &question, UserID: &doc.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			id := f.add(t, tt.Reply)
			if err := f.svc.Pin(ctx, id); !errors.Is(err, moderation.ErrNotClinicianAnswer) {
				t.Errorf("pin = %v, want ErrNotClinicianAnswer", err)
			}
		})
	}
	if got := f.pinned(t); len(got) != 0 {
		t.Errorf("pinned %v", got)
	}
	if err := f.svc.Pin(ctx, 99999); !errors.Is(err, moderation.ErrReplyNotFound) {
		t.Errorf("pin a reply that does not exist = %v, want ErrReplyNotFound", err)
	}
	if _, err := f.svc.Unpin(ctx, 99999); !errors.Is(err, moderation.ErrReplyNotFound) {
		t.Errorf("unpin a reply that does not exist = %v, want ErrReplyNotFound", err)
	}
}
