// Package web is Fascicle's HTTP front: routes, middleware, handlers and rendering.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/mail"
	"github.com/fascicle/fascicle/internal/media"
	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/privacy"
	"github.com/fascicle/fascicle/internal/publishing"
	"github.com/fascicle/fascicle/internal/store"
	"github.com/fascicle/fascicle/internal/token"
)

// Options is what the web layer needs from the rest of the program.
type Options struct {
	Store          *store.Store
	Moderation     *moderation.Service
	Accounts       *accounts.Service   // staff sign-in; when nil, New makes one from Store, TokenKey and Now
	Publishing     *publishing.Service // when nil, one on Store with the clock Now
	Privacy        *privacy.Service    // personal-data requests; when nil, one on Store for PublicURL with the clock Now
	Mail           *mail.Service       // mail and webhooks; when nil, one on Store with mail off
	Logger         *slog.Logger
	PublicURL      string   // e.g. https://health.example.org, no final slash
	CheckHost      bool     // PublicURL was configured (--base-url), so requests that change things must be for its host and origin (see refuseCrossOrigin)
	Secure         bool     // served over HTTPS
	TrustedProxies []string // whose X-Forwarded-For is believed
	TokenKey       []byte   // at least 32 bytes: signs the ?pending= links and the reply form's shown-at stamp (see token)
	SiteName       string
	MediaDir       string           // where uploaded images are kept; uploads are off when empty
	Now            func() time.Time // the clock; time.Now when nil
	// NoPageCache turns the page cache off (FASCICLE_PAGE_CACHE=off), to measure or
	// debug rendering.
	NoPageCache bool
}

// Server holds the handlers' shared state.
type Server struct {
	store       *store.Store
	moderation  *moderation.Service
	accounts    *accounts.Service
	publishing  *publishing.Service
	privacy     *privacy.Service
	mail        *mail.Service
	log         *slog.Logger
	publicURL   string
	tagHost     string // the host of publicURL, for the feeds' entry ids (see tagURI)
	secure      bool
	siteName    string
	media       *media.Service
	now         func() time.Time
	pages       *pages
	assets      *assets
	tokens      *token.Signer // the ?pending= links and the reply form's shown-at stamp
	crossOrig   *http.CrossOriginProtection
	siteScheme  string          // of publicURL, when Options.CheckHost
	siteHost    string          // of publicURL with its port (see hostPort), when Options.CheckHost
	headerless  map[string]bool // see headerlessRoutes
	crossSite   map[string]bool // see crossSiteRoutes
	cache       *pageCache
	pageCacheOn bool
	bodies      bodyCache
	replies     replyCache
	threads     boundedMap[threadKey, *renderedThread] // see threadKey
	articles    boundedMap[articleKey, *articleParts]  // see articleKey
	footers     footerCache
	fixedLinks  []footerLink  // see siteFooterLinks
	fixedFooter template.HTML // the footer of fixedLinks alone, for staff pages
	engine      *gin.Engine
}

// New builds the server. It fails if a template or asset is broken, so that a broken
// page can never reach a reader.
func New(opt Options) (*Server, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SiteName == "" {
		opt.SiteName = "Fascicle"
	}
	tokens, err := token.New(opt.TokenKey)
	if err != nil {
		return nil, err
	}
	if opt.Mail == nil {
		if opt.Mail, err = mail.New(mail.Options{Store: opt.Store, PublicURL: opt.PublicURL, SiteName: opt.SiteName, Now: opt.Now}); err != nil {
			return nil, err
		}
	}
	s := &Server{
		store:       opt.Store,
		moderation:  opt.Moderation,
		accounts:    opt.Accounts,
		publishing:  opt.Publishing,
		privacy:     opt.Privacy,
		mail:        opt.Mail,
		log:         opt.Logger,
		publicURL:   opt.PublicURL,
		tagHost:     tagHost(opt.PublicURL),
		secure:      opt.Secure,
		siteName:    opt.SiteName,
		media:       media.New(opt.Store, opt.MediaDir, opt.Now),
		now:         opt.Now,
		tokens:      tokens,
		crossOrig:   http.NewCrossOriginProtection(),
		headerless:  headerlessRoutes(),
		crossSite:   crossSiteRoutes(),
		cache:       newPageCache(),
		pageCacheOn: !opt.NoPageCache,
		fixedLinks:  fixedFooterLinks(routeTable),
	}
	if opt.CheckHost {
		u, err := url.Parse(opt.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("public URL %q: want http(s)://host[:port]", opt.PublicURL)
		}
		s.siteScheme, s.siteHost = u.Scheme, hostPort(u.Host, u.Scheme)
	}
	if s.accounts == nil {
		s.accounts = accounts.New(opt.Store)
		s.accounts.SetClock(opt.Now)
		s.accounts.SetMedia(s.media) // profile photos
	}
	if s.publishing == nil {
		s.publishing = publishing.New(opt.Store)
		s.publishing.SetClock(opt.Now)
	}
	if s.privacy == nil {
		s.privacy = privacy.New(opt.Store, opt.PublicURL)
		s.privacy.SetClock(opt.Now)
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = loadPages(s.templateFuncs()); err != nil {
		return nil, err
	}
	if s.fixedFooter, err = s.renderFooter(s.fixedLinks); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	s.engine = gin.New()
	s.engine.HandleMethodNotAllowed = true
	s.engine.RedirectTrailingSlash = true
	s.engine.RemoveExtraSlash = true
	if err := s.engine.SetTrustedProxies(opt.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}
