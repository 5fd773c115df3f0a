//go:build !unix

package store

// walWatch is not available here: the content version is read each time.
type walWatch struct{}

type walStamp struct{}

func (walStamp) initialized() bool { return false }

func openWALWatch(string) *walWatch { return nil }

func (w *walWatch) stamp() walStamp { return walStamp{} }

func (w *walWatch) close() {}
