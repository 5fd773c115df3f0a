package app

import (
	"context"
	"log/slog"

	"github.com/fascicle/fascicle/internal/moderation"
	"github.com/fascicle/fascicle/internal/store"
)

// clientPepperName is the site key earlier versions hashed client addresses with. It
// lives in the database, so it is no secret: it stays only as the pepper of the
// hashes' inner layer, which keeps the hashes stored before the re-keying comparable
// with new ones (see moderation.ClientHasher).
const clientPepperName = "client-hash"

// clientHasher returns the hasher of client addresses for the database st, whose keys
// are loaded: its key is the one kept sealed in the database (store.ClientKey), usable
// only with the secret key kept outside it. Before returning, it re-keys the hashes
// earlier versions stored with the database's own key, once per database (see
// store.RekeyClientHashes), so that none of them can be turned back into an address
// from the database alone, and so that new hashes of the same address equal them.
func clientHasher(ctx context.Context, st *store.Store, logger *slog.Logger) (moderation.ClientHasher, error) {
	pepper, err := st.SiteKey(ctx, clientPepperName, 32)
	if err != nil {
		return moderation.ClientHasher{}, err
	}
	key, err := st.ClientKey(ctx)
	if err != nil {
		return moderation.ClientHasher{}, err
	}
	h := moderation.NewClientHasher(key, pepper)
	n, err := st.RekeyClientHashes(ctx, h.Rekey)
	if err != nil {
		return moderation.ClientHasher{}, err
	}
	if n > 0 && logger != nil {
		logger.Info("re-keyed the client address hashes stored by an earlier version", "count", n)
	}
	return h, nil
}
