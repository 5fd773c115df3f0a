package web

import (
	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/model"
)

// MaxRequestBody is the largest request body accepted. A full-length reply in a
// non-Latin script is about 200 KB once form-encoded, and must fit.
const MaxRequestBody = 256 << 10

func (s *Server) routes() {
	e := s.engine
	e.Use(s.logRequests, s.recoverPanics, securityHeaders(s.secure), s.refuseCrossOrigin, s.limitBody(MaxRequestBody))
	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)

	// Public pages are the same for every anonymous reader, so they are cached.
	getAndHead(e, "/", s.cachePage, s.home)
	getAndHead(e, "/articles/:slug", s.cachePage, s.articleShow)
	getAndHead(e, "/articles/:slug/comments.xml", s.cachePage, s.repliesFeed)
	getAndHead(e, "/tags/:tag", s.cachePage, s.tagShow)
	getAndHead(e, "/search", s.cachePage, s.search)
	getAndHead(e, "/feed.xml", s.cachePage, s.siteFeed)
	getAndHead(e, "/sitemap.xml", s.cachePage, s.sitemap)
	getAndHead(e, "/robots.txt", s.cachePage, s.robots)
	e.POST("/articles/:slug/comments", s.loadStaff, s.commentCreate)
	getAndHead(e, "/privacy", s.privacyPolicy)
	getAndHead(e, "/healthz", s.healthz)
	getAndHead(e, "/static/*path", s.staticFile)
	getAndHead(e, "/media/:name", s.mediaFile)

	admin := e.Group("/admin", s.loadStaff, noIndex)
	admin.GET("/login", s.login)
	admin.POST("/login", s.loginPost)
	admin.POST("/logout", s.logout)
	admin.GET("/setup", s.setup)
	admin.POST("/setup", s.setupPost)

	signedIn := admin.Group("", s.requirePermission(""))
	signedIn.GET("/", s.adminHome)

	// Articles: authors (their own), editors, admins and reviewers; each handler checks
	// what the staff member may do to the article at hand.
	writers := admin.Group("", s.requireAnyPermission(model.PermEditOwnArticles, model.PermEditAllArticles, model.PermReviewArticles))
	writers.GET("/articles", s.adminArticles)
	writers.GET("/articles/new", s.adminArticleNew)
	writers.POST("/articles/new", s.adminArticleCreate)
	writers.GET("/articles/:id", s.adminArticleShow)
	writers.GET("/articles/:id/edit", s.adminArticleEdit)
	editors := admin.Group("", s.editorSignedOut, s.requireAnyPermission(model.PermEditOwnArticles, model.PermEditAllArticles))
	editors.POST("/articles/:id/edit", s.adminArticleUpdate)
	writers.POST("/articles/:id/status", s.adminArticleStatus)
	writers.POST("/articles/:id/review", s.adminArticleReview)
	writers.GET("/articles/:id/revisions", s.adminRevisions)
	writers.GET("/articles/:id/revisions/diff", s.adminRevisionDiff)
	writers.POST("/articles/:id/revisions/:rev/restore", s.adminRevisionRestore)
	writers.POST("/preview", s.adminPreview)

	images := admin.Group("", s.requirePermission(model.PermEditOwnArticles))
	images.GET("/media", s.adminMedia)
	images.POST("/media", s.adminMediaPost)

	moderate := admin.Group("", s.requirePermission(model.PermModerateComments))
	moderate.GET("/comments", s.adminComments)
	moderate.POST("/comments/bulk", s.adminCommentsBulk)
	moderate.GET("/comments/:id/edit", s.adminCommentEdit)
	moderate.POST("/comments/:id/edit", s.adminCommentEditPost)
	moderate.POST("/comments/:id/reply", s.adminCommentReply)
	moderate.POST("/comments/:id/action/:action", s.adminCommentAction)
	moderate.POST("/articles/:id/replies", s.adminArticleReplies)
	moderate.GET("/bans", s.adminBans)
	moderate.GET("/bans/new", s.adminBanNew)
	moderate.POST("/bans", s.adminBanCreate)
	moderate.POST("/bans/:id/lift", s.adminBanLift)

	users := admin.Group("", s.requirePermission(model.PermManageUsers))
	users.GET("/users", s.adminUsers)
	users.POST("/users", s.adminUsersPost)

	settings := admin.Group("", s.requirePermission(model.PermManageSettings))
	settings.GET("/settings", s.adminSettings)
	settings.POST("/settings", s.adminSettingsPost)

	privacy := admin.Group("", s.requirePermission(model.PermPersonalData))
	privacy.GET("/privacy", s.adminPrivacy)
	privacy.POST("/privacy/export", s.adminPrivacyExport)
	privacy.POST("/privacy/erase", s.adminPrivacyErase)
}

// noIndex keeps staff pages out of search engines and shared caches.
func noIndex(c *gin.Context) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// getAndHead answers HEAD like GET, without the body, as monitors and crawlers expect.
func getAndHead(e *gin.Engine, path string, handlers ...gin.HandlerFunc) {
	e.GET(path, handlers...)
	e.HEAD(path, handlers...)
}
