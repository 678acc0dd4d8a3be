package profile

import (
	"context"
	"cosdrop/auth"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// Environment variables a permanent-key profile reads on a machine
// without a keyring (a server, a NAS, a CI job): the headless way.
const (
	EnvSecretID  = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey = "TENCENTCLOUD_SECRET_KEY"
)

// Open turns a profile into what an upload needs: a Provider for the
// permanent and STS modes, or a SignServer for the server-signed mode (the
// other result is nil). client is used to reach the credential or
// signing server; when nil, Open builds one that goes through the
// profile's proxy (Profile.Transport).
//
// The keyring is read only when a secret is needed:
//   - permanent: the SecretKey comes from $TENCENTCLOUD_SECRET_KEY when it
//     is set (and $TENCENTCLOUD_SECRET_ID, if set, is the profile's
//     SecretId), else from store. A missing key is an error matching
//     ErrNotFound that tells the user to log in.
//   - sts and server-signed: the login token is read from store only when
//     the server refuses a request without one (HTTP 401/403). A server
//     that needs no token never causes a keyring read, so a locked or
//     absent keyring is no error for it.
func Open(ctx context.Context, p Profile, store auth.SecretStore, client *http.Client) (auth.Provider, *auth.SignServer, error) {
	if err := p.Validate(); err != nil {
		return nil, nil, fmt.Errorf("profile %q: %w", p.Name, err)
	}
	switch p.Mode {
	case ModePermanent:
		key, err := permanentKey(ctx, p, store)
		if err != nil {
			return nil, nil, err
		}
		return auth.NewStatic(auth.Credentials{SecretID: p.SecretID, SecretKey: key}), nil, nil
	case ModeSTS, ModeServerSigned:
		if client == nil {
			t, err := p.Transport(ctx, store)
			if err != nil {
				return nil, nil, err
			}
			client = &http.Client{Transport: t}
		}
		account := auth.LoginTokenAccount(p.Name)
		if p.Mode == ModeSTS {
			return auth.NewSTSFromStore(p.CredentialURL, store, account, client), nil, nil
		}
		return nil, auth.NewSignServerFromStore(p.SignConfig(), store, account, client), nil
	}
	return nil, nil, fmt.Errorf("profile %q: unknown mode %q", p.Name, p.Mode)
}

// permanentKey is the SecretKey of a permanent-key profile: from the
// environment when set there, else from the store.
func permanentKey(ctx context.Context, p Profile, store auth.SecretStore) (string, error) {
	if key := os.Getenv(EnvSecretKey); key != "" {
		if id := os.Getenv(EnvSecretID); id != "" && id != p.SecretID {
			return "", &Error{Field: "secret-id", Message: msg(CodeEnvKeyMismatch, "EnvID", quote(id), "Profile", quote(p.Name), "ProfileID", quote(p.SecretID))}
		}
		auth.AddSecret(key)
		return key, nil
	}
	key, err := store.Get(ctx, auth.SecretKeyAccount(p.Name))
	if errors.Is(err, auth.ErrNotFound) {
		return "", &Error{Field: "secret-key", Message: msg(CodeNoSecretKey, "Profile", p.Name), Err: err}
	}
	if err != nil {
		return "", fmt.Errorf("profile %q: %w", p.Name, err)
	}
	auth.AddSecret(key) // whatever the store, Redact knows it from now on
	return key, nil
}
