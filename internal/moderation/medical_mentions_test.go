package moderation_test

import (
	"testing"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/moderation"
)

// Ensure doses are found in the spellings readers use, and numbers that are not doses
// are left alone.
func TestDoseIn(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"I take 500mg at night":         "500mg",
		"about 0.5 g a day":             "0.5 g",
		"2 x 200 mg, twice":             "2 x 200 mg",
		"2×200mg":                       "2×200mg",
		"1,000 IU of vitamin D":         "1,000 IU",
		"50 mcg daily":                  "50 mcg",
		"25 µg":                         "25 µg",
		"5 ml of syrup":                 "5 ml",
		"two puffs, then 2 puffs again": "2 puffs",
		"10 units of insulin":           "10 units",
		"1 tablet":                      "1 tablet",
		"3 drops in each eye":           "3 drops",
		"400-mg tablets":                "400-mg",
		"(200 milligrams)":              "200 milligrams",
		"in 2019":                       "",
		"5 km a day":                    "",
		"my 4G phone":                   "",
		"version 2.5":                   "",
		"at 10 pm":                      "",
		"It took 3 weeks":               "",
		"a 500-word article":            "",
		"mg alone":                      "",
		"room 12, gate 5":               "",
		"calls at 5 gmt":                "",
		"scored 10 goals":               "",
		"the 3 gurus":                   "",
		"an email 1@mg.example":         "",
	} {
		if got := moderation.DoseIn(text); got != want {
			t.Errorf("DoseIn(%q) = %q, want %q", text, got, want)
		}
	}
}

// Ensure medicines are found as words, in any case and in the plural, and not inside
// other words.
func TestMedicineIn(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Ibuprofen helped":          "ibuprofen",
		"no more STATINS for me":    "statin",
		"ibuprofen's side effects":  "ibuprofen",
		"aspirinated is not a word": "",
		"nothing here":              "",
	} {
		if got := moderation.MedicineIn(text, model.DefaultMedicines); got != want {
			t.Errorf("MedicineIn(%q) = %q, want %q", text, got, want)
		}
	}
}

// Ensure links are held only when they leave the trusted sites, subdomains included,
// whatever the case, port or www.
func TestLinkedDomainOutside(t *testing.T) {
	t.Parallel()
	trusted := []string{"nhs.uk", "nih.gov"}
	for text, want := range map[string]string{
		"https://www.nhs.uk/conditions/cramp/":                              "",
		"see pubmed.ncbi.nlm.NIH.gov: https://pubmed.ncbi.nlm.nih.gov/123/": "",
		"www.NHS.uk":                                   "",
		"http://nhs.uk:8080/x":                         "",
		"https://nhs.uk.evil.example/":                 "nhs.uk.evil.example",
		"https://evilnhs.uk/":                          "evilnhs.uk",
		"ok https://nhs.uk then http://shop.example/a": "shop.example",
		"no links":                                     "",
	} {
		if got := moderation.LinkedDomainOutside(text, trusted); got != want {
			t.Errorf("LinkedDomainOutside(%q) = %q, want %q", text, got, want)
		}
	}
}

// Ensure a web address counts as one link, with or without its scheme and www.
func TestCountLinks(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int{
		"https://www.nhs.uk/conditions/":        1,
		"www.nhs.uk and http://who.int":         2,
		"HTTPS://WWW.A.EXAMPLE www.b.example":   2,
		"(www.a.example) and https://b.example": 2,
		"awww.example is not one":               0,
		"no links":                              0,
	} {
		if got := moderation.CountLinks(text); got != want {
			t.Errorf("CountLinks(%q) = %d, want %d", text, got, want)
		}
	}
}

// Ensure the words a held reason names are found for the queue to mark.
func TestFoundIn(t *testing.T) {
	t.Parallel()
	for reason, want := range map[string]string{
		"mentions a dose: 500 mg":                         "500 mg",
		"names a medicine: ibuprofen":                     "ibuprofen",
		"contains the hold word “cheap”":                  "cheap",
		"contains the spam word “free money”":             "free money",
		"every reply is held (manual moderation)":         "",
		"links to shop.example, which is not on the list": "",
	} {
		if got := moderation.FoundIn(reason); got != want {
			t.Errorf("FoundIn(%q) = %q, want %q", reason, got, want)
		}
	}
}
