package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/fascicle/fascicle/internal/secret"
)

// Ensure the upgrade takes the Staff mark from replies that carry an account under
// another name than the account's (sent as a private person while signed in), which
// keep their name and email, and removes the email from the replies that stay staff.
func TestMigrate_SeparatesStaffReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := storeAtVersion(t, 9)
	keys, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if err := st.db.Exec(query, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
		VALUES (1, 'ana@staff.example', 'Ana Author', 'author', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(`INSERT INTO articles (id, slug, title, status, author_id, created_at, updated_at)
		VALUES (1, 'a', 'A', 'published', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	reply := func(id int64, name, email string, userID any) {
		t.Helper()
		exec(`INSERT INTO comments (id, article_id, author_name, author_email, author_email_enc, author_email_index, body, status, user_id, created_at, updated_at)
			VALUES (?, 1, ?, '', ?, ?, 'Text.', 'approved', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			id, name, keys.Seal(email), keys.EmailIndex(email), userID)
	}
	reply(1, "Reader 45", "reader45@example.com", 1)   // the public form, signed in, under another name
	reply(2, "Ana Author", "ana@staff.example", 1)     // a staff answer
	reply(3, "Ana Author", "ana.fan@example.com", nil) // a reader who typed a staff name

	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	type row struct {
		UserID sql.NullInt64
		Name   string
		Sealed []byte
		Index  string
	}
	read := func(id int64) row {
		t.Helper()
		var r row
		if err := st.db.Raw(`SELECT user_id, author_name, author_email_enc, author_email_index FROM comments WHERE id = ?`, id).
			Row().Scan(&r.UserID, &r.Name, &r.Sealed, &r.Index); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := read(1); r.UserID.Valid || r.Name != "Reader 45" || r.Index != keys.EmailIndex("reader45@example.com") {
		t.Errorf("reply under another name: user %v, name %q, index kept %v; want no account, its name and email",
			r.UserID, r.Name, r.Index == keys.EmailIndex("reader45@example.com"))
	}
	if r := read(2); !r.UserID.Valid || r.UserID.Int64 != 1 || r.Sealed != nil || r.Index != "" {
		t.Errorf("staff answer: user %v, email stored %v, index %q; want the account and no email", r.UserID, r.Sealed != nil, r.Index)
	}
	if r := read(3); r.UserID.Valid || r.Index != keys.EmailIndex("ana.fan@example.com") {
		t.Errorf("reader's reply: user %v, index kept %v; want it untouched", r.UserID, r.Index == keys.EmailIndex("ana.fan@example.com"))
	}
}
