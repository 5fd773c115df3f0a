package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/moderation"
)

// logRequests writes one structured line per request. It logs the anonymised network
// of the client, never its address, and the path without the query string, which may
// carry a reader's token.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.Duration("duration", time.Since(start)),
		slog.String("client", moderation.AnonymisedPrefix(clientAddr(c))),
	)
}

// recoverPanics turns a panic in a handler into the "Internal error" page.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.serverError(c, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every response carries. The policy allows scripts
// and styles only from this site's own files: no inline script, no third party.
func securityHeaders(https bool) gin.HandlerFunc {
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self'",
		"font-src 'self'",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	// Built once, with canonical names, and assigned directly: every response carries
	// them, and Header.Set would canonicalise each name on each response. Nothing
	// modifies a header's values in place, so the slices can be shared.
	headers := http.Header{}
	headers.Set("Content-Security-Policy", csp)
	headers.Set("X-Content-Type-Options", "nosniff")
	headers.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	headers.Set("X-Frame-Options", "DENY")
	headers.Set("Cross-Origin-Opener-Policy", "same-origin")
	headers.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if https {
		headers.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		for name, values := range headers {
			h[name] = values
		}
		c.Next()
	}
}

// refuseCrossOrigin refuses state-changing requests sent by another site's page
// (cross-site request forgery), using the browser's Sec-Fetch-Site and Origin headers.
//
// A request with neither header comes from a browser too old to send them (or from a
// program), and cannot be told apart from a forged one: it is accepted only on the
// public routes (the reply form), never on the staff routes, sign-in included.
//
// When the site's address was configured (Options.CheckHost), a request must also be
// for that address's host (421 if not: it reached the site under another name, through
// DNS rebinding or a proxy that does not pass the Host on), and an Origin must be that
// address's scheme and host, so that a page served over plain HTTP, or on another port,
// cannot send forms to the HTTPS site.
func (s *Server) refuseCrossOrigin(c *gin.Context) {
	r := c.Request
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	if s.siteHost != "" && hostPort(r.Host, s.siteScheme) != s.siteHost {
		s.renderError(c, http.StatusMisdirectedRequest, "Wrong address",
			"This form was sent to an address that is not this site's, so it was refused. Open the site at its own address and send the form from there.")
		return
	}
	if s.crossSite[r.Method+" "+c.FullPath()] {
		// A route that goes by the token in its address alone (Route.CrossSite): the
		// one-click unsubscribe link, which mail programs post to from their own
		// servers or pages, with no Origin or with their own.
		c.Next()
		return
	}
	origin, fetchSite := r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")
	if origin == "" && fetchSite == "" {
		if route := c.FullPath(); route != "" && !s.headerless[r.Method+" "+route] {
			s.renderError(c, http.StatusForbidden, "Request refused",
				"Your browser did not say which site this form came from, so it was refused to protect your account. Please use a current browser to sign in and work on this site.")
			return
		}
	}
	var refused bool
	if s.siteHost != "" && origin != "" {
		// The Origin is compared with the configured address, not with the Host as
		// CrossOriginProtection does, which would accept http:// for an https:// site.
		refused = !s.siteOrigin(origin) || (fetchSite != "" && s.crossOrig.Check(r) != nil)
	} else {
		refused = s.crossOrig.Check(r) != nil
	}
	if refused {
		s.renderError(c, http.StatusForbidden, "Request refused",
			"This form was sent from another site, so it was refused to protect you. Go back to the page on this site and send it from there.")
		return
	}
	c.Next()
}

// siteOrigin reports whether origin, an Origin header, is the configured address's
// scheme, host and port.
func (s *Server) siteOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == s.siteScheme && hostPort(u.Host, scheme) == s.siteHost
}

// hostPort returns host ("name" or "name:port") in lower case with its port, the
// scheme's default when it has none, so that one address has one spelling.
func hostPort(host, scheme string) string {
	host = strings.ToLower(host)
	if name, port, err := net.SplitHostPort(host); err == nil {
		return net.JoinHostPort(name, port)
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), port)
}

// crossSiteRoutes returns the routes that take requests from any site (Route.CrossSite),
// as "METHOD /path". Only public routes that change something may be among them.
func crossSiteRoutes() map[string]bool {
	routes := map[string]bool{}
	for _, r := range routeTable {
		if r.CrossSite && r.Access == Public && r.Method != http.MethodGet {
			routes[r.Method+" "+r.Path] = true
		}
	}
	return routes
}

// headerlessRoutes returns the state-changing routes that a browser sending neither
// Origin nor Sec-Fetch-Site may use, as "METHOD /path": the public ones.
func headerlessRoutes() map[string]bool {
	routes := map[string]bool{}
	for _, r := range routeTable {
		if r.Access == Public && r.Method != http.MethodGet {
			routes[r.Method+" "+r.Path] = true
		}
	}
	return routes
}

// MaxUploadBody is the largest request body accepted by the routes that take an image
// upload: an image of up to 5 MB (model.MaxMediaSize) and the rest of the form.
const MaxUploadBody = 6 << 20

// uploadRoutes are the routes whose forms may carry an image, or (the live preview) a
// whole article body, URL-encoded, so whose bodies may reach MaxUploadBody.
var uploadRoutes = map[string]bool{
	"/admin/media":             true,
	"/admin/preview":           true,
	"/admin/articles/new":      true,
	"/admin/articles/:id/edit": true,
	"/admin/account":           true, // a profile photo
	"/admin/users/:id/profile": true,
}

// bodyLimit returns the largest body the request's route accepts.
func bodyLimit(c *gin.Context, limit int64) int64 {
	if uploadRoutes[c.FullPath()] {
		return max(limit, MaxUploadBody)
	}
	return limit
}

// limitBody refuses bodies over limit (MaxUploadBody on uploadRoutes): at once when
// the length is declared, and as soon as the limit is passed when it is not.
func (s *Server) limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := bodyLimit(c, limit)
		if c.Request.ContentLength > limit {
			s.bodyTooLarge(c)
			return
		}
		if c.Request.ContentLength < 0 && limit > MaxRequestBody {
			// Browsers declare the length of every form they send. Reading an upload of
			// undeclared length to find out would hold megabytes for anyone, signed in
			// or not, before the route checks who is asking.
			s.renderError(c, http.StatusLengthRequired, "Length required",
				"This form must be sent with its length. Send it again from the page, in a web browser.")
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		if c.Request.ContentLength < 0 {
			// A small body of undeclared length is read here (at most MaxRequestBody):
			// handlers that read forms with c.PostForm never see the error of a cut-off
			// body, and would act on an empty form instead of refusing it.
			body, err := io.ReadAll(c.Request.Body)
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				s.bodyTooLarge(c)
				return
			}
			if err != nil {
				s.renderError(c, http.StatusBadRequest, "Bad request", "What you sent could not be read. Please send it again.")
				return
			}
			c.Request.Body = io.NopCloser(bytes.NewReader(body))
			c.Request.ContentLength = int64(len(body))
		}
		c.Next()
	}
}

// clientAddr returns the client's address: the connection's peer, or what a trusted
// proxy reported.
func clientAddr(c *gin.Context) netip.Addr {
	addr, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return netip.Addr{}
	}
	return addr
}

// refuseUnreadablePaths answers 404 for a path that is not valid UTF-8 or holds a NUL:
// no page has such an address.
func (s *Server) refuseUnreadablePaths(c *gin.Context) {
	if path := c.Request.URL.Path; !utf8.ValidString(path) || strings.IndexByte(path, 0) >= 0 {
		s.notFound(c)
		c.Abort()
		return
	}
	c.Next()
}
