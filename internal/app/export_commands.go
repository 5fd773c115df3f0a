package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	"github.com/fascicle/fascicle/internal/config"
	"github.com/fascicle/fascicle/internal/exporter"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// ErrExportExists means the export's file exists and --force was not given.
var ErrExportExists = errors.New("the file exists; add --force to replace it")

// ExportWordPress is the "fascicle export wordpress" command: it writes the whole site
// to file as a WordPress export (WXR 1.2) and prints what it wrote. The file holds the
// commenters' emails in clear, so it is made readable by its owner only, and the
// command says so. It is written under a temporary name beside file and renamed into
// place once complete and on disk: file is never half-written. An existing file is
// replaced only with force.
func ExportWordPress(ctx context.Context, cfg config.Config, file string, force bool, stdout io.Writer) error {
	if _, err := os.Stat(cfg.DBPath); err != nil && !cfg.Postgres() {
		return fmt.Errorf("no database to export: %w", err)
	}
	if _, err := os.Lstat(file); err == nil && !force {
		return fmt.Errorf("export: %s: %w", file, ErrExportExists)
	}
	st, err := openWithKeys(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	site := cfg.PublicURL()
	title := site
	if u, err := url.Parse(site); err == nil && u.Host != "" {
		title = u.Host
	}
	fmt.Fprintf(stdout, "exporting %s to %s\n", store.RedactURL(cfg.DBPath), file)
	res, err := writeExport(file, force, func(w io.Writer) (exporter.Result, error) {
		return exporter.New(st, site, title).ExportWordPress(ctx, w)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "articles %d, pages %d, authors %d, tags %d\n", res.Articles, res.Pages, res.Authors, res.Tags)
	fmt.Fprintf(stdout, "replies: %d approved, %d pending, %d spam, %d trash (%d of them by staff)\n",
		res.Comments[model.CommentApproved], res.Comments[model.CommentPending], res.Comments[model.CommentSpam],
		res.Comments[model.CommentTrash], res.StaffReplies)
	fmt.Fprintf(stdout, "warning: %s holds the email addresses of readers in clear (%d replies have one). "+
		"It is readable by its owner only: keep it so, do not send it unencrypted, and delete it once it has been imported.\n",
		file, res.Emails)
	return nil
}

// writeExport runs write into a new file beside file, readable by its owner only,
// and once it is complete and on disk puts it in file's place: without force only
// where no file is (a link, which fails if one appeared meanwhile), with force over
// any. On an error the temporary file is removed and file is left as it was.
func writeExport(file string, force bool, write func(io.Writer) (exporter.Result, error)) (res exporter.Result, err error) {
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; say it here too, whatever it does.
	if err := tmp.Chmod(0o600); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if res, err = write(tmp); err != nil {
		return res, fmt.Errorf("nothing was written to %s: %w", file, err)
	}
	if err := tmp.Sync(); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	if force {
		err = os.Rename(tmp.Name(), file)
	} else if err = os.Link(tmp.Name(), file); err == nil {
		err = os.Remove(tmp.Name())
	} else if errors.Is(err, os.ErrExist) {
		err = fmt.Errorf("%s: %w", file, ErrExportExists)
	}
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	done = true
	return res, syncDir(dir)
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
