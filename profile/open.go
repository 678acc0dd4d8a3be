package profile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"cosdrop/auth"
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
	open, ok := openers[p.Spec().Signs]
	if !ok {
		return nil, nil, fmt.Errorf("profile %q: mode %q has no way of signing", p.Name, p.Mode)
	}
	return open(ctx, p, store, client)
}

// opener builds the signer of one way of signing for a valid profile.
type opener func(ctx context.Context, p Profile, store auth.SecretStore, client *http.Client) (auth.Provider, *auth.SignServer, error)

// openers build the signer of each way of signing (ModeSpec.Signs).
var openers = map[Signing]opener{
	SignsWithKey: func(ctx context.Context, p Profile, store auth.SecretStore, _ *http.Client) (auth.Provider, *auth.SignServer, error) {
		key, err := permanentKey(ctx, p, store)
		if err != nil {
			return nil, nil, err
		}
		return auth.NewStatic(auth.Credentials{SecretID: p.SecretID, SecretKey: key}), nil, nil
	},
	SignsWithTemporaryKeys: func(ctx context.Context, p Profile, store auth.SecretStore, client *http.Client) (auth.Provider, *auth.SignServer, error) {
		client, err := serverClient(ctx, p, store, client)
		if err != nil {
			return nil, nil, err
		}
		return auth.NewSTSFromStore(p.CredentialURL, store, p.Spec().Secret.Account(p.Name), client), nil, nil
	},
	SignsByServer: func(ctx context.Context, p Profile, store auth.SecretStore, client *http.Client) (auth.Provider, *auth.SignServer, error) {
		client, err := serverClient(ctx, p, store, client)
		if err != nil {
			return nil, nil, err
		}
		return nil, auth.NewSignServerFromStore(p.SignConfig(), store, p.Spec().Secret.Account(p.Name), client), nil
	},
}

// serverClient is client, or when nil one that reaches the credential or
// signing server through p's proxy.
func serverClient(ctx context.Context, p Profile, store auth.SecretStore, client *http.Client) (*http.Client, error) {
	if client != nil {
		return client, nil
	}
	t, err := p.Transport(ctx, store)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t}, nil
}

// permanentKey is the SecretKey of a permanent-key profile: from the
// environment when set there, else from the store.
func permanentKey(ctx context.Context, p Profile, store auth.SecretStore) (string, error) {
	if key := os.Getenv(EnvSecretKey); key != "" {
		if id := os.Getenv(EnvSecretID); id != "" && id != p.SecretID {
			return "", &Error{Field: "secret-id", Message: msg(auth.CodeEnvKeyMismatch, "EnvID", quote(id), "Profile", quote(p.Name), "ProfileID", quote(p.SecretID))}
		}
		auth.AddSecret(key)
		return key, nil
	}
	key, err := store.Get(ctx, p.Spec().Secret.Account(p.Name))
	if errors.Is(err, auth.ErrNotFound) {
		return "", &Error{Field: "secret-key", Message: msg(auth.CodeNoSecretKey, "Profile", p.Name), Err: err}
	}
	if err != nil {
		return "", fmt.Errorf("profile %q: %w", p.Name, err)
	}
	auth.AddSecret(key) // whatever the store, Redact knows it from now on
	return key, nil
}
