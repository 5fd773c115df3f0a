package model

// ReportReason is why a reader reports a reply.
type ReportReason string

// The reasons a reader may give, in the order the form offers them.
const (
	ReportMisinformation ReportReason = "misinformation"
	ReportHarmfulAdvice  ReportReason = "harmful-advice"
	ReportAbuse          ReportReason = "abuse"
	ReportSpam           ReportReason = "spam"
	ReportPersonalInfo   ReportReason = "personal-information"
	ReportOther          ReportReason = "other"
)

// ReportReasons lists every reason in the form's order.
var ReportReasons = []ReportReason{ReportMisinformation, ReportHarmfulAdvice, ReportAbuse, ReportSpam, ReportPersonalInfo, ReportOther}

// Label is the reason's name for people; "" for an unknown reason.
func (r ReportReason) Label() string {
	switch r {
	case ReportMisinformation:
		return "Medical misinformation"
	case ReportHarmfulAdvice:
		return "Harmful medical advice"
	case ReportAbuse:
		return "Abuse or harassment"
	case ReportSpam:
		return "Spam or advertising"
	case ReportPersonalInfo:
		return "Someone's personal information"
	case ReportOther:
		return "Something else"
	}
	return ""
}

// Valid reports whether r is one of ReportReasons.
func (r ReportReason) Valid() bool { return r.Label() != "" }
