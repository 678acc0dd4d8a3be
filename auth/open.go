package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Open turns a profile into what an upload needs: a Provider for the
// permanent and STS modes, or a SignServer for the server-signed mode (the
// other result is nil). Secrets come from store. A missing SecretKey is an
// error wrapping ErrNotFound that tells the user to log in; a missing login
// token is fine (the credential server may not need one). client, which
// may be nil, is used to reach the credential or signing server.
func Open(ctx context.Context, p Profile, store SecretStore, client *http.Client) (Provider, *SignServer, error) {
	if err := p.Validate(); err != nil {
		return nil, nil, fmt.Errorf("profile %q: %w", p.Name, err)
	}
	switch p.Mode {
	case ModePermanent:
		key, err := store.Get(ctx, SecretKeyAccount(p.Name))
		if errors.Is(err, ErrNotFound) {
			return nil, nil, fmt.Errorf("profile %q has no SecretKey stored (%w): run 'cosdrop login --profile %s'", p.Name, err, p.Name)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("profile %q: %w", p.Name, err)
		}
		return NewStatic(Credentials{SecretID: p.SecretID, SecretKey: key}), nil, nil
	case ModeSTS, ModeServerSigned:
		token, err := store.Get(ctx, LoginTokenAccount(p.Name))
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, fmt.Errorf("profile %q: read login token: %w", p.Name, err)
		}
		if p.Mode == ModeSTS {
			return NewSTS(p.CredentialURL, token, client), nil, nil
		}
		return nil, NewSignServerConfig(p.SignConfig(), token, client), nil
	}
	return nil, nil, fmt.Errorf("profile %q: unknown mode %q", p.Name, p.Mode)
}
