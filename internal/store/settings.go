package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fascicle/fascicle/internal/model"
)

const policySetting = "moderation_policy"

// Policy returns the moderation policy: the saved one, or the default if none was
// saved. Settings added after a policy was saved take their default values.
//
// Every reply and every article page rendered needs it: outside a transaction it is
// read again only when the content version has changed (saving settings changes it,
// in the same transaction), which on SQLite costs no query.
func (s *Store) Policy(ctx context.Context) (model.Policy, error) {
	if s.inTx {
		return s.readPolicy(ctx)
	}
	version, err := s.ContentVersion(ctx)
	if err != nil {
		return model.Policy{}, err
	}
	if last := s.policy.Load(); last != nil && last.version == version {
		return last.policy.clone(), nil
	}
	// Read after the version: what is read is at least as new as that version, so
	// keeping it under that version never serves an older policy.
	p, err := s.readPolicy(ctx)
	if err != nil {
		return p, err
	}
	s.policy.Store(&policyRead{version: version, policy: policyValue(policyValue(p).clone())})
	return p, nil
}

// policyRead is the policy as read at a content version.
type policyRead struct {
	version int64
	policy  policyValue
}

// policyValue is a model.Policy kept for others: each caller gets its own copy of its
// lists.
type policyValue model.Policy

func (v policyValue) clone() model.Policy {
	p := model.Policy(v)
	p.HoldWords, p.SpamWords = slices.Clone(p.HoldWords), slices.Clone(p.SpamWords)
	p.Medicines, p.LinkDomains = slices.Clone(p.Medicines), slices.Clone(p.LinkDomains)
	p.TwoStepRoles = slices.Clone(p.TwoStepRoles)
	return p
}

// readPolicy reads the policy from the settings table.
func (s *Store) readPolicy(ctx context.Context) (model.Policy, error) {
	p := model.DefaultPolicy()
	var values []string
	if err := s.db.WithContext(ctx).Raw(`SELECT value FROM settings WHERE name = ?`, policySetting).Scan(&values).Error; err != nil {
		return p, translate(err)
	}
	if len(values) == 0 {
		return p, nil
	}
	if err := json.Unmarshal([]byte(values[0]), &p); err != nil {
		return p, fmt.Errorf("read moderation policy: %w", err)
	}
	return p, nil
}

// SavePolicy saves the moderation policy after checking it.
func (s *Store) SavePolicy(ctx context.Context, p model.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return translate(s.db.WithContext(ctx).Exec(`INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, policySetting, string(b)).Error)
}
