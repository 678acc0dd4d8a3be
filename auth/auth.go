// Package auth is CosDrop's credential machinery: secrets in the OS
// keyring, temporary STS credentials refreshed in the background, per-file
// signatures from the organisation's own server, request signing, the
// redaction of secrets from every text, and the permission probe. It
// knows nothing of profiles: the profile package, which imports it, says
// which of these a profile uses (its mode table) and what to probe
// (ProbeTarget). It imports nothing from Fyne, the uploader or profile.
package auth

import (
	"context"
	"time"
)

// Credentials is one consistent set of COS credentials. The three strings
// always travel together: a request is never signed with an ID from one set
// and a token from another.
type Credentials struct {
	SecretID     string
	SecretKey    string
	SessionToken string    // empty for a permanent key
	Expiration   time.Time // zero for a permanent key
}

// Provider hands out credentials for signing requests. Implementations are
// safe for concurrent use by every upload worker.
type Provider interface {
	// Credentials returns the current set, fetching or refreshing it first
	// when needed. It blocks only while no valid set is available.
	Credentials(ctx context.Context) (Credentials, error)
	// Refresh forces a new set after COS rejected the current one
	// (ExpiredToken, "Request has expired"). Concurrent callers share a
	// single refresh.
	Refresh(ctx context.Context) (Credentials, error)
}
