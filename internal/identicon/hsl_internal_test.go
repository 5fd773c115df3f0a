package identicon

import "testing"

// Ensure colours convert from hue, saturation and lightness at each sixth of the
// circle and at its ends.
func TestHSLHex(t *testing.T) {
	t.Parallel()
	for hue, want := range map[float64]string{
		0: "#993333", 59.9: "#999933", 60: "#999933", 119: "#359933",
		180: "#339999", 240: "#333399", 300: "#993399", 359.9: "#993333", 360: "#993333",
	} {
		if got := hslHex(hue, 0.5, 0.4); got != want {
			t.Errorf("hslHex(%v, 0.5, 0.4) = %s, want %s", hue, got, want)
		}
	}
}
