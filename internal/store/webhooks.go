package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/fascicle/fascicle/internal/model"
)

type webhookRow struct {
	ID        int64
	URL       string
	Secret    []byte
	Events    string
	CreatedBy sql.NullInt64
	CreatedAt time.Time
}

func (webhookRow) TableName() string { return "webhooks" }

func (s *Store) webhookModel(r webhookRow) (model.Webhook, error) {
	w := model.Webhook{ID: r.ID, URL: r.URL, CreatedBy: r.CreatedBy.Int64, CreatedAt: r.CreatedAt.UTC()}
	for _, e := range strings.Fields(r.Events) {
		w.Events = append(w.Events, model.EventKind(e))
	}
	keys, err := s.emailKeys()
	if err != nil {
		return w, err
	}
	w.Secret, err = keys.Open(r.Secret)
	return w, err
}

// CreateWebhook stores w with its secret sealed and sets w.ID.
func (s *Store) CreateWebhook(ctx context.Context, w *model.Webhook) error {
	keys, err := s.emailKeys()
	if err != nil {
		return err
	}
	events := make([]string, len(w.Events))
	for i, e := range w.Events {
		events[i] = string(e)
	}
	row := webhookRow{URL: w.URL, Secret: keys.Seal(w.Secret), Events: strings.Join(events, " "),
		CreatedBy: nullID(w.CreatedBy), CreatedAt: w.CreatedAt.UTC()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	w.ID = row.ID
	return nil
}

// Webhooks returns every webhook, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]model.Webhook, error) {
	var rows []webhookRow
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	list := make([]model.Webhook, len(rows))
	for i, r := range rows {
		var err error
		if list[i], err = s.webhookModel(r); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Webhook returns webhook id, or model.ErrNotFound.
func (s *Store) Webhook(ctx context.Context, id int64) (*model.Webhook, error) {
	var r webhookRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, translate(err)
	}
	w, err := s.webhookModel(r)
	return &w, err
}

// DeleteWebhook removes webhook id and its deliveries, or returns model.ErrNotFound.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM webhooks WHERE id = ?`, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return translate(res.Error)
}
