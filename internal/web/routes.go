package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// MaxRequestBody is the largest request body accepted. A full-length reply in a
// non-Latin script is about 200 KB once form-encoded, and must fit.
const MaxRequestBody = 256 << 10

// Route is one declared route: what it answers and who may reach it. The server and the
// tests of who may do what both read routeTable, so the two cannot drift apart.
type Route struct {
	Method string // a public GET also answers HEAD
	Path   string // with :params and *catchAll
	// Access says who may reach the route.
	Access Access
	// Perms are the permissions of a Staff route, any one of which lets a role in; none
	// means any signed-in staff member. The handler may narrow them for the thing at
	// hand (an author edits only their own articles).
	Perms []model.Permission
	// KeepsForm, for a staff POST whose form holds work worth keeping, shows that form
	// again with everything typed (401) when the session has ended, instead of sending
	// the person to sign in and losing it (see keptForm).
	KeepsForm func(*Server, *gin.Context)
	// Cached public pages are the same for every anonymous reader (see cachePage).
	Cached bool
	// CrossSite marks the Public POST routes that take requests from anywhere, without
	// the Origin and Sec-Fetch-Site checks against cross-site request forgery (see
	// refuseCrossOrigin): routes that act on a token in their own address alone, never
	// on a cookie, so that a request sent from another site can do nothing that its
	// sender could not do with the token anyway.
	CrossSite bool
	// BeforeTwoStep marks the Staff routes that a person whose role requires two-step
	// sign-in may reach before setting it up: those that set it up. Every other staff
	// route sends them there (see requireTwoStepSetUp).
	BeforeTwoStep bool
	handle        func(*Server, *gin.Context)
}

// Access is who may reach a route.
type Access int

const (
	// Public routes are for everyone, outside /admin/.
	Public Access = iota
	// Open routes are how one signs in: under /admin/, but for anyone.
	Open
	// Staff routes are for signed-in staff whose role has one of the route's Perms.
	Staff
)

var (
	writers      = []model.Permission{model.PermEditOwnArticles, model.PermEditAllArticles, model.PermReviewArticles}
	editors      = []model.Permission{model.PermEditOwnArticles, model.PermEditAllArticles}
	imageUsers   = []model.Permission{model.PermEditOwnArticles}
	moderators   = []model.Permission{model.PermModerateComments}
	userManagers = []model.Permission{model.PermManageUsers}
	settingsMgrs = []model.Permission{model.PermManageSettings}
	personalData = []model.Permission{model.PermPersonalData}
)

// routeTable is every route the server answers.
var routeTable = []Route{
	{Method: "GET", Path: "/", Cached: true, handle: (*Server).home},
	{Method: "GET", Path: "/articles/:slug", Cached: true, handle: (*Server).articleShow},
	{Method: "GET", Path: "/articles/:slug/comments.xml", Cached: true, handle: (*Server).repliesFeed},
	{Method: "GET", Path: "/pages/:slug", Cached: true, handle: (*Server).pageShow},
	{Method: "GET", Path: "/tags/:tag", Cached: true, handle: (*Server).tagShow},
	{Method: "GET", Path: "/search", Cached: true, handle: (*Server).search},
	{Method: "GET", Path: "/feed.xml", Cached: true, handle: (*Server).siteFeed},
	{Method: "GET", Path: "/sitemap.xml", Cached: true, handle: (*Server).sitemap},
	{Method: "GET", Path: "/robots.txt", Cached: true, handle: (*Server).robots},
	{Method: "POST", Path: "/articles/:slug/comments", handle: (*Server).commentCreate},
	{Method: "GET", Path: "/articles/:slug/comments/:id/report", handle: (*Server).commentReport},
	{Method: "POST", Path: "/articles/:slug/comments/:id/report", handle: (*Server).commentReportPost},
	{Method: "GET", Path: "/authors/:slug", Cached: true, handle: (*Server).authorShow},
	{Method: "GET", Path: "/medical-review-board", Cached: true, handle: (*Server).reviewBoard},
	{Method: "GET", Path: "/privacy", handle: (*Server).privacyPolicy},
	// The links in readers' messages: a page with a button, and the button.
	{Method: "GET", Path: "/subscriptions/confirm", handle: (*Server).subscriptionConfirm},
	{Method: "POST", Path: "/subscriptions/confirm", handle: (*Server).subscriptionConfirmPost},
	{Method: "GET", Path: "/subscriptions/unsubscribe", handle: (*Server).subscriptionUnsubscribe},
	// Mail programs post here themselves (RFC 8058 one-click unsubscribe), from no page
	// of this site; the token in the address is the only authority the route needs.
	{Method: "POST", Path: "/subscriptions/unsubscribe", CrossSite: true, handle: (*Server).subscriptionUnsubscribePost},
	{Method: "GET", Path: "/healthz", handle: (*Server).healthz},
	{Method: "GET", Path: "/static/*path", handle: (*Server).staticFile},
	{Method: "GET", Path: "/media/:name", handle: (*Server).mediaFile},

	{Method: "GET", Path: "/admin/login", Access: Open, handle: (*Server).login},
	{Method: "POST", Path: "/admin/login", Access: Open, handle: (*Server).loginPost},
	{Method: "GET", Path: "/admin/login/code", Access: Open, handle: (*Server).loginCode},
	{Method: "POST", Path: "/admin/login/code", Access: Open, handle: (*Server).loginCodePost},
	{Method: "POST", Path: "/admin/logout", Access: Open, handle: (*Server).logout},
	{Method: "GET", Path: "/admin/password-reset", Access: Open, handle: (*Server).passwordReset},
	{Method: "POST", Path: "/admin/password-reset", Access: Open, handle: (*Server).passwordResetPost},
	{Method: "GET", Path: "/admin/password-reset/confirm", Access: Open, handle: (*Server).passwordResetConfirm},
	{Method: "POST", Path: "/admin/password-reset/confirm", Access: Open, handle: (*Server).passwordResetConfirmPost},
	{Method: "GET", Path: "/admin/invitation", Access: Open, handle: (*Server).invitation},
	{Method: "POST", Path: "/admin/invitation", Access: Open, handle: (*Server).invitationPost},
	{Method: "GET", Path: "/admin/setup", Access: Open, handle: (*Server).setup},
	{Method: "POST", Path: "/admin/setup", Access: Open, handle: (*Server).setupPost},

	{Method: "GET", Path: "/admin/", Access: Staff, handle: (*Server).adminHome},
	// Everyone edits their own profile, password and two-step sign-in; administrators
	// anyone's profile (/admin/users/:id/profile).
	{Method: "GET", Path: "/admin/account", Access: Staff, handle: (*Server).adminAccount},
	{Method: "POST", Path: "/admin/account", Access: Staff, KeepsForm: (*Server).profileSignedOut, handle: (*Server).adminAccountPost},
	{Method: "POST", Path: "/admin/account/password", Access: Staff, handle: (*Server).adminAccountPassword},
	{Method: "POST", Path: "/admin/account/sign-out-others", Access: Staff, handle: (*Server).adminAccountSignOutOthers},
	{Method: "POST", Path: "/admin/account/mail", Access: Staff, Perms: moderators, handle: (*Server).adminAccountMail},
	{Method: "GET", Path: "/admin/account/2fa", Access: Staff, BeforeTwoStep: true, handle: (*Server).adminTwoStep},
	{Method: "GET", Path: "/admin/account/2fa/qr.png", Access: Staff, BeforeTwoStep: true, handle: (*Server).adminTwoStepQR},
	{Method: "POST", Path: "/admin/account/2fa", Access: Staff, BeforeTwoStep: true, handle: (*Server).adminTwoStepEnable},
	{Method: "POST", Path: "/admin/account/2fa/disable", Access: Staff, handle: (*Server).adminTwoStepDisable},
	// The profile's old address; it says nothing, so it answers anyone.
	{Method: "GET", Path: "/admin/profile", Access: Open, handle: (*Server).adminProfileMoved},

	// Articles: authors (their own), editors, admins and reviewers; each handler checks
	// what the staff member may do to the article at hand.
	{Method: "GET", Path: "/admin/articles", Access: Staff, Perms: writers, handle: (*Server).adminArticles},
	{Method: "GET", Path: "/admin/articles/new", Access: Staff, Perms: writers, handle: (*Server).adminArticleNew},
	{Method: "POST", Path: "/admin/articles/new", Access: Staff, Perms: editors, KeepsForm: (*Server).editorSignedOut, handle: (*Server).adminArticleCreate},
	{Method: "GET", Path: "/admin/articles/:id", Access: Staff, Perms: writers, handle: (*Server).adminArticleShow},
	{Method: "GET", Path: "/admin/articles/:id/edit", Access: Staff, Perms: writers, handle: (*Server).adminArticleEdit},
	{Method: "POST", Path: "/admin/articles/:id/edit", Access: Staff, Perms: editors, KeepsForm: (*Server).editorSignedOut, handle: (*Server).adminArticleUpdate},
	{Method: "POST", Path: "/admin/articles/:id/status", Access: Staff, Perms: writers, handle: (*Server).adminArticleStatus},
	{Method: "POST", Path: "/admin/articles/:id/review", Access: Staff, Perms: writers, handle: (*Server).adminArticleReview},
	{Method: "GET", Path: "/admin/articles/:id/revisions", Access: Staff, Perms: writers, handle: (*Server).adminRevisions},
	{Method: "GET", Path: "/admin/articles/:id/revisions/diff", Access: Staff, Perms: writers, handle: (*Server).adminRevisionDiff},
	{Method: "GET", Path: "/admin/articles/:id/revisions/:rev/restore", Access: Staff, Perms: writers, handle: (*Server).adminRevisionRestoreConfirm},
	{Method: "POST", Path: "/admin/articles/:id/revisions/:rev/restore", Access: Staff, Perms: writers, handle: (*Server).adminRevisionRestore},
	{Method: "POST", Path: "/admin/preview", Access: Staff, Perms: writers, handle: (*Server).adminPreview},

	{Method: "GET", Path: "/admin/media", Access: Staff, Perms: imageUsers, handle: (*Server).adminMedia},
	{Method: "POST", Path: "/admin/media", Access: Staff, Perms: imageUsers, handle: (*Server).adminMediaPost},

	{Method: "GET", Path: "/admin/comments", Access: Staff, Perms: moderators, handle: (*Server).adminComments},
	{Method: "POST", Path: "/admin/comments/bulk", Access: Staff, Perms: moderators, handle: (*Server).adminCommentsBulk},
	{Method: "GET", Path: "/admin/comments/:id/edit", Access: Staff, Perms: moderators, handle: (*Server).adminCommentEdit},
	{Method: "POST", Path: "/admin/comments/:id/edit", Access: Staff, Perms: moderators, handle: (*Server).adminCommentEditPost},
	{Method: "POST", Path: "/admin/comments/:id/reply", Access: Staff, Perms: moderators, handle: (*Server).adminCommentReply},
	{Method: "POST", Path: "/admin/comments/:id/action/:action", Access: Staff, Perms: moderators, handle: (*Server).adminCommentAction},
	{Method: "POST", Path: "/admin/comments/:id/pin", Access: Staff, Perms: moderators, handle: (*Server).adminCommentPin},
	{Method: "POST", Path: "/admin/comments/:id/unpin", Access: Staff, Perms: moderators, handle: (*Server).adminCommentUnpin},
	{Method: "POST", Path: "/admin/articles/:id/replies", Access: Staff, Perms: moderators, handle: (*Server).adminArticleReplies},
	{Method: "GET", Path: "/admin/bans", Access: Staff, Perms: moderators, handle: (*Server).adminBans},
	{Method: "GET", Path: "/admin/bans/new", Access: Staff, Perms: moderators, handle: (*Server).adminBanNew},
	{Method: "POST", Path: "/admin/bans", Access: Staff, Perms: moderators, handle: (*Server).adminBanCreate},
	{Method: "POST", Path: "/admin/bans/:id/lift", Access: Staff, Perms: moderators, handle: (*Server).adminBanLift},

	{Method: "GET", Path: "/admin/users", Access: Staff, Perms: userManagers, handle: (*Server).adminUsers},
	{Method: "POST", Path: "/admin/users", Access: Staff, Perms: userManagers, handle: (*Server).adminUsersPost},
	{Method: "POST", Path: "/admin/users/invite", Access: Staff, Perms: userManagers, handle: (*Server).adminUsersInvite},
	{Method: "GET", Path: "/admin/users/:id", Access: Staff, Perms: userManagers, handle: (*Server).adminUser},
	{Method: "POST", Path: "/admin/users/:id", Access: Staff, Perms: userManagers, handle: (*Server).adminUserPost},
	{Method: "GET", Path: "/admin/users/:id/profile", Access: Staff, Perms: userManagers, handle: (*Server).adminUserProfile},
	{Method: "POST", Path: "/admin/users/:id/profile", Access: Staff, Perms: userManagers, KeepsForm: (*Server).profileSignedOut, handle: (*Server).adminUserProfilePost},
	{Method: "GET", Path: "/admin/users/:id/two-step", Access: Staff, Perms: userManagers, handle: (*Server).adminUserTwoStep},
	{Method: "POST", Path: "/admin/users/:id/two-step/reset", Access: Staff, Perms: userManagers, handle: (*Server).adminUserTwoStepReset},
	{Method: "POST", Path: "/admin/users/:id/invitation", Access: Staff, Perms: userManagers, handle: (*Server).adminUserInvitation},

	{Method: "GET", Path: "/admin/settings", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminSettings},
	{Method: "POST", Path: "/admin/settings", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminSettingsPost},
	{Method: "GET", Path: "/admin/outbox", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminOutbox},
	{Method: "GET", Path: "/admin/webhooks", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminWebhooks},
	{Method: "POST", Path: "/admin/webhooks", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminWebhookCreate},
	{Method: "GET", Path: "/admin/webhooks/:id", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminWebhook},
	{Method: "POST", Path: "/admin/webhooks/:id/delete", Access: Staff, Perms: settingsMgrs, handle: (*Server).adminWebhookDelete},

	{Method: "GET", Path: "/admin/privacy", Access: Staff, Perms: personalData, handle: (*Server).adminPrivacy},
	{Method: "POST", Path: "/admin/privacy/export", Access: Staff, Perms: personalData, handle: (*Server).adminPrivacyExport},
	{Method: "POST", Path: "/admin/privacy/erase", Access: Staff, Perms: personalData, handle: (*Server).adminPrivacyErase},
}

// routes registers routeTable on the engine, each route behind the middleware its
// access needs.
func (s *Server) routes() {
	e := s.engine
	e.Use(s.logRequests, s.recoverPanics, securityHeaders(s.secure), s.refuseUnreadablePaths, s.refuseCrossOrigin,
		s.limitBody(MaxRequestBody))
	e.NoRoute(s.noRoute)
	e.NoMethod(s.methodNotAllowed)
	for _, r := range routeTable {
		var chain []gin.HandlerFunc
		switch r.Access {
		case Public:
			if r.Cached {
				chain = append(chain, s.cachePage)
			}
			// Staff see pages signed in (the article's reply form is theirs) and reply as
			// themselves. cachePage lets only requests with a session cookie through to
			// here uncached; static files never look a session up.
			if r.Cached || r.Method == http.MethodPost {
				chain = append(chain, s.loadStaff)
			}
		case Open:
			chain = append(chain, s.loadStaff, noIndex)
		case Staff:
			chain = append(chain, s.loadStaff, noIndex)
			if r.KeepsForm != nil {
				chain = append(chain, s.keptForm(r.KeepsForm))
			}
			if len(r.Perms) == 0 {
				chain = append(chain, s.requirePermission(""))
			} else {
				chain = append(chain, s.requireAnyPermission(r.Perms...))
			}
			if !r.BeforeTwoStep {
				chain = append(chain, s.requireTwoStepSetUp)
			}
		}
		handle := r.handle
		chain = append(chain, func(c *gin.Context) { handle(s, c) })
		e.Handle(r.Method, r.Path, chain...)
		if r.Method == http.MethodGet && r.Access == Public {
			// HEAD is answered like GET, without the body, as monitors and crawlers expect.
			e.Handle(http.MethodHead, r.Path, chain...)
		}
	}
}

// noIndex keeps staff pages out of search engines and shared caches.
func noIndex(c *gin.Context) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	c.Header("Cache-Control", "no-store")
	c.Next()
}
