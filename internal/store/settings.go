package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fascicle/fascicle/internal/model"
)

const policySetting = "moderation_policy"

// Policy returns the moderation policy: the saved one, or the default if none was
// saved. Settings added after a policy was saved take their default values.
func (s *Store) Policy(ctx context.Context) (model.Policy, error) {
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
