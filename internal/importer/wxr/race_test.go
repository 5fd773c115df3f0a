//go:build race

package wxr_test

// raceEnabled shortens the streaming test, which the race detector slows tenfold.
const raceEnabled = true
