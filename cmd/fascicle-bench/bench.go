package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fascicle/fascicle/internal/demo"
	"github.com/fascicle/fascicle/internal/store"
)

// pageReplies is the number of approved replies on the benchmarked article page.
const pageReplies = 50

// listPage is a page measured on the large database and on the demo database.
type listPage struct {
	Name, Path string
	Big, Demo  *result
}

// report is what a run measured.
type report struct {
	Options     options
	ArticlePath string
	PageBytes   int
	DBBytes     int64
	SeedTime    time.Duration

	Cached, Uncached *result // the article page with and without the page cache
	Nginx            *result // nil when nginx is not installed
	NginxNote        string

	// The demo article (a small page) from the page cache of a server on the demo
	// database, and from nginx.
	SmallPath         string
	SmallBytes        int
	Small, SmallNginx *result
	Post              postResult
	Lists             []listPage

	RSSCachedKB, RSSUncachedKB, RSSPostKB, RSSAfterKB, NginxRSSKB int64

	StartBig time.Duration // from starting the server on the large database to its first 200

	LockedInLogs int // "database is locked" in the servers' logs
	FiveXXInLogs int // 5xx answers in the servers' logs

	Engine      string // "SQLite" or "PostgreSQL"
	PostServers int    // servers the replies were posted to
}

// run runs the whole benchmark and prints its table to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (*report, error) {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return nil, err
	}
	rep := &report{Options: o}
	say := func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) }

	dir := o.out
	if dir == "" {
		if dir, err = os.MkdirTemp("", "fascicle-bench-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	say("fascicle-bench: %d s per workload, %d articles and %d replies; files in %s%s", int(o.duration.Seconds()), o.articles, o.replies,
		dir, map[bool]string{true: " (kept)", false: " (removed at the end)"}[o.out != ""])

	// Build.
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "fascicle")
	say("building: go build -o %s ./cmd/fascicle", bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/fascicle")
	build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build the server: %w", err)
	}

	// Seed the large database.
	big, demoDB := filepath.Join(dir, "big.db"), filepath.Join(dir, "demo.db")
	var keyEnv []string // on PostgreSQL, the key every process shares
	rep.Engine, rep.PostServers = "SQLite", 1
	if o.postgres != "" {
		var drop func()
		if big, demoDB, drop, err = pgDatabases(ctx, o.postgres); err != nil {
			return nil, err
		}
		defer drop()
		keyEnv = []string{newKeySetting()}
		rep.Engine, rep.PostServers = "PostgreSQL", 2
		say("PostgreSQL: databases %s and %s, dropped at the end", store.RedactURL(big), store.RedactURL(demoDB))
	} else {
		for _, suffix := range []string{"", "-wal", "-shm", ".key"} {
			os.Remove(big + suffix) // a kept folder from an earlier run
		}
		os.Remove(demoDB)
	}
	say("seeding: fascicle seed --articles %d --replies %d --db %s", o.articles, o.replies, store.RedactURL(big))
	seed := exec.CommandContext(ctx, bin, "seed", "--articles", fmt.Sprint(o.articles), "--replies", fmt.Sprint(o.replies), "--db", big)
	seed.Env, seed.Stdout, seed.Stderr = childEnv(keyEnv...), &indenter{w: stdout}, stderr
	began := time.Now()
	if err := seed.Run(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	rep.SeedTime = time.Since(began)
	if o.postgres != "" {
		rep.DBBytes = pgSize(ctx, big)
	} else if fi, err := os.Stat(big); err == nil {
		rep.DBBytes = fi.Size()
	}
	slug, held, err := prepare(ctx, big)
	if err != nil {
		return nil, err
	}
	rep.ArticlePath = "/articles/" + slug
	say("policy, saved in the settings table before the servers start: flood interval 0 s and minimum form time 0 s, so")
	say("  that %d posters from %d addresses are not throttled (every other check runs; replies are held for moderation);", o.posters, o.posters)
	say("  retention off, so that the first start does not purge the years-old generated spam and client data")
	if held > 0 {
		say("article %s: its %d newest approved replies were held back so that it shows exactly %d", rep.ArticlePath, held, pageReplies)
	}

	var running []*process
	defer func() {
		for i := len(running) - 1; i >= 0; i-- {
			running[i].stop(15 * time.Second)
		}
	}()
	stopLast := func() { running[len(running)-1].stop(15 * time.Second); running = running[:len(running)-1] }

	// The server on the large database, with the page cache, as in production.
	main, err := startServer(ctx, "server", bin, big, filepath.Join(dir, "server.log"), keyEnv...)
	if err != nil {
		return nil, err
	}
	running = append(running, main.process)
	rep.StartBig = main.started
	say("server on the large database answered /healthz %.0f ms after it was started (pid %d, %s)", ms(main.started), main.pid(), main.addr)
	page, err := fetch(ctx, "http://"+main.addr+rep.ArticlePath)
	if err != nil {
		return nil, err
	}
	rep.PageBytes = len(page)
	if n := bytes.Count(page, []byte(`<li id="comment-`)); n != pageReplies {
		say("warning: the article page shows %d replies, not %d", n, pageReplies)
	}

	workload := func(format string, args ...any) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		say("== "+format, args...)
		return nil
	}
	if err := workload("GET %s (%d KB, %d replies), page cache on, %d connections, %s", rep.ArticlePath, len(page)/1024, pageReplies, o.pageConns, o.duration); err != nil {
		return nil, err
	}
	rss := sampleRSS(func() []int { return []int{main.pid()} })
	rep.Cached = loadGET(ctx, main.addr, rep.ArticlePath, o.pageConns, o.duration)
	rep.RSSCachedKB = rss.stop()
	say("   %s", rep.Cached.summary())

	// nginx serves the same bytes as a static file, with its access log on, as the
	// server writes its request log.
	nginx := findNginx()
	if nginx == "" {
		rep.NginxNote = "nginx is not installed (" + nginxInstall + "); its column is empty"
		say("== nginx: %s", rep.NginxNote)
	}
	staticCopy := func(path string, page []byte) (*result, int64, error) {
		if err := workload("nginx serving the same %d bytes as a static file, access log on, %d connections, %s", len(page), o.pageConns, o.duration); err != nil {
			return nil, 0, err
		}
		// A folder of its own, outside dir: nginx's workers, which drop root's rights,
		// must be able to reach it.
		ngDir, err := os.MkdirTemp("", "fascicle-bench-nginx-")
		if err != nil {
			return nil, 0, err
		}
		defer func() {
			// With --out, the configuration, log and page join the rest there.
			if o.out != "" {
				kept := filepath.Join(o.out, "nginx"+strings.ReplaceAll(path, "/", "-"))
				if err := os.Rename(ngDir, kept); err == nil {
					say("   nginx's configuration, log and page are kept in %s", kept)
					return
				}
			}
			os.RemoveAll(ngDir)
		}()
		p, addr, err := startNginx(ctx, nginx, ngDir, path, page)
		if err != nil {
			return nil, 0, err
		}
		running = append(running, p)
		defer stopLast()
		rss := sampleRSS(func() []int { return withChildren(p.pid()) })
		res := loadGET(ctx, addr, path, o.pageConns, o.duration)
		say("   %s", res.summary())
		return res, rss.stop(), nil
	}
	if nginx != "" {
		if rep.Nginx, rep.NginxRSSKB, err = staticCopy(rep.ArticlePath, page); err != nil {
			return nil, err
		}
	}

	// The small page: the demo article, from the page cache of a server on the demo
	// database (which that server makes), where the cost of each request weighs more.
	demoCached, err := startServer(ctx, "server-demo-cached", bin, demoDB, filepath.Join(dir, "server-demo-cached.log"), keyEnv...)
	if err != nil {
		return nil, err
	}
	running = append(running, demoCached.process)
	rep.SmallPath = "/articles/" + demo.ArticleSlug
	small, err := fetch(ctx, "http://"+demoCached.addr+rep.SmallPath)
	if err != nil {
		return nil, err
	}
	rep.SmallBytes = len(small)
	if err := workload("GET %s (the demo article, %d KB), page cache on, %d connections, %s", rep.SmallPath, len(small)/1024, o.pageConns, o.duration); err != nil {
		return nil, err
	}
	rep.Small = loadGET(ctx, demoCached.addr, rep.SmallPath, o.pageConns, o.duration)
	say("   %s", rep.Small.summary())
	stopLast() // demo-cached
	if nginx != "" {
		if rep.SmallNginx, _, err = staticCopy(rep.SmallPath, small); err != nil {
			return nil, err
		}
	}

	// A second server on the same database with the page cache off: every request is
	// rendered from the database, like the first view after a change.
	uncached, err := startServer(ctx, "server-uncached", bin, big, filepath.Join(dir, "server-uncached.log"),
		append([]string{"FASCICLE_PAGE_CACHE=off"}, keyEnv...)...)
	if err != nil {
		return nil, err
	}
	running = append(running, uncached.process)
	if err := workload("GET %s rendered every time (a second server, FASCICLE_PAGE_CACHE=off), %d connections, %s", rep.ArticlePath, o.pageConns, o.duration); err != nil {
		return nil, err
	}
	rssUncached := sampleRSS(func() []int { return []int{uncached.pid()} })
	rep.Uncached = loadGET(ctx, uncached.addr, rep.ArticlePath, o.pageConns, o.duration)
	say("   %s", rep.Uncached.summary())

	// Lists on the large database and on the demo database, both rendered every time.
	demoServer, err := startServer(ctx, "server-demo", bin, demoDB, filepath.Join(dir, "server-demo.log"),
		append([]string{"FASCICLE_PAGE_CACHE=off"}, keyEnv...)...)
	if err != nil {
		return nil, err
	}
	running = append(running, demoServer.process)
	for _, lp := range []listPage{{Name: "home page", Path: "/"}, {Name: "tag page", Path: "/tags/neurology"}, {Name: "search", Path: "/search?q=caffeine"}} {
		if err := workload("%s %s, page cache off, %d connections, %s each on the large and the demo database", lp.Name, lp.Path, o.listConns, o.duration); err != nil {
			return nil, err
		}
		lp.Big = loadGET(ctx, uncached.addr, lp.Path, o.listConns, o.duration)
		lp.Demo = loadGET(ctx, demoServer.addr, lp.Path, o.listConns, o.duration)
		say("   large: %s", lp.Big.summary())
		say("   demo:  %s", lp.Demo.summary())
		rep.Lists = append(rep.Lists, lp)
	}
	rep.RSSUncachedKB = rssUncached.stop()
	stopLast() // demo
	stopLast() // uncached

	// On PostgreSQL the replies go to two servers on the one database, half each.
	bases := []string{"http://" + main.addr}
	pids := []int{main.pid()}
	if rep.PostServers == 2 {
		second, err := startServer(ctx, "server-2", bin, big, filepath.Join(dir, "server-2.log"), keyEnv...)
		if err != nil {
			return nil, err
		}
		running = append(running, second.process)
		bases, pids = append(bases, "http://"+second.addr), append(pids, second.pid())
	}
	if err := workload("POST %s/comments, %d posters from %d addresses to %d server(s), a new reply each time, %s", rep.ArticlePath,
		o.posters, o.posters, len(bases), o.duration); err != nil {
		return nil, err
	}
	rss = sampleRSS(func() []int { return pids })
	rep.Post, err = loadPOSTOn(ctx, bases, rep.ArticlePath, o.posters, o.duration)
	rep.RSSPostKB = rss.stop()
	if err != nil {
		return nil, err
	}
	if len(bases) == 2 {
		stopLast() // server-2
	}
	say("   %s", rep.Post.summary())
	sleep(ctx, time.Second)
	rep.RSSAfterKB = vmRSS(main.pid())
	stopLast() // main

	for _, log := range []string{"server.log", "server-uncached.log", "server-demo-cached.log", "server-demo.log", "server-2.log"} {
		rep.LockedInLogs += countInFile(filepath.Join(dir, log), "database is locked")
		rep.FiveXXInLogs += countInFile(filepath.Join(dir, log), "status=5")
	}
	say("")
	rep.print(stdout)
	return rep, ctx.Err()
}

// moduleRoot returns the folder of the module the benchmark belongs to.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w (is go installed?)", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run fascicle-bench inside the Fascicle module (go run ./cmd/fascicle-bench)")
	}
	return filepath.Dir(mod), nil
}

// prepare readies the seeded database for the workloads, with no server running: it
// turns off the flood interval and minimum form time, and picks a published article
// open to replies with at least pageReplies approved replies, holding back the
// newest beyond pageReplies. It returns the article's slug and how many were held.
func prepare(ctx context.Context, path string) (string, int, error) {
	st, err := store.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer st.Close()
	p, err := st.Policy(ctx)
	if err != nil {
		return "", 0, err
	}
	p.FloodSeconds, p.MinFormSeconds = 0, 0
	// The seeded history goes back years: the default retention would delete its old
	// spam, trash and held replies and clear its old client data at the first start,
	// a one-off pass over most of the table that no start of a site already under
	// that policy makes.
	p.RetainSpamDays, p.RetainPendingDays, p.RetainClientDays = 0, 0, 0
	if err := st.SavePolicy(ctx, p); err != nil {
		return "", 0, err
	}
	driver, dsn := "sqlite3", store.DSN(path)
	if store.IsPostgres(path) {
		driver, dsn = "pgx", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return "", 0, err
	}
	defer db.Close()
	engine := st.Engine()
	var id int64
	var slug string
	var n int
	err = db.QueryRowContext(ctx, store.Rebind(engine, `
		SELECT a.id, a.slug, count(*) AS n FROM comments c JOIN articles a ON a.id = c.article_id
		 WHERE c.status = 'approved' AND a.status = 'published' AND a.comments_open = TRUE
		 GROUP BY a.id HAVING count(*) >= ? ORDER BY n, a.id LIMIT 1`), pageReplies).Scan(&id, &slug, &n)
	if err != nil {
		return "", 0, fmt.Errorf("find an article with %d approved replies (seed more replies): %w", pageReplies, err)
	}
	if n > pageReplies {
		_, err = db.ExecContext(ctx, store.Rebind(engine, `
			UPDATE comments SET status = 'pending', held_reason = 'held back by fascicle-bench'
			 WHERE id IN (SELECT id FROM comments WHERE article_id = ? AND status = 'approved'
			               ORDER BY created_at DESC, id DESC LIMIT ?)`), id, n-pageReplies)
		if err != nil {
			return "", 0, err
		}
	}
	return slug, n - pageReplies, nil
}

// indenter writes each line of another program's output indented.
type indenter struct {
	w    io.Writer
	midl bool
}

func (in *indenter) Write(p []byte) (int, error) {
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if !in.midl {
			in.w.Write([]byte("   | "))
		}
		in.w.Write(line)
		in.midl = line[len(line)-1] != '\n'
	}
	return len(p), nil
}

func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

func mb(kb int64) float64 {
	return float64(kb) / 1024
}

// summary is one line about a workload's result.
func (r *result) summary() string {
	s := fmt.Sprintf("%d answers in %.1f s: %.0f/s, p50 %.2f ms, p99 %.2f ms", r.Requests, r.Elapsed.Seconds(), r.Rate(),
		ms(r.Percentile(50)), ms(r.Percentile(99)))
	if r.Failures > 0 {
		s += fmt.Sprintf("; %d failed (statuses %v)", r.Failures, r.Statuses)
		if r.FirstErr != nil {
			s += fmt.Sprintf(", first: %v", r.FirstErr)
		}
	}
	return s
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// print writes the table of results next to the targets.
func (rep *report) print(w io.Writer) {
	fmt.Fprintf(w, "Results on %s (%d CPUs, %s, %s per workload, large database: %d articles, %d replies, %.0f MB, seeded in %.0f s)\n\n",
		rep.Engine, runtime.NumCPU(), runtime.Version(), rep.Options.duration, rep.Options.articles, rep.Options.replies,
		float64(rep.DBBytes)/(1<<20), rep.SeedTime.Seconds())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tFascicle\ttarget\tmet\tnginx, static file")
	fmt.Fprintln(tw, "--------\t--------\t------\t---\t------------------")
	rate := func(r *result) string {
		return fmt.Sprintf("%.0f req/s, p50 %.2f ms, p99 %.2f ms", r.Rate(), ms(r.Percentile(50)), ms(r.Percentile(99)))
	}
	// against nginx: the share of nginx's rate, and whether it and the p99 meet the target.
	against := func(r, ng *result, share float64) (string, string, string) {
		if ng == nil || ng.Rate() <= 0 {
			met := "—"
			if r.Percentile(99) > 3*time.Millisecond {
				met = "NO"
			}
			return "n/a (no nginx)", met, ""
		}
		got := r.Rate() / ng.Rate()
		return fmt.Sprintf("%.0f%% of nginx", 100*got), verdict(got >= share && r.Percentile(99) <= 3*time.Millisecond), rate(ng)
	}
	share, met, ng := against(rep.Cached, rep.Nginx, 0.8)
	fmt.Fprintf(tw, "GET article, %d replies, %d conns (page cache)\t%s; %s\t≥ 80%% of nginx, p99 ≤ 3 ms\t%s\t%s\n",
		pageReplies, rep.Options.pageConns, rate(rep.Cached), share, met, ng)
	if rep.Small != nil {
		share, met, ng := against(rep.Small, rep.SmallNginx, 0.7)
		fmt.Fprintf(tw, "GET demo article (small page, %d KB), %d conns (page cache)\t%s; %s\t≥ 70%% of nginx, p99 ≤ 3 ms\t%s\t%s\n",
			rep.SmallBytes/1024, rep.Options.pageConns, rate(rep.Small), share, met, ng)
	}
	fmt.Fprintf(tw, "article page rendered (page cache off)\t%s\t≥ 5 000 req/s\t%s\t\n",
		rate(rep.Uncached), verdict(rep.Uncached.Rate() >= 5000))
	fmt.Fprintf(tw, "POST replies, %d posters, %d server(s)\t%.0f acknowledged/s, p99 %.1f ms; %d 5xx; %d \"database is locked\"\t≥ 4 000/s, 0 5xx, 0 locked\t%s\t\n",
		rep.Options.posters, rep.PostServers, rep.Post.Rate(), ms(rep.Post.Percentile(99)), rep.Post.ServerErrors(), rep.LockedInLogs,
		verdict(rep.Post.Rate() >= 4000 && rep.Post.ServerErrors() == 0 && rep.LockedInLogs == 0))
	for _, lp := range rep.Lists {
		ratio := 0.0
		if d := lp.Demo.Percentile(99); d > 0 {
			ratio = float64(lp.Big.Percentile(99)) / float64(d)
		}
		fmt.Fprintf(tw, "%s %s, large vs demo (cache off, %d conns)\tp99 %.2f ms vs %.2f ms (%.1f×)\tp99 ≤ 2× demo\t%s\t\n",
			lp.Name, lp.Path, rep.Options.listConns, ms(lp.Big.Percentile(99)), ms(lp.Demo.Percentile(99)), ratio, verdict(ratio > 0 && ratio <= 2))
	}
	peak := max(rep.RSSCachedKB, rep.RSSPostKB, rep.RSSUncachedKB)
	nginxRSS := ""
	if rep.Nginx != nil {
		nginxRSS = fmt.Sprintf("%.1f MB (master and workers)", mb(rep.NginxRSSKB))
	}
	fmt.Fprintf(tw, "resident memory (VmRSS)\tpeak %.1f MB cached GET, %.1f MB POST, %.1f MB rendering; %.1f MB after\t≤ 45 MB\t%s\t%s\n",
		mb(rep.RSSCachedKB), mb(rep.RSSPostKB), mb(rep.RSSUncachedKB), mb(rep.RSSAfterKB), verdict(peak > 0 && peak <= 45*1024), nginxRSS)
	fmt.Fprintf(tw, "start to first 200 on /healthz (large database)\t%.0f ms\t≤ 300 ms\t%s\t\n", ms(rep.StartBig), verdict(rep.StartBig <= 300*time.Millisecond))
	tw.Flush()
	fmt.Fprintf(w, "\nThe article page is %d bytes, sent uncompressed to every client. Servers' 5xx answers in their logs: %d.\n", rep.PageBytes, rep.FiveXXInLogs)
	if rep.NginxNote != "" {
		fmt.Fprintf(w, "%s.\n", strings.ToUpper(rep.NginxNote[:1])+rep.NginxNote[1:])
	}
	fmt.Fprintln(w, "Absolute numbers depend on the machine and on what else runs on it; the load generator shares the CPUs.")
}
