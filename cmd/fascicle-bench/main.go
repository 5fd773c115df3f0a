// Command fascicle-bench measures Fascicle against the performance targets of the
// README: it builds the server, seeds a temporary database, starts the server on
// loopback and drives each workload for a bounded time with a load generator of its
// own, then prints a table of the results next to the targets and, when nginx is
// installed, next to nginx serving the same page as a static file in the same run.
//
//	go run ./cmd/fascicle-bench [--duration 10s] [--quick] [--out DIR] [--db postgres://SERVER]
//	                            [--articles N] [--replies M]
//
// Everything listens on 127.0.0.1 only; every process it starts is stopped at the end,
// also on Ctrl-C. It installs nothing and judges nothing: the exit status says whether
// the benchmark ran, not whether the targets were met.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fascicle-bench:", err)
		}
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	duration  time.Duration
	quick     bool
	out       string
	articles  int
	replies   int
	pageConns int // connections for the article page workloads
	listConns int // connections for the home, tag and search pages
	posters   int
	// postgres is the URL of a PostgreSQL server where the benchmark may create its
	// databases; empty runs on SQLite files.
	postgres string
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	o := options{pageConns: 32, listConns: 4, posters: 16}
	fs := flag.NewFlagSet("fascicle-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each workload runs")
	fs.BoolVar(&o.quick, "quick", false, "a smoke run: 2 s per workload (unless --duration) and a small database")
	fs.StringVar(&o.out, "out", "", "keep the database, logs and server binary in this folder instead of a temporary one")
	fs.IntVar(&o.articles, "articles", 100_000, "articles in the large database (--quick: 2 000)")
	fs.IntVar(&o.replies, "replies", 1_000_000, "replies in the large database (--quick: 20 000)")
	fs.StringVar(&o.postgres, "db", "", "run on PostgreSQL: a postgres:// URL of a server where the benchmark creates (and drops) its two databases, e.g. postgres://postgres@127.0.0.1:55432/postgres; replies are then posted to two servers (default: SQLite files)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.quick {
		if !set["duration"] {
			o.duration = 2 * time.Second
		}
		if !set["articles"] {
			o.articles = 2_000
		}
		if !set["replies"] {
			o.replies = 20_000
		}
	}
	if o.duration < 100*time.Millisecond || o.duration > time.Hour {
		return o, errors.New("--duration must be between 100ms and 1h")
	}
	if o.postgres != "" && !strings.HasPrefix(o.postgres, "postgres://") && !strings.HasPrefix(o.postgres, "postgresql://") {
		return o, errors.New("--db takes a postgres:// URL of a PostgreSQL server (SQLite needs no flag)")
	}
	if o.articles < 1 || o.replies < 1 {
		return o, errors.New("--articles and --replies must be at least 1")
	}
	return o, nil
}
