package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// result is what one workload measured.
type result struct {
	Requests  int             // answered with the expected status
	Failures  int             // other statuses, and requests that failed
	FirstErr  error           // why the first failed request failed, if one did
	Statuses  map[int]int     // every status seen
	Latencies []time.Duration // of the expected answers, sorted
	Elapsed   time.Duration
	Bytes     int64 // body bytes of the expected answers
}

// Rate is the expected answers per second.
func (r *result) Rate() float64 {
	if r == nil || r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p percent of answers came.
func (r *result) Percentile(p float64) time.Duration {
	if r == nil || len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies)-1) * p / 100)
	return r.Latencies[i]
}

// ServerErrors counts the 5xx answers.
func (r *result) ServerErrors() int {
	n := 0
	for status, k := range r.Statuses {
		if status >= 500 {
			n += k
		}
	}
	return n
}

// fail counts a request that got no answer, remembering the first reason.
func (r *result) fail(err error) {
	r.Failures++
	if r.FirstErr == nil {
		r.FirstErr = err
	}
}

func (r *result) merge(o *result) {
	if r.FirstErr == nil {
		r.FirstErr = o.FirstErr
	}
	r.Requests += o.Requests
	r.Failures += o.Failures
	r.Bytes += o.Bytes
	r.Latencies = append(r.Latencies, o.Latencies...)
	for s, k := range o.Statuses {
		r.Statuses[s] += k
	}
}

// loadGET sends GET requests for path to addr (host:port) over conns keep-alive
// connections, each sending its next request when the last is answered, for d. It
// speaks HTTP/1.1 on raw connections: a load generator that costs little CPU leaves
// more of the machine to the server, as wrk does. It asks for no compression, so that
// every server sends the same bytes.
func loadGET(ctx context.Context, addr, path string, conns int, d time.Duration) *result {
	request := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: fascicle-bench\r\nAccept: text/html\r\n\r\n")
	end := time.Now().Add(d)
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	parts := make([]*result, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i] = getWorker(ctx, addr, request, end)
		}()
	}
	wg.Wait()
	total := &result{Statuses: map[int]int{}, Elapsed: time.Since(start)}
	for _, p := range parts {
		total.merge(p)
	}
	slices.Sort(total.Latencies)
	return total
}

func getWorker(ctx context.Context, addr string, request []byte, end time.Time) *result {
	r := &result{Statuses: map[int]int{}, Latencies: make([]time.Duration, 0, 4096)}
	var conn net.Conn
	var br *bufio.Reader
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if conn == nil {
			c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
			if err != nil {
				// The dial's deadline is the workload's end, and may fire before the
				// context records it.
				if ctx.Err() != nil || !time.Now().Before(end) {
					break // the workload ended while connecting: no request was sent
				}
				r.fail(err)
				sleep(ctx, 10*time.Millisecond)
				continue
			}
			// Bounded: an answer that never comes ends with the workload.
			c.SetDeadline(end.Add(5 * time.Second))
			conn, br = c, bufio.NewReaderSize(c, 64<<10)
		}
		t0 := time.Now()
		status, n, keep, err := roundTrip(conn, br, request)
		if err != nil {
			r.fail(err)
			conn.Close()
			conn = nil
			continue
		}
		r.Statuses[status]++
		if status == http.StatusOK {
			r.Requests++
			r.Bytes += n
			r.Latencies = append(r.Latencies, time.Since(t0))
		} else {
			r.Failures++
		}
		if !keep {
			conn.Close()
			conn = nil
		}
	}
	return r
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// roundTrip writes request and reads the whole answer, returning its status, the size
// of its body and whether the connection can be used again.
func roundTrip(conn net.Conn, br *bufio.Reader, request []byte) (status int, body int64, keep bool, err error) {
	if _, err := conn.Write(request); err != nil {
		return 0, 0, false, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, 0, false, err
	}
	length, chunked, keep := int64(-1), false, true
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil {
				return 0, 0, false, err
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case status == http.StatusNotModified || status == http.StatusNoContent || status < 200:
	case chunked:
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return 0, 0, false, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
			if err != nil {
				return 0, 0, false, err
			}
			if size == 0 {
				for { // trailers, then the empty line
					line, err := br.ReadSlice('\n')
					if err != nil {
						return 0, 0, false, err
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						break
					}
				}
				break
			}
			if _, err := br.Discard(int(size) + 2); err != nil {
				return 0, 0, false, err
			}
			body += size
		}
	case length >= 0:
		if _, err := br.Discard(int(length)); err != nil {
			return 0, 0, false, err
		}
		body = length
	default: // the body ends with the connection
		n, err := io.Copy(io.Discard, br)
		return status, n, false, err
	}
	return status, body, keep, nil
}

// fetch returns the body of a GET, without compression.
func fetch(ctx context.Context, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", rawURL, res.Status)
	}
	return body, err
}

// formShown is the reply form's signed timestamp in an article page.
var formShown = regexp.MustCompile(`name="form_shown" value="([^"]+)"`)

// postResult is what the reply workload measured: acknowledged replies are the
// 303 answers (post/redirect/get).
type postResult struct {
	*result
}

// loadPOST has posters readers reply to the article at base+path for d, each from an
// address of its own (X-Forwarded-For, believed from the loopback proxy), each reply
// a full form submission with a new text: the page is fetched once per poster for
// the form's signed timestamp, as a browser would.
func loadPOST(ctx context.Context, base, path string, posters int, d time.Duration) (postResult, error) {
	return loadPOSTFrom(ctx, base, path, 0, posters, d)
}

// loadPOSTFrom is loadPOST with posters numbered from first on: each poster's address,
// name and texts are its own.
func loadPOSTFrom(ctx context.Context, base, path string, first, posters int, d time.Duration) (postResult, error) {
	end := time.Now().Add(d)
	parts := make([]*result, posters)
	errs := make([]error, posters)
	var wg sync.WaitGroup
	start := time.Now()
	for p := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[p], errs[p] = poster(ctx, base, path, first+p, end)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return postResult{}, err
	}
	total := &result{Statuses: map[int]int{}, Elapsed: time.Since(start)}
	for _, p := range parts {
		total.merge(p)
	}
	slices.Sort(total.Latencies)
	return postResult{total}, nil
}

// loadPOSTOn is loadPOST with the posters shared out over the servers at bases, run
// at once, their results merged.
func loadPOSTOn(ctx context.Context, bases []string, path string, posters int, d time.Duration) (postResult, error) {
	if len(bases) == 1 {
		return loadPOST(ctx, bases[0], path, posters, d)
	}
	parts := make([]postResult, len(bases))
	errs := make([]error, len(bases))
	var wg sync.WaitGroup
	first := 0
	for i, base := range bases {
		n := posters / len(bases)
		if i < posters%len(bases) {
			n++
		}
		wg.Add(1)
		go func(first int) {
			defer wg.Done()
			parts[i], errs[i] = loadPOSTFrom(ctx, base, path, first, n, d)
		}(first)
		first += n
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return postResult{}, err
	}
	total := &result{Statuses: map[int]int{}}
	for _, p := range parts {
		total.merge(p.result)
		total.Elapsed = max(total.Elapsed, p.Elapsed)
	}
	slices.Sort(total.Latencies)
	return postResult{total}, nil
}

func poster(ctx context.Context, base, path string, p int, end time.Time) (*result, error) {
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	client := &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	// The page is fetched even when the run is short and the machine slow, as every
	// reply is: a run that ends cuts no request short (the client's timeout bounds it).
	page, err := fetch(context.WithoutCancel(ctx), base+path)
	if err != nil {
		return nil, fmt.Errorf("poster %d: %w", p, err)
	}
	m := formShown.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("poster %d: the article page has no reply form", p)
	}
	address := fmt.Sprintf("10.77.%d.%d", p/250, 1+p%250)
	r := &result{Statuses: map[int]int{}, Latencies: make([]time.Duration, 0, 1024)}
	for n := 0; ctx.Err() == nil; n++ {
		form := url.Values{
			"comment": {fmt.Sprintf("Reply %d from poster %d of the benchmark: my calves twitch after long runs, "+
				"and cutting back on coffee helped.", n, p)},
			"author":                 {fmt.Sprintf("Poster %d", p)},
			"email":                  {fmt.Sprintf("poster%d@bench.example.org", p)},
			"url":                    {""},
			"comment_parent":         {"0"},
			"form_shown":             {string(m[1])},
			"contact_me_by_fax_only": {""},
		}
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, base+path+"/comments", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", address)
		req.Header.Set("User-Agent", "fascicle-bench")
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			r.fail(err)
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		r.Statuses[res.StatusCode]++
		if res.StatusCode == http.StatusSeeOther {
			r.Requests++
			r.Latencies = append(r.Latencies, time.Since(t0))
		} else {
			r.Failures++
		}
	}
	return r, nil
}
