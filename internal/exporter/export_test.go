package exporter

// SetPageSizes sets how many articles and replies one read takes, so that tests
// cross the pages' edges with a small site.
func (s *Service) SetPageSizes(articles, replies int) {
	s.articlesPerRead, s.repliesPerRead = articles, replies
}
