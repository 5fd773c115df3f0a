package accounts

import (
	"context"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

// TwoStepSetupLifetime is how long a secret shown for setting up two-step sign-in
// stays usable; after that a new one is shown.
const TwoStepSetupLifetime = time.Hour

// totpPeriod is the time step of codes, in seconds: what authenticator apps use.
const totpPeriod = 30

// totpOptions are RFC 6238's defaults, which every authenticator app reads.
var totpOptions = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors of two-step sign-in.
var (
	// ErrWrongCode means a code is neither the app's code of the moment nor an
	// unused recovery code of the account.
	ErrWrongCode = errors.New("wrong code")
	// ErrCodeReused means the app's code was right but already used: each code works
	// once, so that one seen over a shoulder or in transit is worth nothing.
	ErrCodeReused = errors.New("code already used")
	// ErrRecoveryCodeUsed means a recovery code of the account was used before.
	ErrRecoveryCodeUsed = errors.New("recovery code already used")
	// ErrTwoStepOn means two-step sign-in is already on, so there is nothing to set up.
	ErrTwoStepOn = errors.New("two-step sign-in is already on")
	// ErrTwoStepSetupExpired means the secret being set up is older than
	// TwoStepSetupLifetime, or was never shown.
	ErrTwoStepSetupExpired = errors.New("two-step set-up expired")
	// ErrTwoStepRequired means the account's role must sign in with two steps, so it
	// cannot be turned off.
	ErrTwoStepRequired = errors.New("two-step sign-in is required for this role")
)

// TwoStepSetup is a secret being set up: shown as a QR code and as text, until a
// right code turns it on.
type TwoStepSetup struct {
	key *otp.Key
}

// Secret returns the secret in base32, grouped by four for typing by hand.
func (t *TwoStepSetup) Secret() string {
	secret := t.key.Secret()
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// QR returns the QR code that authenticator apps scan, size pixels wide.
func (t *TwoStepSetup) QR(size int) (image.Image, error) {
	return t.key.Image(size, size)
}

// PendingTwoStep returns the secret user is setting up, for the QR code and the text
// shown to them, making one if they have none or theirs is older than
// TwoStepSetupLifetime. issuer names the site in the authenticator app. The secret is
// kept server-side, encrypted, so that the QR code's own request and the form that
// turns it on need not carry it. Returns ErrTwoStepOn.
func (s *Service) PendingTwoStep(ctx context.Context, user *model.User, issuer string) (*TwoStepSetup, error) {
	if user.TwoStepOn() {
		return nil, ErrTwoStepOn
	}
	state, err := s.store.TOTP(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	secret := state.Pending
	if secret == "" || state.PendingAt == nil || now.Sub(*state.PendingAt) >= TwoStepSetupLifetime {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: user.EmailAddress(), Period: totpPeriod,
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return nil, err
		}
		secret = key.Secret()
		if err := s.store.SetPendingTOTP(ctx, user.ID, secret, now); err != nil {
			return nil, err
		}
	}
	return setupOf(secret, issuer, user.EmailAddress())
}

// setupOf rebuilds the key of a stored base32 secret.
func setupOf(secret, issuer, account string) (*TwoStepSetup, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: raw})
	if err != nil {
		return nil, err
	}
	return &TwoStepSetup{key: key}, nil
}

// EnableTwoStep turns two-step sign-in on for user once code is right for the secret
// they are setting up, and returns their RecoveryCodeCount recovery codes, in clear
// for this once: only their hashes are stored. The code's time step counts as used.
// Returns ErrTwoStepOn, ErrTwoStepSetupExpired or ErrWrongCode.
func (s *Service) EnableTwoStep(ctx context.Context, user *model.User, code string) ([]string, error) {
	if user.TwoStepOn() {
		return nil, ErrTwoStepOn
	}
	state, err := s.store.TOTP(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if state.EnabledAt != nil {
		return nil, ErrTwoStepOn
	}
	if state.Pending == "" || state.PendingAt == nil || now.Sub(*state.PendingAt) >= TwoStepSetupLifetime {
		return nil, ErrTwoStepSetupExpired
	}
	step, ok := matchTOTP(state.Pending, code, now)
	if !ok {
		return nil, ErrWrongCode
	}
	codes := newRecoveryCodes(RecoveryCodeCount)
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = hashRecoveryCode(normaliseRecoveryCode(c))
	}
	if err := s.store.EnableTOTP(ctx, user.ID, state.Pending, step, now, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// TwoStepStatus is what a person sees of their own two-step sign-in.
type TwoStepStatus struct {
	Since         *time.Time // nil while it is off
	RecoveryLeft  int        // unused recovery codes
	Required      bool       // the role must sign in with two steps
	RecentResets  []store.TwoStepReset
	RecoveryTotal int
}

// TwoStepStatus returns the state of user's two-step sign-in.
func (s *Service) TwoStepStatus(ctx context.Context, user *model.User) (TwoStepStatus, error) {
	st := TwoStepStatus{Since: user.TwoStepSince, RecoveryTotal: RecoveryCodeCount}
	var err error
	if st.RecoveryLeft, err = s.store.RecoveryCodesLeft(ctx, user.ID); err != nil {
		return st, err
	}
	if st.Required, err = s.roleNeedsTwoStep(ctx, user.Role); err != nil {
		return st, err
	}
	st.RecentResets, err = s.store.TwoStepResets(ctx, user.ID, 5)
	return st, err
}

// TwoStepTurnOff is what a person typed to turn their two-step sign-in off: their
// password, or a code (from the app, or a recovery code).
type TwoStepTurnOff struct {
	Password string
	Code     string
}

// DisableTwoStep turns two-step sign-in off for user once they prove it is them: with
// a code when they typed one, else with their password (counted by the sign-in
// lock-out, like ChangePassword). Returns *model.ValidationError naming "password"
// when both are empty, ErrTwoStepRequired when their role must keep it, ErrWrongCode,
// ErrCodeReused, ErrRecoveryCodeUsed, ErrWrongPassword or *LockedOutError. Turning
// off what is off does nothing.
func (s *Service) DisableTwoStep(ctx context.Context, user *model.User, proof TwoStepTurnOff, client string) error {
	if !user.TwoStepOn() {
		return nil
	}
	if required, err := s.roleNeedsTwoStep(ctx, user.Role); err != nil {
		return err
	} else if required {
		return ErrTwoStepRequired
	}
	switch {
	case strings.TrimSpace(proof.Code) != "":
		if err := s.checkSecondFactor(ctx, user, proof.Code, s.now().UTC()); err != nil {
			return err
		}
	case proof.Password != "":
		if err := s.confirmPassword(ctx, user, proof.Password, client); err != nil {
			return err
		}
	default:
		v := &model.ValidationError{}
		v.Add("password", "Enter your password, or a code from your authenticator app.")
		return v
	}
	_, err := s.store.ClearTOTP(ctx, user.ID)
	return err
}

// TwoStepRequired reports whether user must set up two-step sign-in before using the
// staff pages: their role requires it (model.Policy.TwoStepRoles) and they have not.
func (s *Service) TwoStepRequired(ctx context.Context, user *model.User) (bool, error) {
	if user.TwoStepOn() {
		return false, nil
	}
	return s.roleNeedsTwoStep(ctx, user.Role)
}

func (s *Service) roleNeedsTwoStep(ctx context.Context, role model.Role) (bool, error) {
	p, err := s.store.Policy(ctx)
	if err != nil {
		return false, err
	}
	return slices.Contains(p.TwoStepRoles, role), nil
}

// checkSecondFactor checks code, from the app or a recovery code, for user, and uses
// it up: an app code's time step, or the recovery code. Returns ErrWrongCode,
// ErrCodeReused or ErrRecoveryCodeUsed.
func (s *Service) checkSecondFactor(ctx context.Context, user *model.User, code string, now time.Time) error {
	code = strings.Join(strings.Fields(code), "")
	if isAppCode(code) {
		state, err := s.store.TOTP(ctx, user.ID)
		if err != nil {
			return err
		}
		if state.Secret == "" {
			return ErrWrongCode
		}
		step, ok := matchTOTP(state.Secret, code, now)
		if !ok {
			return ErrWrongCode
		}
		used, err := s.store.UseTOTPStep(ctx, user.ID, step)
		if err != nil {
			return err
		}
		if !used {
			return ErrCodeReused
		}
		return nil
	}
	normalised := normaliseRecoveryCode(code)
	if normalised == "" {
		return ErrWrongCode
	}
	err := s.store.UseRecoveryCode(ctx, user.ID, hashRecoveryCode(normalised), now)
	switch {
	case errors.Is(err, store.ErrRecoveryCodeUsed):
		return ErrRecoveryCodeUsed
	case errors.Is(err, model.ErrNotFound):
		return ErrWrongCode
	}
	return err
}

// isAppCode reports whether code looks like an authenticator app's: six digits.
func isAppCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// matchTOTP returns the time step whose code of secret is code, looking at the step
// of now and the one on either side (a phone's clock a little off, or a code typed as
// it changed).
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if !isAppCode(code) {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	found, match := int64(0), false
	for _, st := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totpOptions)
		// Every step is compared, in constant time, so the answer's time does not say
		// which matched.
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !match {
			found, match = st, true
		}
	}
	return found, match
}
