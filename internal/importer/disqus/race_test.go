//go:build race

package disqus_test

// raceEnabled shortens the streaming test, which the race detector slows tenfold.
const raceEnabled = true
