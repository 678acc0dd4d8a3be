package auth

import (
	"context"
	"net/http"
)

// NewSTSFromStore is an STS provider for url whose login token is read
// from store (under account) only when the credential server refuses a
// request without one: a server that needs no token never causes a
// keyring read, so a locked or absent keyring is no error for it.
func NewSTSFromStore(url string, store SecretStore, account string, client *http.Client) *STS {
	return newSTS(url, storedToken(store, account), client)
}

// NewSignServerFromStore is a signing server client for cfg whose login
// token is read from store as for NewSTSFromStore.
func NewSignServerFromStore(cfg SignConfig, store SecretStore, account string, client *http.Client) *SignServer {
	return newSignServer(cfg, storedToken(store, account), client)
}

// storedToken is a login token read from store on first need.
func storedToken(store SecretStore, account string) *loginToken {
	return &loginToken{load: func(ctx context.Context) (string, error) {
		return store.Get(ctx, account)
	}}
}
