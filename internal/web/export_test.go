package web

import "github.com/gin-gonic/gin"

// RouteTable is routeTable, for the tests of who may reach what.
var RouteTable = routeTable

// RegisteredRoutes lists the routes the engine answers.
func (s *Server) RegisteredRoutes() gin.RoutesInfo {
	return s.engine.Routes()
}
