package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store/storetest"
)

// Ensure images are recorded once per file name, found by name, and listed newest
// first.
func TestMedia_CreateFindList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, storetest.Path(t))
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	names := []string{"00000000000000aa.png", "00000000000000bb.jpg", "00000000000000cc.webp"}
	for i, name := range names {
		m := &model.Media{FileName: name, ContentType: "image/png", Size: int64(100 + i), Alt: "Image " + name,
			SHA256: name[:16] + "0000000000000000000000000000000000000000000000", CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if err := st.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 {
			t.Fatal("CreateMedia set no ID")
		}
	}

	t.Run("ErrConflict", func(t *testing.T) {
		err := st.CreateMedia(ctx, &model.Media{FileName: names[0], ContentType: "image/png", Size: 1, Alt: "again", SHA256: "x"})
		if !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second image with the same name: err = %v, want ErrConflict", err)
		}
	})
	t.Run("ByFileName", func(t *testing.T) {
		m, err := st.MediaByFileName(ctx, names[1])
		if err != nil {
			t.Fatal(err)
		}
		if m.Alt != "Image "+names[1] || m.Size != 101 || !m.CreatedAt.Equal(base.Add(time.Hour)) || m.URL() != "/media/"+names[1] {
			t.Fatalf("got %+v", m)
		}
		if _, err := st.MediaByFileName(ctx, "ffffffffffffffff.png"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown name: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("NewestFirst", func(t *testing.T) {
		list, err := st.ListMedia(ctx, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].FileName != names[2] || list[1].FileName != names[1] {
			t.Fatalf("first page = %v", fileNames(list))
		}
		list, err = st.ListMedia(ctx, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].FileName != names[0] {
			t.Fatalf("second page = %v", fileNames(list))
		}
		if n, err := st.CountMedia(ctx); err != nil || n != 3 {
			t.Fatalf("CountMedia = %d, %v", n, err)
		}
	})
}

func fileNames(list []*model.Media) []string {
	var names []string
	for _, m := range list {
		names = append(names, m.FileName)
	}
	return names
}
