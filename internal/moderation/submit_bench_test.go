package moderation_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fascicle/fascicle/internal/moderation"
)

// BenchmarkSubmit_Parallel measures the write path of a reply with every check
// (duplicate, ban, classification) and a durable commit, as fascicle-bench drives it:
// 16 posters, each with its own address and email, many replies each, no flood
// interval.
func BenchmarkSubmit_Parallel(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	policy, err := f.st.Policy(ctx)
	if err != nil {
		b.Fatal(err)
	}
	policy.FloodSeconds = 0
	policy.MinFormSeconds = 0
	if err := f.st.SavePolicy(ctx, policy); err != nil {
		b.Fatal(err)
	}
	f.svc.SetClock(time.Now)
	var n atomic.Int64
	b.SetParallelism(8) // 16 posters on 2 CPUs
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			sub := moderation.Submission{
				Body: fmt.Sprintf("Reply number %d: my calves twitch after long runs.", i), Name: "Poster",
				Email:      fmt.Sprintf("poster%d@example.com", i%16),
				ClientAddr: netip.AddrFrom4([4]byte{10, 0, 0, byte(i % 16)}),
			}
			if _, err := f.svc.Submit(ctx, f.article, sub); err != nil {
				b.Errorf("submit %d: %v", i, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replies/s")
}
